"""`/dip development [LAWYER]`: a lawyer's own marks over the last four quarters by theme, for
the lawyer and those above them (inspections.scopes.may_see_lawyer), in a direct message.
Every view is audited; every refusal too."""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import refusals
from bot.refusals import Refused
from bot.services.people.requester import record_refusal, requester
from bot.services.trends.summary import viewer_for
from inspections.development import DevelopmentRecord, development_record
from inspections.periods import quarter_of, quarters_to
from inspections.scopes import may_see_lawyer
from questionnaires.themes import THEMES
from storage import audit, learning_queries, people_repo
from storage.models import Person
from storage.uow import UnitOfWork

QUARTERS = 4


def development_request(
    uow: UnitOfWork, *, slack_user_id: str, who: str, now: datetime, tz: ZoneInfo
) -> DevelopmentRecord:
    with uow:
        session = uow.session
        person = requester(session, slack_user_id, action="development", now=now)
        lawyer = _named(session, person, who.strip())
        if lawyer is None or "lawyer" not in lawyer.roles:
            _refuse(session, slack_user_id, who, refusals.not_a_lawyer(who), now)
        if not may_see_lawyer(viewer_for(session, person), lawyer.id, lawyer.area):
            _refuse(session, slack_user_id, who, refusals.DEVELOPMENT_BEYOND, now)
        quarters = quarters_to(now.astimezone(tz).date(), QUARTERS)
        start, end = quarters[0].utc_bounds(tz)[0], quarters[-1].utc_bounds(tz)[1]
        marks = learning_queries.theme_marks(session, start=start, end=end, lawyer_id=lawyer.id)
        record = development_record(
            lawyer.name,
            quarters,
            (
                (m.inspection_id, quarter_of(m.submitted_at.astimezone(tz).date()).label, *(
                    m.theme, m.fully_met))
                for m in marks
            ),
            list(THEMES),
        )  # fmt: skip
        audit.record(
            session,
            actor=person.email,
            action="development.viewed",
            entity_type="person",
            entity_id=lawyer.id,
            details={"quarters": list(record.quarters), "inspections": sum(record.inspections)},
            now=now,
        )
        uow.commit()
    return record


def _named(session: Session, person: Person, who: str) -> Person | None:
    if who in ("", "me"):
        return person
    return people_repo.find_by_email(session, who.lower())


def _refuse(session: Session, slack_user_id: str, who: str, reason: str, now: datetime) -> NoReturn:
    session.rollback()
    record_refusal(
        session,
        actor=slack_user_id,
        action="development",
        entity_type="person",
        entity_id=who or "me",
        reason=reason,
        now=now,
    )
    raise Refused(reason)
