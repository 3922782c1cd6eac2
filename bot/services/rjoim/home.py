"""The RJOIM lead's App Home panel and what the record's modals need to open: each force's
latest meeting, the open actions, and a meeting's carried-forward actions for the impact
modal. Viewing is audited in the caller's transaction (the panel) or its own (the modals)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.rjoim.actions import open_action
from bot.services.rjoim.leads import lead_and_meeting, rjoim_lead
from bot.services.rjoim.meetings import carried_actions
from bot.services.trends.summary import viewer_for
from bot.slack.blocks.rjoim_home import ForceMeetings, OpenAction, home_panel
from bot.slack.blocks.text import Block
from inspections.areas import AREAS
from inspections.forces import force_name
from inspections.rjoim_record import lead_areas
from storage import audit, rjoim_record_repo
from storage.models import Person
from storage.uow import UnitOfWork


def rjoim_home_blocks(session: Session, person: Person, now: datetime, tz: ZoneInfo) -> list[Block]:
    areas = lead_areas(viewer_for(session, person))
    if not areas:
        return []
    latest: dict[tuple[str, str], ForceMeetings] = {}
    actions = rjoim_record_repo.open_actions(session, areas=areas)
    open_by_force: dict[tuple[str, str], int] = {}
    for row in actions:
        key = (row.meeting.area, row.meeting.force_code)
        open_by_force[key] = open_by_force.get(key, 0) + 1
    for meeting in rjoim_record_repo.meetings(session, areas=areas):  # newest first
        key = (meeting.area, meeting.force_code)
        if key not in latest:
            latest[key] = ForceMeetings(
                meeting.id,
                meeting.area,
                meeting.force_code,
                meeting.held_on,
                meeting.next_meeting_on,
                open_by_force.get(key, 0),
            )
    audit.record(
        session,
        actor=person.email,
        action="home.rjoim_viewed",
        entity_type="person",
        entity_id=person.id,
        details={"areas": sorted(areas), "open_actions": len(actions)},
        now=now,
    )
    local = now.astimezone(tz)
    issues = rjoim_record_repo.issue_counts(session, [f.meeting_id for f in latest.values()])
    shown = sorted(
        (replace(f, issues=issues.get(f.meeting_id, 0)) for f in latest.values()),
        key=lambda f: (f.area, f.force_code),
    )
    scope = "every Area" if areas == frozenset(AREAS) else ", ".join(sorted(areas))
    return home_panel(shown, [open_action(r, local) for r in actions], scope)


def meeting_modal_areas(
    uow: UnitOfWork, *, actor_slack_id: str, now: datetime
) -> tuple[list[str], str]:
    """The Areas this lead may record a meeting for, and their own."""
    with uow:
        lead = rjoim_lead(uow.session, actor_slack_id, action="rjoim.meeting", now=now)
        return sorted(lead.areas), lead.person.area


def meeting_title(
    uow: UnitOfWork, *, actor_slack_id: str, meeting_id: int, action: str, now: datetime
) -> tuple[str, list[OpenAction]]:
    """The meeting's one-line title and the open actions of earlier meetings it reviews."""
    with uow:
        session = uow.session
        lead, meeting = lead_and_meeting(session, actor_slack_id, meeting_id, action, now)
        title = (
            f"{meeting.area} RJOIM with {force_name(meeting.force_code)}, "
            f"{meeting.held_on.isoformat()}"
        )
        rows = carried_actions(session, meeting.area, meeting.force_code, meeting.held_on)
        audit.record(
            session,
            actor=lead.email,
            action="rjoim.meeting_viewed",
            entity_type="rjoim_meeting",
            entity_id=meeting.id,
            details={"for": action, "open_actions": [row.action.id for row in rows]},
            now=now,
        )
        uow.commit()
        return title, [open_action(row) for row in rows]
