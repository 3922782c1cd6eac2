"""The people directory: who is who, their roles, their line manager and when they are away."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, true
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, one_of

# ccp: an Area's Chief Crown Prosecutor (escalations of that Area's interventions).
ROLES = ("inspector", "lawyer", "manager", "admin", "ccp")


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        Index("ix_people_area_unit", "area", "unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    area: Mapped[str]
    unit: Mapped[str]
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    slack_user_id: Mapped[str | None] = mapped_column(unique=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    role_rows: Mapped[list[PersonRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )
    # `person.roles` reads and assigns plain role names; rows follow.
    roles: AssociationProxy[list[str]] = association_proxy(
        "role_rows", "role", creator=lambda role: PersonRole(role=role)
    )
    manager: Mapped[Person | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"Person(id={self.id!r}, email={self.email!r})"


class PersonRole(Base):
    """One row per role held: "who are the inspectors" is then an indexed lookup."""

    __tablename__ = "person_roles"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role_known"),
        Index("ix_person_roles_role", "role"),
    )

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(primary_key=True)

    person: Mapped[Person] = relationship(back_populates="role_rows")


class Absence(Base):
    __tablename__ = "absences"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        Index("ix_absences_person_id_starts_on", "person_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
