"""The RJOIM list: pre-charge decision reviews with three or more substantive action plans,
completed in a period, with their inspection (if sampled) and its marks on chosen questions.
The substantive count is intake's `substantive_action_plan_count` where it gave one, else every
action plan (`action_plan_count`), and each case says which.

One row per URN: a case reviewed more than once in the period appears once, with its latest
review (action plan counts only grow, so that is also the highest count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspections.forces import force_of
from inspections.lifecycle import Purpose, Status
from inspections.rjoim import RJOIM_THRESHOLD
from storage.models import Answer, CaseReview, Inspection, Person
from storage.trend_queries import TrendFilter


@dataclass(frozen=True)
class RjoimCase:
    urn: str
    area: str
    unit: str
    lawyer_name: str
    completed_at: datetime
    action_plans: int
    inspection_status: str | None  # None: not sampled for inspection
    marks: dict[str, str] = field(default_factory=dict)  # question id -> option code
    substantive_given: bool = True  # False: intake gave no substantive count, so all plans

    @property
    def force_code(self) -> str:
        return force_of(self.urn)

    @property
    def inspected(self) -> bool:
        return self.inspection_status == Status.SUBMITTED


def rjoim_cases(
    session: Session,
    flt: TrendFilter,
    *,
    start: datetime,
    end: datetime,
    question_ids: Sequence[str],
    force: str | None = None,
    threshold: int = RJOIM_THRESHOLD,
) -> list[RjoimCase]:
    query = (
        select(CaseReview, Person.name, Inspection.id, Inspection.status)
        .join(Person, Person.id == CaseReview.lawyer_id)
        .outerjoin(
            Inspection,
            (Inspection.case_review_id == CaseReview.id) & (Inspection.purpose == Purpose.PRIMARY),
        )
        .where(
            CaseReview.review_type == "pre_charge_decision",
            CaseReview.completed_at >= start,
            CaseReview.completed_at < end,
        )
        .order_by(CaseReview.completed_at, CaseReview.id)
    )
    if flt.area is not None:
        query = query.where(CaseReview.area == flt.area)
    if flt.unit is not None:
        query = query.where(CaseReview.unit == flt.unit)
    if flt.lawyer_ids is not None:
        query = query.where(CaseReview.lawyer_id.in_(sorted(flt.lawyer_ids)))
    if force is not None:
        query = query.where(CaseReview.urn.startswith(force, autoescape=True))
    latest: dict[str, tuple[CaseReview, str, int | None, str | None]] = {}
    for review, name, inspection_id, status in session.execute(query):
        latest[review.urn] = (review, name, inspection_id, status)  # ordered: later wins
    # The threshold applies to each case's latest review, once that is chosen: an earlier
    # review's count must not put a case on the agenda that its latest review keeps off.
    latest = {urn: found for urn, found in latest.items() if _counted(found[0]) >= threshold}
    submitted = [i for _, _, i, s in latest.values() if i is not None and s == Status.SUBMITTED]
    marks = _marks(session, submitted, question_ids)
    cases = [
        RjoimCase(
            urn=review.urn,
            area=review.area,
            unit=review.unit,
            lawyer_name=name,
            completed_at=review.completed_at,
            action_plans=_counted(review),
            inspection_status=status,
            marks=marks.get(inspection_id, {}) if inspection_id is not None else {},
            substantive_given=review.substantive_action_plan_count is not None,
        )
        for review, name, inspection_id, status in latest.values()
    ]
    return sorted(cases, key=lambda c: (c.force_code, -c.action_plans, c.completed_at, c.urn))


def _counted(review: CaseReview) -> int:
    if review.substantive_action_plan_count is None:
        return review.action_plan_count
    return review.substantive_action_plan_count


def _marks(
    session: Session, inspection_ids: list[int], question_ids: Sequence[str]
) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    if not inspection_ids or not question_ids:
        return found
    for start in range(0, len(inspection_ids), 500):
        query = select(Answer.inspection_id, Answer.question_id, Answer.option_code).where(
            Answer.inspection_id.in_(inspection_ids[start : start + 500]),
            Answer.question_id.in_(list(question_ids)),
            Answer.option_code.is_not(None),
            Answer.counts_in_trends,  # not a mark left on a question a gate then disabled
        )
        for inspection_id, question_id, code in session.execute(query):
            found.setdefault(inspection_id, {})[question_id] = code
    return found
