"""`/dip trends` and the manager's App Home headline: who is asking, what they may see, the
summary and its chart. Every view is audited; every refusal too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.blocks.text import Block, context, esc, fields_section, header, section
from bot.blocks.trends import SUPPRESSED_NOTE, change_text, mean_text, scope_title, share_text
from bot.charts import ChartData
from bot.services.line_management import team_ids
from bot.services.requester import record_refusal, requester
from bot.services.trend_engine import SectionSeries, section_series, summarise
from bot.services.trend_requests import TrendRequest
from inspections.periods import quarter_of
from inspections.scopes import (
    Reach,
    Scope,
    ScopeRefused,
    ScopeRequest,
    Viewer,
    reach,
    resolve,
)
from inspections.trend_summary import TrendSummary
from inspections.trends import FEWER_THAN_MIN
from storage import audit
from storage.models import Person
from storage.uow import UnitOfWork

BLANK_MONTHS = "Months with fewer than 5 inspections are left blank."


class TrendsRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TrendReport:
    summary: TrendSummary
    chart: ChartData


def viewer_for(session: Session, person: Person) -> Viewer:
    manager = session.get(Person, person.manager_id) if person.manager_id is not None else None
    # The top of a unit's chain: nobody above them in their own Area and unit.
    heads_unit = manager is None or (manager.area, manager.unit) != (person.area, person.unit)
    roles = frozenset(person.roles)
    team = frozenset(team_ids(session, person.id)) if "manager" in roles else frozenset()
    return Viewer(person.id, roles, person.area, person.unit, heads_unit, team)


def trend_report(
    uow_factory: Callable[[], UnitOfWork],
    *,
    slack_user_id: str,
    request: TrendRequest,
    now: datetime,
    tz: ZoneInfo,
) -> TrendReport:
    """The summary and chart the person may see; TrendsRefused (audited) when they may not,
    NotInDirectory for someone outside the directory."""
    with uow_factory() as uow:
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


def trends_headline_blocks(
    session: Session, person: Person, now: datetime, tz: ZoneInfo | str
) -> list[Block]:
    """The current quarter's headline for a manager's own scope (their team, their Area, or
    everything for a manager who is also the national lead), for the App Home; empty for anyone
    who is not a manager. Audited in the caller's transaction."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    if "manager" not in person.roles:
        return []
    viewer = viewer_for(session, person)
    if reach(viewer) is Reach.TEAM and not viewer.team:
        return []
    scope = resolve(viewer, ScopeRequest())
    period = quarter_of(now.astimezone(zone).date())
    summary = summarise(session, scope=scope, period=period, review_type=None, tz=zone)
    audit.record(
        session,
        actor=person.email,
        action="trends.headline_viewed",
        entity_type="trend_scope",
        entity_id=scope.label,
        details={"scope": scope.kind.value, "period": period.label},
        now=now,
    )
    return headline_blocks(summary)


def headline_blocks(summary: TrendSummary) -> list[Block]:
    title = header(f"{summary.scope.label}: this quarter ({summary.period.label})")
    more = context(esc("Type `/dip trends` for the full summary and chart.", 200))
    if summary.suppressed:
        return [
            title,
            section(esc(f"{FEWER_THAN_MIN} inspections so far. {SUPPRESSED_NOTE}", 900)),
            more,
        ]
    f = summary.figures
    pairs = [
        ("Inspections", str(f.inspections)),
        ("Mean quality score", mean_text(f.mean_score)),
        ("Marks fully met", share_text(f.fully_met)),
        ("Critical failures", str(f.critical_failures)),
        (
            f"Since {summary.previous_period.label}",
            change_text(summary.change, f, summary.previous, summary.previous_period),
        ),
    ]
    return [title, fields_section(pairs), more]


def allowed_scope(
    session: Session,
    person: Person,
    request: ScopeRequest,
    slack_user_id: str,
    now: datetime,
    *,
    action: str = "trends",
) -> Scope:
    """The scope, or TrendsRefused with the refusal audited and committed alone."""
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
        raise TrendsRefused(refused.reason) from None
