"""The quarterly Area Performance Review pack as tidy metrics: one row per metric per group
(early advice, pre-charge decisions), each a count or a share with its 95% interval, so that a
spreadsheet, a board paper or a chart reads them the same way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from inspections.interventions import InterventionFigures
from inspections.timeliness import Timeliness
from inspections.trend_summary import TrendSummary
from inspections.trends import Share, is_suppressed

GROUPS = {"early_advice": "Early advice", "pre_charge_decision": "Pre-charge decisions"}


@dataclass(frozen=True)
class Metric:
    group: str  # a review type
    metric: str
    value: float | None  # None: hidden (fewer than 5 inspections) or nothing to show
    low: float | None = None  # a share's 95% interval
    high: float | None = None
    n: int | None = None  # what the value is out of (reviews, marks), when it is a share


@dataclass(frozen=True)
class GroupFacts:
    """What storage counted for one review type, beside its trend summary."""

    received: int
    sampled: int
    inspected: int
    outcomes: Mapping[str, int]
    not_applicable: int
    action_plans: Mapping[str, int]  # empty for early advice
    sampled_by_rule: Mapping[str, int]  # the sampling policy's rule that selected each


def metrics_of(group: str, summary: TrendSummary, facts: GroupFacts) -> list[Metric]:
    found = [
        Metric(group, "reviews_received", facts.received),
        Metric(group, "reviews_sampled", facts.sampled),
        *(
            Metric(group, f"reviews_sampled_by_{rule}", n)
            for rule, n in facts.sampled_by_rule.items()
        ),
        Metric(group, "reviews_inspected", facts.inspected),
        Metric(group, "inspections_outstanding", facts.sampled - facts.inspected),
        *(Metric(group, f"outcome_{name}", count) for name, count in facts.outcomes.items()),
        *(Metric(group, name, count) for name, count in facts.action_plans.items()),
    ]
    figures = summary.figures
    hidden = is_suppressed(figures.inspections)
    found.append(Metric(group, "inspections_submitted", None if hidden else figures.inspections))
    found.append(_share(group, "reviews_meeting_the_standard", figures.meeting_standard, hidden))
    found.append(Metric(group, "mean_score", None if hidden else figures.mean_score))
    found.append(_share(group, "marks_fully_met", figures.fully_met, hidden))
    found.append(Metric(group, "critical_failures", None if hidden else figures.critical_failures))
    found.append(Metric(group, "marks_not_applicable", None if hidden else facts.not_applicable))
    for section in summary.sections:
        share = section.fully_met if not section.suppressed else Share()
        found.append(_share(group, f"section_{section.section_id}_fully_met", share, hidden))
    if not hidden:  # counts and times of a few inspections would point at them
        found += _interventions(group, summary.interventions)
        found += _timeliness(group, summary.timeliness)
    return found


def _share(group: str, metric: str, share: Share, hidden: bool) -> Metric:
    interval = share.interval
    if hidden or share.value is None or interval is None:
        return Metric(group, metric, None)
    return Metric(group, metric, share.value, interval.low, interval.high, share.trials)


def _interventions(group: str, found: InterventionFigures | None) -> list[Metric]:
    if found is None:
        return []
    rows = [
        Metric(group, "interventions_raised", found.raised),
        Metric(group, "interventions_acknowledged", found.acknowledged),
        Metric(group, "interventions_closed", found.closed),
    ]
    for name, spread in (("acknowledge", found.to_acknowledge), ("close", found.to_close)):
        if spread is not None:
            rows.append(Metric(group, f"hours_to_{name}_median", spread.median))
            rows.append(Metric(group, f"hours_to_{name}_p90", spread.p90))
    return rows


def _timeliness(group: str, found: Timeliness | None) -> list[Metric]:
    if found is None or found.working_days is None:
        return []
    return [
        Metric(group, "reviews_with_referral_date", found.reviews),
        Metric(group, "working_days_referral_to_review_median", found.working_days.median),
        Metric(group, "working_days_referral_to_review_p90", found.working_days.p90),
    ]
