"""Queries for calibration exercises."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from inspections.lifecycle import Purpose
from storage.models import Calibration, CaseReview, Inspection, Person, PersonRole


def latest_review(session: Session, *, urn: str, review_type: str) -> CaseReview | None:
    """The most recently completed review with this URN and type, with its lawyer."""
    query = (
        select(CaseReview)
        .where(CaseReview.urn == urn.strip().upper(), CaseReview.review_type == review_type)
        .order_by(CaseReview.completed_at.desc(), CaseReview.id.desc())
        .options(selectinload(CaseReview.lawyer))
        .limit(1)
    )
    return session.scalars(query).first()


def markers_of(session: Session, review_id: int) -> set[int]:
    """Everyone who holds or held an inspection of the review."""
    query = select(Inspection.inspector_id).where(
        Inspection.case_review_id == review_id, Inspection.inspector_id.is_not(None)
    )
    return {i for i in session.scalars(query) if i is not None}


def inspectors(session: Session) -> list[Person]:
    query = (
        select(Person)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == "inspector", Person.active)
        .order_by(Person.email)
    )
    return list(session.scalars(query))


def last_slot(session: Session, review_id: int) -> int:
    """The highest calibration slot the review's inspections use (0 when none)."""
    query = select(func.max(Inspection.slot)).where(
        Inspection.case_review_id == review_id, Inspection.purpose == Purpose.CALIBRATION
    )
    return int(session.scalar(query) or 0)


def markings_of(session: Session, calibration_id: int) -> list[Inspection]:
    query = (
        select(Inspection)
        .where(Inspection.calibration_id == calibration_id)
        .order_by(Inspection.slot, Inspection.id)
    )
    return list(session.scalars(query))


def unreported_due(session: Session, now: datetime) -> list[Calibration]:
    query = (
        select(Calibration)
        .where(Calibration.reported_at.is_(None), Calibration.due_at <= now)
        .order_by(Calibration.id)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))
