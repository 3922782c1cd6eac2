"""What the quarterly Area Performance Review pack counts beyond the trend figures: coverage
(reviews received, sampled, inspected), the outcome mix, action-plan volumes and the marks
left Not applicable, per review type, for reviews completed in a period in one Area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from inspections.lifecycle import Purpose, Status
from storage.models import Answer, CaseReview, Inspection, SamplingDecision
from storage.trend_queries import counted_between


@dataclass(frozen=True)
class Coverage:
    received: int
    sampled: int
    inspected: int

    @property
    def outstanding(self) -> int:
        return self.sampled - self.inspected


def _reviews(
    area: str, review_type: str, start: datetime, end: datetime
) -> list[ColumnElement[bool]]:
    return [
        CaseReview.area == area,
        CaseReview.review_type == review_type,
        CaseReview.completed_at >= start,
        CaseReview.completed_at < end,
    ]


def coverage(
    session: Session, *, area: str, review_type: str, start: datetime, end: datetime
) -> Coverage:
    query = (
        select(
            func.count(CaseReview.id),
            func.sum(case((SamplingDecision.selected, 1), else_=0)),
            func.sum(case((Inspection.status == Status.SUBMITTED, 1), else_=0)),
        )
        .select_from(CaseReview)
        .outerjoin(SamplingDecision, SamplingDecision.case_review_id == CaseReview.id)
        # The primary inspection only: a blind second marking is not a second inspection.
        .outerjoin(
            Inspection,
            (Inspection.case_review_id == CaseReview.id) & (Inspection.purpose == Purpose.PRIMARY),
        )
        .where(*_reviews(area, review_type, start, end))
    )
    received, sampled, inspected = session.execute(query).one()
    return Coverage(int(received or 0), int(sampled or 0), int(inspected or 0))


def sampled_by_rule(
    session: Session, *, area: str, review_type: str, start: datetime, end: datetime
) -> dict[str, int]:
    """Sampled reviews by the policy rule that selected them (random_rate,
    pcd_three_action_plans, threshold_charge, no_further_action, monthly_floor, ...)."""
    query = (
        select(SamplingDecision.rule, func.count())
        .join(CaseReview, CaseReview.id == SamplingDecision.case_review_id)
        .where(SamplingDecision.selected, *_reviews(area, review_type, start, end))
        .group_by(SamplingDecision.rule)
        .order_by(SamplingDecision.rule)
    )
    return {str(rule): int(count) for rule, count in session.execute(query)}


def outcome_mix(
    session: Session, *, area: str, review_type: str, start: datetime, end: datetime
) -> dict[str, int]:
    """Reviews by outcome; "not_given" where intake did not say."""
    outcome = func.coalesce(CaseReview.outcome, "not_given")
    query = (
        select(outcome, func.count())
        .where(*_reviews(area, review_type, start, end))
        .group_by(outcome)
        .order_by(outcome)
    )
    return {str(name): int(count) for name, count in session.execute(query)}


def action_plan_volumes(
    session: Session, *, area: str, start: datetime, end: datetime
) -> dict[str, int]:
    """Pre-charge decisions' action plans: the total, and the reviews with 1+, 2+ and 3+
    (substantive where intake gave that count, else all)."""
    plans = func.coalesce(CaseReview.substantive_action_plan_count, CaseReview.action_plan_count)
    query = select(
        func.coalesce(func.sum(plans), 0),
        *(func.sum(case((plans >= n, 1), else_=0)) for n in (1, 2, 3)),
    ).where(*_reviews(area, "pre_charge_decision", start, end))
    total, one, two, three = session.execute(query).one()
    return {
        "action_plans": int(total or 0),
        "reviews_with_1_or_more": int(one or 0),
        "reviews_with_2_or_more": int(two or 0),
        "reviews_with_3_or_more": int(three or 0),
    }


def not_applicable_marks(
    session: Session,
    *,
    area: str,
    review_type: str,
    start: datetime,
    end: datetime,
    codes: list[str],
) -> int:
    """Answers marked with a Not-applicable option (`codes`) in the inspections submitted in
    the period: judgement calls that take a question out of every figure."""
    if not codes:
        return 0
    query = (
        select(func.count())
        .select_from(Answer)
        .join(Inspection, Inspection.id == Answer.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(
            *counted_between(start, end),
            CaseReview.area == area,
            CaseReview.review_type == review_type,
            Answer.counts_in_trends,
            Answer.option_code.in_(codes),
        )
    )
    return int(session.scalar(query) or 0)
