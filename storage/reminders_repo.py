"""Reminder and escalation rows: written at assignment, claimed by the sweep when they fall due."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.models import Reminder


def add(session: Session, *, inspection_id: int, kind: str, due_at: datetime) -> Reminder:
    """The row for (inspection, kind, due_at), made live again if it had been cancelled.

    The same key comes back when an inspection is handed back to someone at the same moment
    it was first assigned; a row already sent stays sent, so nobody hears twice.
    """
    existing = session.scalar(
        select(Reminder).where(
            Reminder.inspection_id == inspection_id,
            Reminder.kind == kind,
            Reminder.due_at == due_at,
        )
    )
    if existing is not None:
        if existing.sent_at is None:
            existing.cancelled_at = None
        return existing
    row = Reminder(inspection_id=inspection_id, kind=kind, due_at=due_at)
    session.add(row)
    session.flush()
    return row


def cancel_open(session: Session, *, inspection_id: int, now: datetime) -> list[int]:
    """Cancel the inspection's unsent reminders; the ids of those cancelled."""
    ids = list(
        session.scalars(
            update(Reminder)
            .where(
                Reminder.inspection_id == inspection_id,
                Reminder.sent_at.is_(None),
                Reminder.cancelled_at.is_(None),
            )
            .values(cancelled_at=now)
            .returning(Reminder.id)
            .execution_options(synchronize_session="fetch")
        )
    )
    return sorted(ids)


def claim_due(session: Session, *, now: datetime, limit: int) -> list[Reminder]:
    """Due rows not yet sent or cancelled, oldest first, locked for this transaction.

    On PostgreSQL rows another instance holds are skipped rather than waited for; whoever
    holds them marks them sent before committing, so they never come back.
    """
    query = (
        select(Reminder)
        .where(
            Reminder.due_at <= now,
            Reminder.sent_at.is_(None),
            Reminder.cancelled_at.is_(None),
        )
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    # SQLite needs nothing more: each transaction starts with BEGIN IMMEDIATE (storage/db.py).
    return list(session.scalars(query))


def for_inspection(session: Session, inspection_id: int) -> list[Reminder]:
    return list(
        session.scalars(
            select(Reminder)
            .where(Reminder.inspection_id == inspection_id)
            .order_by(Reminder.due_at, Reminder.id)
        )
    )
