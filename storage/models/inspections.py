"""Inspections of sampled reviews, who they were assigned to, and the answers given."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inspections.lifecycle import PURPOSES, STATUSES, Purpose
from storage.models.base import Base, JsonDocument, one_of
from storage.models.cases import CaseReview
from storage.models.people import Person
from storage.models.questionnaires import QuestionnaireVersion


class Inspection(Base):
    __tablename__ = "inspections"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUSES), name="status_known"),
        CheckConstraint(one_of("purpose", PURPOSES), name="purpose_known"),
        # One primary inspection of a review, at most one blind second marking, and numbered
        # calibration markings (slot 0 but for calibration; migration 0011).
        UniqueConstraint("case_review_id", "purpose", "slot"),
        Index("ix_inspections_inspector_id_status", "inspector_id", "status"),
        Index("ix_inspections_status_due_at", "status", "due_at"),
        # Trends: a period's submitted inspections, by range (migration 0002).
        Index("ix_inspections_status_submitted_at", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_review_id: Mapped[int] = mapped_column(ForeignKey("case_reviews.id"))
    # primary, or double (a blind second marking): see inspections.lifecycle.Purpose.
    purpose: Mapped[str] = mapped_column(default=Purpose.PRIMARY, server_default=Purpose.PRIMARY)
    slot: Mapped[int] = mapped_column(default=0, server_default="0")
    # The calibration exercise a calibration marking belongs to.
    calibration_id: Mapped[int | None] = mapped_column(ForeignKey("calibrations.id"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_versions.id"), index=True
    )
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # None while queued
    status: Mapped[str]
    due_at: Mapped[datetime | None]
    assigned_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    score: Mapped[float | None]
    # The marks that count in the score and, of them, those fully met: what trends need to
    # allow for marks being grouped by inspection. Set with the score.
    marks_scored: Mapped[int | None]
    marks_fully_met: Mapped[int | None]
    current_question_id: Mapped[str | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Optimistic concurrency: an UPDATE from a stale copy matches no row and raises
    # StaleDataError instead of overwriting a concurrent change (two clicks, two instances).
    lock_version: Mapped[int] = mapped_column()

    case_review: Mapped[CaseReview] = relationship()
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    inspector: Mapped[Person | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="inspection", order_by="Answer.id")

    # Read once by SQLAlchemy when mapping; typed as DeclarativeBase declares it.
    __mapper_args__: Any = {"version_id_col": lock_version}  # noqa: RUF012


class Calibration(Base):
    """A calibration exercise: several inspectors mark the same review blind, for consistency
    only; the results go to the leads and to each inspector once all have submitted or the
    due time has passed (reported_at)."""

    __tablename__ = "calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_review_id: Mapped[int] = mapped_column(ForeignKey("case_reviews.id"), index=True)
    started_by: Mapped[str]  # the actor, as the audit log names it
    due_at: Mapped[datetime]
    created_at: Mapped[datetime]
    reported_at: Mapped[datetime | None]
    # The lead's reference marks, once set: question id -> {"option_code", "reason"}.
    reference: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)


class Assignment(Base):
    """History of who held an inspection: one row per assignment, ended when it moves on."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_inspector_id_ended_at", "inspector_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    assigned_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None]  # declined, reassigned, ...
    decline_reason: Mapped[str | None] = mapped_column(Text)


class Answer(Base):
    """The current answer to one question of one inspection; its history is in AnswerRevision."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("inspection_id", "question_id"),
        CheckConstraint("revision >= 1", name="revision_positive"),
        # Trends: covers what the aggregates read of an answer (migrations 0002, 0003).
        Index(
            "ix_answers_for_trends",
            "inspection_id",
            "question_id",
            "option_code",
            "counts_in_trends",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    question_id: Mapped[str]
    option_code: Mapped[str | None]  # None for free-text questions
    text: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    answered_at: Mapped[datetime]
    revision: Mapped[int]
    # Whether the answer's question is enabled by the inspection's other answers, stored when
    # the inspection is submitted (migration 0003): an answer left on a question a later gate
    # answer disabled stays stored but must not count in trends.
    counts_in_trends: Mapped[bool] = mapped_column(default=True, server_default=true())

    inspection: Mapped[Inspection] = relationship(back_populates="answers")


class AnswerRevision(Base):
    """Append-only: every version an answer has had, the current one included."""

    __tablename__ = "answer_revisions"
    __table_args__ = (
        UniqueConstraint("answer_id", "revision"),
        Index("ix_answer_revisions_inspection_id_question_id", "inspection_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"))
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"))
    question_id: Mapped[str]
    revision: Mapped[int]
    option_code: Mapped[str | None]
    text: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime]
