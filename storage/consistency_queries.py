"""Queries for inspector consistency: the reviews marked twice, blind, with both markings, and
the calibration exercises with their markings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from inspections.lifecycle import Purpose, Status
from storage.models import Answer, Inspection, Person, QuestionnaireVersion


@dataclass(frozen=True)
class Marked:
    """One submitted marking of a double-marked review or of a calibration exercise, with its
    marks (option codes of the answers that count, by question id). `unit`: what the markings
    compared with each other share, ("review", case review id) or ("calibration", its id)."""

    unit: tuple[str, int]
    inspection_id: int
    case_review_id: int
    purpose: str
    inspector_id: int
    inspector_email: str
    inspector_name: str
    version_id: int
    content_hash: str
    score: float | None
    submitted_at: datetime | None
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
    return _markings(session, submitted & Inspection.case_review_id.in_(pairs), by_review=True)


def calibrated(session: Session, *, start: datetime, end: datetime) -> list[Marked]:
    """The submitted markings of each calibration exercise with two or more submitted, the
    last submission in [start, end); by exercise."""
    submitted = (
        (Inspection.status == Status.SUBMITTED)
        & Inspection.inspector_id.is_not(None)
        & (Inspection.purpose == Purpose.CALIBRATION)
    )
    exercises = (
        select(Inspection.calibration_id)
        .where(submitted)
        .group_by(Inspection.calibration_id)
        .having(
            func.count() >= 2,
            func.max(Inspection.submitted_at) >= start,
            func.max(Inspection.submitted_at) < end,
        )
    )
    return _markings(session, submitted & Inspection.calibration_id.in_(exercises), by_review=False)


def _markings(session: Session, where: ColumnElement[bool], *, by_review: bool) -> list[Marked]:
    key = Inspection.case_review_id if by_review else Inspection.calibration_id
    query = (
        select(Inspection, Person.email, Person.name, QuestionnaireVersion.content_hash)
        .join(Person, Person.id == Inspection.inspector_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Inspection.questionnaire_version_id)
        .where(where)
        .order_by(key, Inspection.purpose.desc(), Inspection.slot, Inspection.id)
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
            unit=(
                ("review", inspection.case_review_id)
                if by_review
                else ("calibration", inspection.calibration_id or 0)
            ),
            inspection_id=inspection.id,
            case_review_id=inspection.case_review_id,
            purpose=inspection.purpose,
            inspector_id=inspection.inspector_id or 0,
            inspector_email=email,
            inspector_name=name,
            version_id=inspection.questionnaire_version_id,
            content_hash=content_hash,
            score=inspection.score,
            submitted_at=inspection.submitted_at,
            marks=marks[inspection.id],
        )
        for inspection, email, name, content_hash in rows
    ]
