"""`/dip rjoim`: the cases for the RASSO Joint Operational Improvement Meeting agenda.

Pre-charge decision reviews with three or more substantive action plans in the period, within
the requester's scope (the same rules as trends), with whether each was inspected and its marks
on the action-plan questions: those of the questionnaire section that holds the action plan
question (action plans, and third-party material requests, which they usually carry). The list
names cases by URN, so it goes to a direct message only, and the disclosure is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.people.requester import requester
from bot.services.rjoim.actions import open_action
from bot.services.trends.requests import TrendRequest
from bot.services.trends.summary import allowed_scope
from bot.slack.blocks.rjoim_home import OpenAction
from inspections.periods import Period
from inspections.rjoim import AgendaQuestion, action_plan_questions
from inspections.scopes import Scope, ScopeKind
from storage import audit, rjoim_record_repo, trend_mapping
from storage.rjoim_queries import RjoimCase, rjoim_cases
from storage.trend_queries import scope_filter
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class RjoimList:
    scope: Scope
    period: Period
    cases: tuple[RjoimCase, ...]
    questions: tuple[AgendaQuestion, ...]
    force: str | None = None  # one force's agenda; None: every force in the scope
    # Actions agreed at earlier meetings and still open: they carry forward to the next one.
    open_actions: tuple[OpenAction, ...] = ()


def rjoim_list(
    uow: UnitOfWork,
    *,
    slack_user_id: str,
    request: TrendRequest,
    now: datetime,
    tz: ZoneInfo,
) -> RjoimList:
    with uow:
        session = uow.session
        person = requester(session, slack_user_id, action="rjoim", now=now)
        scope = allowed_scope(session, person, request.scope, slack_user_id, now, action="rjoim")
        period = request.period(now.astimezone(tz).date())
        start, end = period.utc_bounds(tz)
        questions = current_action_plan_questions(session)
        cases = rjoim_cases(
            session,
            scope_filter(scope),
            start=start,
            end=end,
            question_ids=[q.question_id for q in questions],
            force=request.force,
        )
        carried = _open_actions(session, scope, request.force, now.astimezone(tz))
        audit.record(
            session,
            actor=person.email,
            action="rjoim.viewed",
            entity_type="trend_scope",
            entity_id=scope.label,
            details={
                "period": period.label,
                "force": request.force,
                "urns": [c.urn for c in cases],
                "open_actions": [a.action_id for a in carried],
            },
            now=now,
        )
        uow.commit()
    return RjoimList(scope, period, tuple(cases), questions, request.force, tuple(carried))


def _open_actions(
    session: Session, scope: Scope, force: str | None, now: datetime
) -> list[OpenAction]:
    """The open actions of the scope's Area (every Area's, nationally); none for a team or a
    lawyer, whose scopes are not an Area's meetings."""
    if scope.kind is ScopeKind.NATIONAL:
        areas = None
    elif scope.kind in (ScopeKind.AREA, ScopeKind.UNIT) and scope.area is not None:
        areas = [scope.area]
    else:
        return []
    rows = rjoim_record_repo.open_actions(session, areas=areas, force_code=force)
    return [open_action(row, now) for row in rows]


def current_action_plan_questions(session: Session) -> tuple[AgendaQuestion, ...]:
    versions = trend_mapping.versions(session)
    if not versions:
        return ()
    version_id, content_hash = versions[-1]
    return action_plan_questions(trend_mapping.questionnaire(session, version_id, content_hash))


def agenda_export(
    uow: UnitOfWork,
    *,
    actor: str,
    area: str,
    force: str | None,
    period: Period,
    tz: ZoneInfo,
    police_safe: bool,
    now: datetime,
) -> tuple[list[RjoimCase], tuple[AgendaQuestion, ...]]:
    """An Area's agenda (one force's, or every force's) for a file; audited as an export."""
    with uow:
        session = uow.session
        start, end = period.utc_bounds(tz)
        questions = current_action_plan_questions(session)
        cases = rjoim_cases(
            session,
            scope_filter(Scope(ScopeKind.AREA, area, area=area)),
            start=start,
            end=end,
            question_ids=[q.question_id for q in questions],
            force=force,
        )
        audit.record(
            session,
            actor=actor,
            action="rjoim.exported",
            entity_type="trend_scope",
            entity_id=area,
            details={
                "period": period.label,
                "force": force,
                "police_safe": police_safe,
                "urns": [c.urn for c in cases],
            },
            now=now,
        )
        uow.commit()
    return cases, questions
