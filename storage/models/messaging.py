"""Work for later, kept in our own tables so nothing is lost on restart: outgoing messages
and reminders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JsonDocument, one_of

OUTBOX_STATUSES = ("pending", "sent", "failed")
REMINDER_KINDS = ("reminder", "escalation")


class OutboxMessage(Base):
    """A message written in the same transaction as the change that causes it; the
    dispatcher delivers it. dedupe_key makes a second write of the same message a conflict."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(one_of("status", OUTBOX_STATUSES), name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_outbox_messages_status_available_at", "status", "available_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(unique=True)
    kind: Mapped[str]
    recipient_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str | None]  # a Slack user id or channel id to open a DM with
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument)  # text and blocks
    created_at: Mapped[datetime]
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[str] = mapped_column(default="pending", server_default="pending")
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    delivered_channel: Mapped[str | None]
    delivered_ts: Mapped[str | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("inspection_id", "kind", "due_at"),
        CheckConstraint(one_of("kind", REMINDER_KINDS), name="kind_known"),
        Index("ix_reminders_due_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    kind: Mapped[str]
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
