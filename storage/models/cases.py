"""Completed case reviews as they arrive, and the sampling decision taken on each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, JsonDocument, one_of
from storage.models.people import Person

REVIEW_TYPES = ("early_advice", "pre_charge_decision")
OUTCOMES = ("advice_given", "action_plan", "charge", "threshold_charge", "no_further_action")


class CaseReview(Base):
    __tablename__ = "case_reviews"
    __table_args__ = (
        CheckConstraint(one_of("review_type", REVIEW_TYPES), name="review_type_known"),
        CheckConstraint(f"outcome IS NULL OR {one_of('outcome', OUTCOMES)}", name="outcome_known"),
        CheckConstraint("action_plan_count >= 0", name="action_plan_count_not_negative"),
        Index("ix_case_reviews_lawyer_id_completed_at", "lawyer_id", "completed_at"),
        Index("ix_case_reviews_area_unit_completed_at", "area", "unit", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    urn: Mapped[str] = mapped_column(index=True)
    review_type: Mapped[str]
    area: Mapped[str]
    unit: Mapped[str]
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    completed_at: Mapped[datetime]
    action_plan_count: Mapped[int]
    outcome: Mapped[str | None]
    source_id: Mapped[str | None] = mapped_column(unique=True)
    # Optional intake fields (None when the feed did not say).
    substantive_action_plan_count: Mapped[int | None]
    referred_at: Mapped[datetime | None]
    meeting_offered_at: Mapped[datetime | None]
    meeting_held_at: Mapped[datetime | None]
    # Computed by intake: the source id when given, else URN|review type|completed time (UTC).
    identity_key: Mapped[str] = mapped_column(unique=True)
    received_at: Mapped[datetime]

    lawyer: Mapped[Person] = relationship()
    sampling_decision: Mapped[SamplingDecision | None] = relationship(back_populates="case_review")


class SamplingDecision(Base):
    """Every decision, selected or not, with what decided it, so it can be audited later."""

    __tablename__ = "sampling_decisions"
    __table_args__ = (Index("ix_sampling_decisions_selected_decided_at", "selected", "decided_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_review_id: Mapped[int] = mapped_column(ForeignKey("case_reviews.id"), unique=True)
    policy_version: Mapped[str]
    selected: Mapped[bool]
    # random_rate, pcd_three_action_plans, threshold_charge, no_further_action,
    # monthly_floor or not_selected; open-ended so a new policy rule needs no migration.
    rule: Mapped[str]
    draw: Mapped[float | None]
    decided_at: Mapped[datetime]

    case_review: Mapped[CaseReview] = relationship(back_populates="sampling_decision")


class SamplingPolicyVersion(Base):
    """The rules each policy version stood for when first used, so that a decision's
    policy_version names one set of rules for good: a changed file under an old version
    number is refused."""

    __tablename__ = "sampling_policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(unique=True)
    fingerprint: Mapped[str]  # sha256 of the rules in canonical JSON
    rules: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    first_used_at: Mapped[datetime]
