"""Who keeps an Area's RJOIM record (inspections.rjoim_record.lead_areas), checked and audited.

Slack users are checked against the directory; the command line acts as its operator
(`cli_actor`), who may read any Area, as `dipsample rjoim agenda` already does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import refusals
from bot.refusals import Refused
from bot.services.people.requester import requester
from bot.services.trends.summary import viewer_for
from inspections.rjoim_record import lead_areas
from storage import audit
from storage.models import Person, RjoimMeeting


@dataclass(frozen=True)
class Lead:
    person: Person
    areas: frozenset[str]

    @property
    def email(self) -> str:
        return self.person.email


def rjoim_lead(
    session: Session, slack_user_id: str, *, action: str, now: datetime, area: str | None = None
) -> Lead:
    """The person asking, when they keep the record of `area` (of some Area when None);
    otherwise the refusal is audited and committed, and Refused raised."""
    person = requester(session, slack_user_id, action=action, now=now)
    areas = lead_areas(viewer_for(session, person))
    if areas and (area is None or area in areas):
        return Lead(person, areas)
    reason = refusals.NOT_AN_RJOIM_LEAD if not areas else refusals.rjoim_other_area(person.area)
    audit.record(
        session,
        actor=person.email,
        action=f"refused:{action}",
        entity_type="rjoim_area",
        entity_id=area or person.area,
        details={"reason": reason},
        now=now,
    )
    session.commit()
    raise Refused(reason)


def lead_and_meeting(
    session: Session, actor_slack_id: str, meeting_id: int, action: str, now: datetime
) -> tuple[Lead, RjoimMeeting]:
    lead = rjoim_lead(session, actor_slack_id, action=action, now=now)
    meeting = session.get(RjoimMeeting, meeting_id)
    if meeting is None or meeting.area not in lead.areas:
        audit.record(
            session,
            actor=lead.email,
            action=f"refused:{action}",
            entity_type="rjoim_meeting",
            entity_id=meeting_id,
            details={"reason": refusals.NO_SUCH_RJOIM_MEETING},
            now=now,
        )
        session.commit()
        raise Refused(refusals.NO_SUCH_RJOIM_MEETING)
    return lead, meeting
