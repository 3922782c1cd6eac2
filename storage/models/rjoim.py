"""The RJOIM record: a meeting of an Area with one police force, the cases it discussed, the
issues raised, the actions agreed and, at later meetings, the impact of each action.

`request_key` on the rows written from a Slack modal is the modal's view id: a submission that
comes twice stores one row (modals may be resubmitted, deliveries may come twice).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspections.rjoim_record import AGENCIES
from inspections.rjoim_themes import BY_CODE
from storage.models.base import Base, JsonDocument, one_of


class RjoimMeeting(Base):
    __tablename__ = "rjoim_meetings"
    __table_args__ = (
        UniqueConstraint("area", "force_code", "held_on"),
        Index("ix_rjoim_meetings_area_force_code", "area", "force_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str]
    force_code: Mapped[str]
    held_on: Mapped[date]
    next_meeting_on: Mapped[date | None]
    attendees: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)  # [{role, name}]
    recorded_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]


class RjoimCaseDiscussed(Base):
    __tablename__ = "rjoim_cases_discussed"
    __table_args__ = (UniqueConstraint("meeting_id", "urn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("rjoim_meetings.id", ondelete="CASCADE"))
    urn: Mapped[str]


class RjoimIssue(Base):
    """An issue raised, under one of seed 003's themes; with a URN, the case's narrative theme
    for the quarterly return."""

    __tablename__ = "rjoim_issues"
    __table_args__ = (
        CheckConstraint(one_of("theme", tuple(BY_CODE)), name="theme_known"),
        Index("ix_rjoim_issues_meeting_id", "meeting_id"),
        Index("ix_rjoim_issues_urn", "urn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("rjoim_meetings.id", ondelete="CASCADE"))
    urn: Mapped[str | None]
    theme: Mapped[str]
    description: Mapped[str] = mapped_column(Text)
    request_key: Mapped[str | None] = mapped_column(unique=True)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]


class RjoimAction(Base):
    __tablename__ = "rjoim_actions"
    __table_args__ = (
        CheckConstraint(one_of("agency", tuple(AGENCIES)), name="agency_known"),
        CheckConstraint(
            "owner_person_id IS NOT NULL OR police_owner IS NOT NULL", name="has_owner"
        ),
        Index("ix_rjoim_actions_meeting_id", "meeting_id"),
        Index("ix_rjoim_actions_closed_at_due_on", "closed_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("rjoim_meetings.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text)
    agency: Mapped[str]
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    police_owner: Mapped[str | None]
    due_on: Mapped[date]
    closed_at: Mapped[datetime | None]  # an impact assessment recorded it done
    request_key: Mapped[str | None] = mapped_column(unique=True)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]


class RjoimImpact(Base):
    """The impact of an action as assessed at one later meeting: once per action and meeting."""

    __tablename__ = "rjoim_impacts"
    __table_args__ = (UniqueConstraint("action_id", "meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("rjoim_actions.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("rjoim_meetings.id", ondelete="CASCADE"))
    done: Mapped[bool]
    effect: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime]
