"""`/dip trends`: who is asking, what they may see, the summary and its chart. Every view is
audited; every refusal too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.refusals import Refused
from bot.services.people.requester import record_refusal, requester
from bot.services.trends.charts import ChartData
from bot.services.trends.engine import SectionSeries, section_series, summarise
from bot.services.trends.requests import TrendRequest
from bot.slack.blocks.trends import scope_title
from inspections.line_management import heads_unit
from inspections.scopes import Scope, ScopeRefused, ScopeRequest, Viewer, resolve
from inspections.trend_summary import TrendSummary
from storage import audit, people_repo
from storage.models import Person
from storage.uow import UnitOfWork

BLANK_MONTHS = "Months with fewer than 5 inspections are left blank."


@dataclass(frozen=True)
class TrendReport:
    summary: TrendSummary
    chart: ChartData


def viewer_for(session: Session, person: Person) -> Viewer:
    manager = session.get(Person, person.manager_id) if person.manager_id is not None else None
    roles = frozenset(person.roles)
    team = (
        frozenset(people_repo.team_ids(session, person.id)) if "manager" in roles else frozenset()
    )
    heads = heads_unit(person, manager)
    return Viewer(person.id, roles, person.area, person.unit, heads, frozenset(team))


def trend_report(
    uow: UnitOfWork,
    *,
    slack_user_id: str,
    request: TrendRequest,
    now: datetime,
    tz: ZoneInfo,
) -> TrendReport:
    """The summary and chart the person may see; Refused (audited) when they may not,
    NotInDirectory for someone outside the directory."""
    with uow:
        session = uow.session
        person = requester(session, slack_user_id, action="trends", now=now)
        scope = allowed_scope(session, person, request.scope, slack_user_id, now)
        period = request.period(now.astimezone(tz).date())
        summary = summarise(
            session, scope=scope, period=period, review_type=request.review_type, tz=tz
        )
        series = section_series(
            session, scope=scope, period=period, review_type=request.review_type, tz=tz
        )
        audit.record(
            session,
            actor=person.email,
            action="trends.viewed",
            entity_type="trend_scope",
            entity_id=scope.label,
            details={
                "scope": scope.kind.value,
                "area": scope.area,
                "unit": scope.unit,
                "period": period.label,
                "review_type": request.review_type,
                "inspections": summary.figures.inspections,
            },
            now=now,
        )
        uow.commit()
    return TrendReport(summary, chart_data(summary, series))


def chart_data(summary: TrendSummary, series: SectionSeries) -> ChartData:
    themes = [] if summary.suppressed else [(t.text, t.not_fully_met) for t in summary.themes]
    return ChartData(
        title=scope_title(summary),
        months=[f"{m.start:%b %Y}" for m in series.months],
        sections=dict(series.sections),
        themes=themes,
        note=BLANK_MONTHS,
    )


def allowed_scope(
    session: Session,
    person: Person,
    request: ScopeRequest,
    slack_user_id: str,
    now: datetime,
    *,
    action: str = "trends",
) -> Scope:
    """The scope, or Refused with the refusal audited and committed alone."""
    try:
        return resolve(viewer_for(session, person), request)
    except ScopeRefused as refused:
        session.rollback()
        record_refusal(
            session,
            actor=slack_user_id,
            action=action,
            entity_type="trend_scope",
            entity_id=request.name or request.kind,
            reason=refused.reason,
            now=now,
        )
        raise Refused(refused.reason) from None
