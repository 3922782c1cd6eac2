"""Reading the RJOIM record: a meeting as recorded, with the open actions it had to review
(carried forward from earlier meetings with the same force), and the next meeting's agenda as
of now: the force's qualifying cases since the last meeting, and every action still open.

Reads are audited by their callers' services (export, home), in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.rjoim.agenda import current_action_plan_questions
from inspections.rjoim import AgendaQuestion
from inspections.rjoim_record import carried_forward
from inspections.scopes import Scope, ScopeKind
from storage import rjoim_record_repo
from storage.models import RjoimImpact, RjoimMeeting
from storage.rjoim_queries import RjoimCase, rjoim_cases
from storage.rjoim_record_repo import ActionRow, MeetingRecord
from storage.trend_queries import scope_filter

FIRST_AGENDA_DAYS = 91  # with no earlier meeting, a first agenda looks back about a quarter


@dataclass(frozen=True)
class MeetingView:
    """A meeting as recorded, or (record None) the next one with a force, as of now."""

    area: str
    force_code: str
    record: MeetingRecord | None
    carried: tuple[ActionRow, ...]  # open actions of earlier meetings it reviews
    impacts: dict[int, list[RjoimImpact]]  # every assessment so far of the carried actions
    cases: tuple[RjoimCase, ...]  # qualifying cases of the period before it
    questions: tuple[AgendaQuestion, ...]
    since: date | None  # the previous meeting with the force, if any

    @property
    def held_on(self) -> date | None:
        return self.record.meeting.held_on if self.record is not None else None


def carried_actions(session: Session, area: str, force_code: str, before: date) -> list[ActionRow]:
    states = rjoim_record_repo.action_states(session, area, force_code)
    due = carried_forward(states, area=area, force_code=force_code, before=before)
    return rjoim_record_repo.action_rows(session, [s.action_id for s in due])


def meeting_view(session: Session, meeting: RjoimMeeting, tz: ZoneInfo) -> MeetingView:
    record = rjoim_record_repo.record(session, meeting)
    carried = carried_actions(session, meeting.area, meeting.force_code, meeting.held_on)
    # Actions it reviewed and recorded done are closed now, but still this meeting's business.
    assessed = [row for _, row in record.impacts if row not in carried]
    reviewed = sorted([*carried, *assessed], key=lambda r: (r.meeting.held_on, r.action.id))
    return _view(session, meeting.area, meeting.force_code, record, reviewed, meeting.held_on, tz)


def next_meeting_view(
    session: Session, area: str, force_code: str, *, now: datetime, tz: ZoneInfo
) -> MeetingView:
    carried = carried_actions(session, area, force_code, date.max)
    return _view(
        session, area, force_code, None, carried, None, tz, today=now.astimezone(tz).date()
    )


def _view(
    session: Session,
    area: str,
    force_code: str,
    record: MeetingRecord | None,
    reviewed: list[ActionRow],
    held_on: date | None,
    tz: ZoneInfo,
    *,
    today: date | None = None,
) -> MeetingView:
    earlier = [
        m
        for m in rjoim_record_repo.meetings(session, areas=[area], force_code=force_code)
        if held_on is None or m.held_on < held_on
    ]
    since = earlier[0].held_on if earlier else None
    end_day = held_on or today or date.max
    start_day = since if since is not None else end_day - timedelta(days=FIRST_AGENDA_DAYS)
    questions = current_action_plan_questions(session)
    cases = rjoim_cases(
        session,
        scope_filter(Scope(ScopeKind.AREA, area, area=area)),
        start=datetime.combine(start_day, datetime.min.time(), tzinfo=tz),
        end=datetime.combine(end_day + timedelta(days=1), datetime.min.time(), tzinfo=tz),
        question_ids=[q.question_id for q in questions],
        force=force_code,
    )
    impacts = rjoim_record_repo.impacts_of(session, [r.action.id for r in reviewed])
    return MeetingView(
        area, force_code, record, tuple(reviewed), impacts, tuple(cases), questions, since
    )
