"""Queries about feedback, the challenges to it and the safeguard alerts beside it."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from inspections.challenges import OPEN as OPEN_CHALLENGE
from inspections.lifecycle import Purpose, Status
from storage.models import Alert, CaseReview, Challenge, Feedback, Inspection, Person


def challenges_of(session: Session, feedback_id: int) -> list[Challenge]:
    """Every challenge to one feedback, oldest first."""
    query = select(Challenge).where(Challenge.feedback_id == feedback_id).order_by(Challenge.id)
    return list(session.scalars(query))


def challenge_count(session: Session, feedback_id: int) -> int:
    query = select(func.count()).select_from(Challenge).where(Challenge.feedback_id == feedback_id)
    return session.scalar(query) or 0


def feedback_id_of_challenge(session: Session, challenge_id: int) -> int | None:
    return session.scalar(select(Challenge.feedback_id).where(Challenge.id == challenge_id))


def alerts_of(
    session: Session, inspection_id: int, question_ids: Collection[str], *, kind: str
) -> dict[str, Alert]:
    """The inspection's alerts of one kind, by question, for the questions given."""
    query = select(Alert).where(
        Alert.inspection_id == inspection_id,
        Alert.question_id.in_(list(question_ids)),
        Alert.kind == kind,
    )
    return {alert.question_id: alert for alert in session.scalars(query)}


def recent_submitted(
    session: Session, lawyer_ids: Collection[int], *, limit: int
) -> Sequence[Row[tuple[Inspection, CaseReview, str, Feedback | None, int | None]]]:
    """The lawyers' latest submitted inspections, newest first: each with its review, the
    lawyer's name, its feedback (if written yet) and how many of its challenges are open."""
    open_challenges = (
        select(Challenge.feedback_id, func.count().label("open"))
        .where(Challenge.status == OPEN_CHALLENGE)
        .group_by(Challenge.feedback_id)
        .subquery()
    )
    query = (
        select(Inspection, CaseReview, Person.name, Feedback, open_challenges.c.open)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .join(Person, Person.id == CaseReview.lawyer_id)
        .outerjoin(Feedback, Feedback.inspection_id == Inspection.id)
        .outerjoin(open_challenges, open_challenges.c.feedback_id == Feedback.id)
        .where(
            Inspection.status == Status.SUBMITTED,
            Inspection.purpose == Purpose.PRIMARY,  # what the lawyer was given
            CaseReview.lawyer_id.in_(lawyer_ids),
        )
        .order_by(Inspection.submitted_at.desc(), Inspection.id.desc())
        .limit(limit)
    )
    return session.execute(query).all()


def submitted_count(session: Session, lawyer_ids: Collection[int]) -> int:
    query = (
        select(func.count())
        .select_from(Inspection)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(
            Inspection.status == Status.SUBMITTED,
            Inspection.purpose == Purpose.PRIMARY,  # what the lawyer was given
            CaseReview.lawyer_id.in_(lawyer_ids),
        )
    )
    return session.scalar(query) or 0


def open_alerts(
    session: Session, lawyer_ids: Collection[int], *, limit: int
) -> Sequence[Row[tuple[Alert, Inspection, str, str]]]:
    """Open interventions on the lawyers' reviews, oldest first, with URN and lawyer's name."""
    query = (
        select(Alert, Inspection, CaseReview.urn, Person.name)
        .join(Inspection, Inspection.id == Alert.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .join(Person, Person.id == CaseReview.lawyer_id)
        .where(Alert.closed_at.is_(None), CaseReview.lawyer_id.in_(lawyer_ids))
        .order_by(Alert.raised_at, Alert.id)
        .limit(limit)
    )
    return session.execute(query).all()


def open_challenges(
    session: Session, lawyer_ids: Collection[int], *, limit: int
) -> Sequence[Row[tuple[Challenge, Inspection, str, str]]]:
    """Undecided challenges by the lawyers, newest first, with URN and lawyer's name."""
    query = (
        select(Challenge, Inspection, CaseReview.urn, Person.name)
        .join(Feedback, Feedback.id == Challenge.feedback_id)
        .join(Inspection, Inspection.id == Feedback.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .join(Person, Person.id == Feedback.lawyer_id)
        .where(Challenge.status == OPEN_CHALLENGE, Feedback.lawyer_id.in_(lawyer_ids))
        .order_by(Challenge.raised_at.desc(), Challenge.id.desc())
        .limit(limit)
    )
    return session.execute(query).all()
