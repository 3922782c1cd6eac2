"""The append-only audit log, and when each periodic job last ran."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JsonDocument


class AuditEvent(Base):
    """Append-only (the migration adds triggers refusing UPDATE and DELETE)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity_type_entity_id", "entity_type", "entity_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime]
    actor: Mapped[str]  # a person's email, a Slack user id, or "system"
    action: Mapped[str]
    entity_type: Mapped[str]
    entity_id: Mapped[str]
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument)


class JobRun(Base):
    """Lets a periodic job catch up after downtime from what the database says."""

    __tablename__ = "job_runs"

    job_name: Mapped[str] = mapped_column(primary_key=True)
    last_run_at: Mapped[datetime]
