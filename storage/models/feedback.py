"""What the lawyer hears back: feedback, their challenges to marks, and critical alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, JsonDocument, one_of

CHALLENGE_STATUSES = ("open", "upheld", "amended")


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), unique=True)
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    content: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]


class Challenge(Base):
    """A lawyer's challenge to one mark, and the decision on it: by an inspection lead, or by
    the inspector a lead named (decider_id), never by the inspector who gave the mark, whose
    comment is kept in inspector_comment."""

    __tablename__ = "challenges"
    __table_args__ = (
        UniqueConstraint("feedback_id", "question_id"),
        CheckConstraint(one_of("status", CHALLENGE_STATUSES), name="status_known"),
        Index("ix_challenges_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"))
    question_id: Mapped[str]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str]
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    raised_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    raised_at: Mapped[datetime]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None]
    decider_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    inspector_comment: Mapped[str | None] = mapped_column(Text)


class Alert(Base):
    """One per question, inspection and kind however often the answer flips; resolved_at
    records the return to a passing mark."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("inspection_id", "question_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    question_id: Mapped[str]
    kind: Mapped[str]
    raised_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    # The intervention's life (inspections.interventions): person ids are of people, kept
    # without a foreign key so the columns could be added without copying the table.
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None]
    action_taken: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[int | None]
    escalated_at: Mapped[datetime | None]
