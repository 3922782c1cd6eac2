"""Queries for inspector consistency: the reviews marked twice, blind, with both markings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from inspections.lifecycle import Purpose, Status
from storage.models import Answer, Inspection, Person, QuestionnaireVersion


@dataclass(frozen=True)
class Marked:
    """One submitted marking of a double-marked review, with its marks (option codes of the
    answers that count, by question id)."""

    inspection_id: int
    case_review_id: int
    purpose: str
    inspector_id: int
    inspector_email: str
    inspector_name: str
    version_id: int
    content_hash: str
    score: float | None
    submitted_at: datetime
    marks: dict[str, str]


def double_marked(session: Session, *, start: datetime, end: datetime) -> list[Marked]:
    """Both markings of each review marked twice whose markings are both submitted, the later
    submission in [start, end); by review, primary first."""
    submitted = (
        (Inspection.status == Status.SUBMITTED)
        & Inspection.inspector_id.is_not(None)
        & Inspection.purpose.in_((Purpose.PRIMARY, Purpose.DOUBLE))
    )
    pairs = (
        select(Inspection.case_review_id)
        .where(submitted)
        .group_by(Inspection.case_review_id)
        .having(
            func.count() >= 2,
            func.sum(case((Inspection.purpose == Purpose.DOUBLE, 1), else_=0)) >= 1,
            func.max(Inspection.submitted_at) >= start,
            func.max(Inspection.submitted_at) < end,
        )
    )
    query = (
        select(Inspection, Person.email, Person.name, QuestionnaireVersion.content_hash)
        .join(Person, Person.id == Inspection.inspector_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Inspection.questionnaire_version_id)
        .where(submitted, Inspection.case_review_id.in_(pairs))
        .order_by(Inspection.case_review_id, Inspection.purpose.desc(), Inspection.id)
    )
    rows = session.execute(query).all()
    marks: dict[int, dict[str, str]] = {row[0].id: {} for row in rows}
    if marks:
        answers = select(Answer.inspection_id, Answer.question_id, Answer.option_code).where(
            Answer.inspection_id.in_(sorted(marks)),
            Answer.counts_in_trends,
            Answer.option_code.is_not(None),
        )
        for inspection_id, question_id, code in session.execute(answers):
            marks[inspection_id][question_id] = code
    return [
        Marked(
            inspection_id=inspection.id,
            case_review_id=inspection.case_review_id,
            purpose=inspection.purpose,
            inspector_id=inspection.inspector_id or 0,
            inspector_email=email,
            inspector_name=name,
            version_id=inspection.questionnaire_version_id,
            content_hash=content_hash,
            score=inspection.score,
            submitted_at=inspection.submitted_at or start,
            marks=marks[inspection.id],
        )
        for inspection, email, name, content_hash in rows
    ]
