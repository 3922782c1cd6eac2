"""The Area Performance Review pack's metrics for one Area and quarter: each review type's
trend figures (with honest intervals), coverage, outcome mix, action-plan volumes, Not-applicable
marks, interventions and referral times, as tidy rows (inspections.apr). Audited as an export."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.trends.engine import summarise
from inspections.apr import GROUPS, GroupFacts, Metric, metrics_of
from inspections.periods import Period
from inspections.scopes import Scope, ScopeKind
from inspections.spreadsheet import safe_cell
from storage import apr_queries, audit, trend_mapping
from storage.uow import UnitOfWork


def apr_metrics(
    uow: UnitOfWork, *, area: str, quarter: Period, tz: ZoneInfo, actor: str, now: datetime
) -> list[Metric]:
    """The metrics, for an export: audited."""
    with uow:
        rows = metrics_for(uow.session, area=area, quarter=quarter, tz=tz)
        audit_export(
            uow.session, area=area, quarter=quarter, metrics=len(rows), actor=actor, now=now
        )
        uow.commit()
    return rows


def audit_export(
    session: Session, *, area: str, quarter: Period, metrics: int, actor: str, now: datetime
) -> None:
    audit.record(
        session,
        actor=actor,
        action="apr.exported",
        entity_type="trend_scope",
        entity_id=area,
        details={"quarter": quarter.label, "metrics": metrics},
        now=now,
    )


def metrics_for(session: Session, *, area: str, quarter: Period, tz: ZoneInfo) -> list[Metric]:
    start, end = quarter.utc_bounds(tz)
    scope = Scope(ScopeKind.AREA, area, area=area)
    codes = _not_applicable_codes(session)
    rows: list[Metric] = []
    for review_type in GROUPS:
        summary = summarise(session, scope=scope, period=quarter, review_type=review_type, tz=tz)
        counted = apr_queries.coverage(
            session, area=area, review_type=review_type, start=start, end=end
        )
        facts = GroupFacts(
            received=counted.received,
            sampled=counted.sampled,
            inspected=counted.inspected,
            outcomes=apr_queries.outcome_mix(
                session, area=area, review_type=review_type, start=start, end=end
            ),
            not_applicable=apr_queries.not_applicable_marks(
                session, area=area, review_type=review_type, start=start, end=end, codes=codes
            ),
            sampled_by_rule=apr_queries.sampled_by_rule(
                session, area=area, review_type=review_type, start=start, end=end
            ),
            action_plans=(
                apr_queries.action_plan_volumes(session, area=area, start=start, end=end)
                if review_type == "pre_charge_decision"
                else {}
            ),
        )
        rows += metrics_of(review_type, summary, facts)
    return rows


COLUMNS = ("area", "quarter", "group", "metric", "value", "low", "high", "n", "note")


def as_csv(rows: list[Metric], area: str, quarter: str) -> str:
    """Tidy: one row per metric per group; a hidden value is empty, with a note."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        note = "hidden: fewer than 5 inspections" if r.value is None else ""
        writer.writerow(
            [
                safe_cell(area),
                quarter,
                r.group,
                r.metric,
                "" if r.value is None else round(r.value, 4),
                "" if r.low is None else round(r.low, 4),
                "" if r.high is None else round(r.high, 4),
                "" if r.n is None else r.n,
                note,
            ]
        )
    return out.getvalue()


def _not_applicable_codes(session: Session) -> list[str]:
    codes: set[str] = set()
    for version_id, content_hash in trend_mapping.versions(session):
        questionnaire = trend_mapping.questionnaire(session, version_id, content_hash)
        for scale in questionnaire.scales.values():
            codes |= {o.code for o in scale.options if o.not_applicable}
    return sorted(codes)
