"""The trend engine: a summary or a chart's series for a scope, period and review type.

The database aggregates (storage.trend_queries); the domain composes and judges
(inspections.trend_summary, inspections.trends). Used by `/dip trends`, `dipsample trends`,
the weekly digest, the quarterly pack and the App Home panel alike.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from inspections.bank_holidays import england_and_wales_bank_holidays
from inspections.interventions import Record, figures_of
from inspections.periods import Period, months_covering
from inspections.scopes import Scope
from inspections.timeliness import timeliness_of
from inspections.trend_summary import TrendSummary, compose, section_reach, section_shares
from inspections.trends import Share, is_suppressed
from storage import interventions_repo, trend_queries

SERIES_MONTHS = 12


@dataclass(frozen=True)
class SectionSeries:
    """Share of marks fully met per section per month; None for a month with fewer than 5
    inspections (not shown) or no marks in the section."""

    months: tuple[Period, ...]
    inspections: tuple[int, ...]
    sections: dict[str, tuple[float | None, ...]]  # section title -> one value per month


def summarise(
    session: Session,
    *,
    scope: Scope,
    period: Period,
    review_type: str | None,
    tz: ZoneInfo,
) -> TrendSummary:
    previous = period.previous()
    buckets = trend_queries.Buckets((previous.start, period.start, period.end), tz)
    flt = trend_queries.scope_filter(scope, review_type)
    marks, inspections = trend_queries.tallies(session, flt, buckets, scope.breakdown)
    groups = {t.group for t in inspections if t.group is not None}
    summary = compose(
        scope=scope,
        period=period,
        review_type=review_type,
        marks=marks,
        inspections=inspections,
        labels=trend_queries.labels(session, scope.breakdown, groups),
    )
    start, end = buckets.utc()[1:]
    raised = interventions_repo.raised_between(session, flt, start, end)
    holidays = england_and_wales_bank_holidays(range(previous.start.year, period.end.year + 1))
    timeliness = timeliness_of(
        trend_queries.referrals(session, flt, start, end), tz=tz, holidays=holidays
    )
    return replace(
        summary,
        interventions=figures_of([Record(*r) for r in raised]),
        timeliness=timeliness,
    )


def section_series(
    session: Session,
    *,
    scope: Scope,
    period: Period,
    review_type: str | None,
    tz: ZoneInfo,
) -> SectionSeries:
    """The months of the period, or the SERIES_MONTHS months up to its end if that is longer."""
    earliest = _months_back(period.last_day, SERIES_MONTHS - 1)
    months = months_covering(min(period.start, earliest), period.end)
    buckets = trend_queries.Buckets((*(m.start for m in months), months[-1].end), tz)
    flt = trend_queries.scope_filter(scope, review_type)
    marks, inspections = trend_queries.tallies(session, flt, buckets)
    counts = [0] * len(months)
    for tally in inspections:
        counts[tally.bucket] += tally.inspections
    labels = trend_queries.labels(session, None, set())
    monthly = [[m for m in marks if m.bucket == index] for index in range(len(months))]
    per_month = [section_shares(month) for month in monthly]
    # As in the text: a month of fewer than 5 inspections, or a section reaching fewer than 5
    # inspections that month, is not plotted.
    reach = [section_reach(month, labels) for month in monthly]
    sections: dict[str, tuple[float | None, ...]] = {}
    for section_id, title in labels.sections.items():
        line = tuple(
            None
            if is_suppressed(counts[i]) or is_suppressed(reach[i].get(section_id, 0))
            else _value(per_month[i], section_id)
            for i in range(len(months))
        )
        if any(v is not None for v in line):
            sections[title] = line
    return SectionSeries(tuple(months), tuple(counts), sections)


def _value(shares: dict[str, Share], section_id: str) -> float | None:
    share = shares.get(section_id)
    return share.value if share is not None else None


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)
