"""What the learning-programme feed reads: the inspectors' key learning points and the reasons
they gave for marks short of Fully met, in the inspections submitted in a period and scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspections.lifecycle import Purpose, Status
from storage.models import Answer, CaseReview, Inspection, Person


def written(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    area: str | None,
    question_ids: list[str],
    with_reason_only: bool,
) -> list[tuple[str, str]]:
    """(question id, text): the answers' text (learning points) or reasons (marks)."""
    column = Answer.reason if with_reason_only else Answer.text
    query: Any = (
        select(Answer.question_id, column)
        .join(Inspection, Inspection.id == Answer.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(
            Inspection.status == Status.SUBMITTED,
            Inspection.purpose == Purpose.PRIMARY,
            Inspection.submitted_at >= start,
            Inspection.submitted_at < end,
            Answer.counts_in_trends,
            Answer.question_id.in_(question_ids),
            column.is_not(None),
        )
        .order_by(Inspection.submitted_at, Answer.id)
    )
    if area is not None:
        query = query.where(CaseReview.area == area)
    return [(q, str(t)) for q, t in session.execute(query) if str(t).strip()]


def directory_names(session: Session) -> list[str]:
    return list(session.scalars(select(Person.name)))
