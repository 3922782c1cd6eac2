"""Queries for inspector consistency: the reviews marked twice, blind, with both markings, and
the calibration exercises with their markings.

A marking's marks are those it was submitted with: a lead who amends a mark after a challenge
overwrites the answer row (the earlier versions stay in answer_revisions) and recomputes the
stored score, so both are read as they stood at `submitted_at` instead, and the score is
computed again from those answers (inspections.scoring), so agreement and leniency measure the
blind markings, not the leads' corrections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from inspections.answers import Answer as Given
from inspections.lifecycle import Purpose, Status
from inspections.runtime import enabled_questions
from inspections.scoring import score_inspection
from questionnaires.model import CPS_DIRECT, Subject
from storage import trend_mapping
from storage.models import (
    Answer,
    AnswerRevision,
    CaseReview,
    Inspection,
    Person,
    QuestionnaireVersion,
)


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
        select(Inspection, Person.email, Person.name, QuestionnaireVersion.content_hash, CaseReview)
        .join(Person, Person.id == Inspection.inspector_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Inspection.questionnaire_version_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(where)
        .order_by(key, Inspection.purpose.desc(), Inspection.slot, Inspection.id)
    )
    rows = session.execute(query).all()
    given = as_submitted(session, {row[0].id: row[0].submitted_at for row in rows})
    found = []
    for inspection, email, name, content_hash, review in rows:
        questionnaire = trend_mapping.questionnaire(
            session, inspection.questionnaire_version_id, content_hash
        )
        subject = Subject(review.review_type, review.outcome, cps_direct=review.area == CPS_DIRECT)
        answers = given.get(inspection.id, {})
        enabled = enabled_questions(questionnaire, review_type=subject, answers=answers)
        marks = {
            q.id: code
            for q in enabled
            if q.id in answers and (code := answers[q.id].option_code) is not None
        }
        found.append(
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
                score=score_inspection(questionnaire, review_type=subject, answers=answers).score,
                submitted_at=inspection.submitted_at,
                marks=marks,
            )
        )
    return found


def as_submitted(
    session: Session, submitted_at: dict[int, datetime | None]
) -> dict[int, dict[str, Given]]:
    """Each inspection's answers as they stood when it was submitted, by question id: for each
    answer, its last revision changed at or before `submitted_at`; the answer row itself when it
    has no revision after then (every change appends a revision, the first included, but a row
    whose history began later is taken as it stands). An answer whose every revision came after
    the submission was not there when it was submitted."""
    if not submitted_at:
        return {}
    ids = sorted(submitted_at)
    current = session.scalars(select(Answer).where(Answer.inspection_id.in_(ids))).all()
    revisions: dict[int, list[AnswerRevision]] = {}
    for revision in session.scalars(
        select(AnswerRevision)
        .where(AnswerRevision.inspection_id.in_(ids))
        .order_by(AnswerRevision.answer_id, AnswerRevision.revision)
    ):
        revisions.setdefault(revision.answer_id, []).append(revision)
    given: dict[int, dict[str, Given]] = {i: {} for i in ids}
    for row in current:
        at = submitted_at[row.inspection_id]
        history = revisions.get(row.id, [])
        before = [r for r in history if at is None or r.changed_at <= at]
        source: Answer | AnswerRevision
        if before:
            source = before[-1]
        elif not history:
            source = row
        else:
            continue  # answered only after the submission
        given[row.inspection_id][row.question_id] = Given(
            question_id=row.question_id,
            option_code=source.option_code,
            text=source.text,
            reason=source.reason,
            comment=source.comment,
        )
    return given
