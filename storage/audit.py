"""Writing the append-only audit log, always inside the transaction of the change it records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.bulk import insert_rows
from storage.models import AuditEvent

SYSTEM = "system"


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    details: Mapping[str, Any],
    now: datetime,
) -> None:
    session.add(
        AuditEvent(
            occurred_at=now,
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            details=dict(details),
        )
    )


def entry(
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    details: Mapping[str, Any],
    now: datetime,
) -> dict[str, Any]:
    """One row for record_many."""
    return {
        "occurred_at": now,
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "details": dict(details),
    }


def record_many(session: Session, entries: Iterable[dict[str, Any]]) -> None:
    """Bulk form for imports: one INSERT for many rows instead of one ORM object each."""
    rows = list(entries)
    if rows:
        insert_rows(session, AuditEvent, rows)
