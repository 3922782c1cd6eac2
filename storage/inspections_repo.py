"""Queries and bulk writes for inspections and their assignments."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, aliased, selectinload

from inspections import lifecycle
from inspections.lifecycle import Purpose, Status
from storage.bulk import insert_rows
from storage.models import Assignment, CaseReview, Inspection, Person, SamplingDecision

# pg_advisory_xact_lock key ("dipasgn" in ASCII) serialising every assignment decision, so
# that two instances never both hand out an inspector's last free place.
ASSIGNMENT_LOCK_KEY = 0x646970_617367_6E


@dataclass(frozen=True)
class InspectionListing:
    inspection_id: int
    urn: str
    review_type: str
    lawyer_email: str
    inspector_email: str | None
    status: str
    due_at: datetime | None
    rule: str


def lock_assignments(session: Session) -> None:
    """Held until the transaction ends. SQLite needs nothing: BEGIN IMMEDIATE serialises writers."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ASSIGNMENT_LOCK_KEY})


def open_counts(session: Session) -> dict[int, int]:
    """Inspector id -> inspections they hold that are not yet submitted."""
    query = (
        select(Inspection.inspector_id, func.count())
        .where(Inspection.inspector_id.is_not(None), Inspection.status.in_(lifecycle.OPEN))
        .group_by(Inspection.inspector_id)
    )
    return {inspector_id: count for inspector_id, count in session.execute(query)}


def insert_inspections(
    session: Session, rows: Sequence[dict[str, Any]]
) -> dict[tuple[int, str], int]:
    """(Case review id, purpose) -> new inspection id; a row without a purpose is primary."""
    if not rows:
        return {}
    rows = [{"purpose": Purpose.PRIMARY.value, **row} for row in rows]
    inserted = insert_rows(session, Inspection, rows, returning=("id", "case_review_id", "purpose"))
    return {(review_id, purpose): id_ for id_, review_id, purpose in inserted}


def insert_assignments(session: Session, rows: Sequence[dict[str, Any]]) -> dict[int, int]:
    """Inspection id -> new assignment id."""
    if not rows:
        return {}
    inserted = insert_rows(session, Assignment, rows, returning=("id", "inspection_id"))
    return {inspection_id: id_ for id_, inspection_id in inserted}


def queued(session: Session, limit: int | None = None) -> list[Inspection]:
    """Oldest first, with each review and its lawyer loaded in the same few queries."""
    query = (
        select(Inspection)
        .where(Inspection.status == Status.QUEUED)
        .order_by(Inspection.id)
        .options(selectinload(Inspection.case_review).selectinload(CaseReview.lawyer))
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def declined_by(session: Session, inspection_ids: Collection[int]) -> dict[int, set[int]]:
    """Inspection id -> the inspectors who declined it, so it never goes back to them."""
    found: dict[int, set[int]] = {}
    wanted = sorted(set(inspection_ids))
    for start in range(0, len(wanted), 500):
        query = select(Assignment.inspection_id, Assignment.inspector_id).where(
            Assignment.inspection_id.in_(wanted[start : start + 500]),
            Assignment.end_reason == "declined",
        )
        for inspection_id, inspector_id in session.execute(query):
            found.setdefault(inspection_id, set()).add(inspector_id)
    return found


def not_to_be_given_to(session: Session, inspection_ids: Collection[int]) -> dict[int, set[int]]:
    """Inspection id -> the inspectors it must not go to: those who declined it, and those who
    hold another inspection of the same review (a blind second marking needs someone else)."""
    found = declined_by(session, inspection_ids)
    wanted = sorted(set(inspection_ids))
    sibling = aliased(Inspection)
    for start in range(0, len(wanted), 500):
        query = (
            select(Inspection.id, sibling.inspector_id)
            .join(sibling, sibling.case_review_id == Inspection.case_review_id)
            .where(
                Inspection.id.in_(wanted[start : start + 500]),
                sibling.id != Inspection.id,
                sibling.inspector_id.is_not(None),
            )
        )
        for inspection_id, inspector_id in session.execute(query):
            found.setdefault(inspection_id, set()).add(inspector_id)
    return found


def markings_of_review_of(session: Session, inspection_id: int) -> list[Inspection]:
    """Every inspection of the review this inspection is of (itself included), primary first."""
    review_id = select(Inspection.case_review_id).where(Inspection.id == inspection_id)
    query = (
        select(Inspection)
        .where(Inspection.case_review_id == review_id.scalar_subquery())
        .order_by(Inspection.purpose.desc(), Inspection.id)
    )
    return list(session.scalars(query))


def other_markers(session: Session, inspection_id: int) -> frozenset[int]:
    """The inspectors of the review's other markings (a blind second, a calibration): they may
    neither see this marking's marks in a challenge nor decide it."""
    return frozenset(
        i.inspector_id
        for i in markings_of_review_of(session, inspection_id)
        if i.id != inspection_id and i.inspector_id is not None
    )


def assignment_count(session: Session, inspection_id: int) -> int:
    query = select(func.count()).where(Assignment.inspection_id == inspection_id)
    return session.scalar(query) or 0


def open_assignment(session: Session, inspection_id: int) -> Assignment | None:
    query = select(Assignment).where(
        Assignment.inspection_id == inspection_id, Assignment.ended_at.is_(None)
    )
    return session.scalars(query.order_by(Assignment.id.desc())).first()


def latest_assignment_of(
    session: Session, inspection_id: int, inspector_id: int
) -> Assignment | None:
    query = select(Assignment).where(
        Assignment.inspection_id == inspection_id, Assignment.inspector_id == inspector_id
    )
    return session.scalars(query.order_by(Assignment.id.desc())).first()


def listing(session: Session, status: str | None = None) -> list[InspectionListing]:
    """One row per sampled review: its primary inspection (a blind second marking is for
    consistency, and shows in the calibration report)."""
    lawyer = aliased(Person)
    inspector = aliased(Person)
    query = (
        select(
            Inspection.id,
            CaseReview.urn,
            CaseReview.review_type,
            lawyer.email,
            inspector.email,
            Inspection.status,
            Inspection.due_at,
            SamplingDecision.rule,
        )
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .join(lawyer, lawyer.id == CaseReview.lawyer_id)
        .join(SamplingDecision, SamplingDecision.case_review_id == CaseReview.id)
        .outerjoin(inspector, inspector.id == Inspection.inspector_id)
        .where(Inspection.purpose == Purpose.PRIMARY)
        .order_by(Inspection.id)
    )
    if status is not None:
        query = query.where(Inspection.status == status)
    return [InspectionListing(*row) for row in session.execute(query)]


def open_ids_of(session: Session, inspector_id: int) -> list[int]:
    """The inspector's open inspections, soonest due first; those without a due date last."""
    query = (
        select(Inspection.id)
        .where(Inspection.inspector_id == inspector_id, Inspection.status.in_(lifecycle.OPEN))
        .order_by(Inspection.due_at.is_(None), Inspection.due_at, Inspection.id)
    )
    return list(session.scalars(query))
