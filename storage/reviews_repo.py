"""Queries and bulk writes for completed case reviews and their sampling decisions."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select, text
from sqlalchemy.orm import Session

from storage.bulk import insert_rows
from storage.models import CaseReview, Person, SamplingDecision

_IN_CHUNK = 500  # well under SQLite's bound-parameter limit


def existing_identities(session: Session, identities: Collection[str]) -> set[str]:
    wanted = list(identities)
    if not wanted:
        return set()
    if session.get_bind().dialect.name == "postgresql":
        # One array parameter instead of thousands of placeholders (see storage/bulk.py).
        query = text("SELECT identity_key FROM case_reviews WHERE identity_key = ANY(:keys)")
        return set(session.scalars(query, {"keys": wanted}))
    found: set[str] = set()
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        found.update(
            session.scalars(
                select(CaseReview.identity_key).where(CaseReview.identity_key.in_(chunk))
            )
        )
    return found


def insert_reviews(session: Session, rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Insert many reviews; identity key -> new id. A review another transaction stored first
    (same identity or source id) is left alone and missing from the result."""
    inserted = insert_rows(
        session, CaseReview, rows, returning=("id", "identity_key"), skip_conflicts=True
    )
    return {identity: id_ for id_, identity in inserted}


def insert_decisions(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    insert_rows(session, SamplingDecision, rows)


def selected_completions(
    session: Session, start: datetime, end: datetime, lawyer_ids: Collection[int] | None = None
) -> list[tuple[int, datetime]]:
    """(lawyer id, completed time) of every selected review completed in [start, end), of the
    given lawyers (a few hundred at most) or of everyone."""
    query = (
        select(CaseReview.lawyer_id, CaseReview.completed_at)
        .join(SamplingDecision, SamplingDecision.case_review_id == CaseReview.id)
        .where(
            SamplingDecision.selected,
            CaseReview.completed_at >= start,
            CaseReview.completed_at < end,
        )
    )
    if lawyer_ids is not None:
        query = query.where(CaseReview.lawyer_id.in_(sorted(lawyer_ids)))
    return [(lawyer_id, completed) for lawyer_id, completed in session.execute(query)]


def decisions_completed_between(
    session: Session, start: datetime, end: datetime
) -> Sequence[Row[tuple[str, int, str, datetime, bool, str]]]:
    """Each review completed in [start, end) with its sampling decision: (lawyer's email,
    review id, identity key, completed at, selected, rule)."""
    query = (
        select(
            Person.email,
            CaseReview.id,
            CaseReview.identity_key,
            CaseReview.completed_at,
            SamplingDecision.selected,
            SamplingDecision.rule,
        )
        .join(SamplingDecision, SamplingDecision.case_review_id == CaseReview.id)
        .join(Person, Person.id == CaseReview.lawyer_id)
        .where(CaseReview.completed_at >= start, CaseReview.completed_at < end)
    )
    return session.execute(query).all()


def decision_of(session: Session, review_id: int) -> SamplingDecision:
    query = select(SamplingDecision).where(SamplingDecision.case_review_id == review_id)
    return session.scalars(query).one()
