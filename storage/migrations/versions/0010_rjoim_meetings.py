"""The RJOIM record: meetings with a police force, cases discussed, issues, actions, impacts.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

New tables only. The themes and agencies in the checks are those of inspections/rjoim_themes.py
and inspections/rjoim_record.py on this date, written out so the migration never changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_THEMES = (
    "suspect_focus", "written_language", "coercive_control", "intoxication",
    "previous_allegations", "historic_offences", "action_plans", "third_party_material",
    "drafting_indictments", "cps_direct", "joint_working_advocates", "cases_at_court",
    "delayed_trials", "victim_engagement", "victim_communication",
)  # fmt: skip


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _utc() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _fk(column: str, table: str, target: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    # A meeting's rows go with it; people are never deleted (they are made inactive).
    cascade = referred in ("rjoim_meetings", "rjoim_actions")
    return sa.ForeignKeyConstraint(
        [column],
        [target],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete="CASCADE" if cascade else None,
    )


def _recorded(table: str) -> list[Any]:
    return [
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", _utc(), nullable=False),
        _fk("recorded_by", table, "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "rjoim_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(), nullable=False),
        sa.Column("force_code", sa.String(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("next_meeting_on", sa.Date(), nullable=True),
        sa.Column(
            "attendees",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        *_recorded("rjoim_meetings"),
        sa.UniqueConstraint(
            "area", "force_code", "held_on",
            name=op.f("uq_rjoim_meetings_area_force_code_held_on"),
        ),  # fmt: skip
    )
    op.create_index(
        op.f("ix_rjoim_meetings_area_force_code"), "rjoim_meetings", ["area", "force_code"]
    )
    op.create_table(
        "rjoim_cases_discussed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("urn", sa.String(), nullable=False),
        _fk("meeting_id", "rjoim_cases_discussed", "rjoim_meetings.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rjoim_cases_discussed")),
        sa.UniqueConstraint(
            "meeting_id", "urn", name=op.f("uq_rjoim_cases_discussed_meeting_id_urn")
        ),
    )
    op.create_table(
        "rjoim_issues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("urn", sa.String(), nullable=True),
        sa.Column("theme", sa.String(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("request_key", sa.String(), nullable=True),
        *_recorded("rjoim_issues"),
        _fk("meeting_id", "rjoim_issues", "rjoim_meetings.id"),
        sa.CheckConstraint(_in("theme", _THEMES), name=op.f("ck_rjoim_issues_theme_known")),
        sa.UniqueConstraint("request_key", name=op.f("uq_rjoim_issues_request_key")),
    )
    op.create_index(op.f("ix_rjoim_issues_meeting_id"), "rjoim_issues", ["meeting_id"])
    op.create_index(op.f("ix_rjoim_issues_urn"), "rjoim_issues", ["urn"])
    op.create_table(
        "rjoim_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("owner_person_id", sa.Integer(), nullable=True),
        sa.Column("police_owner", sa.String(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("closed_at", _utc(), nullable=True),
        sa.Column("request_key", sa.String(), nullable=True),
        *_recorded("rjoim_actions"),
        _fk("meeting_id", "rjoim_actions", "rjoim_meetings.id"),
        _fk("owner_person_id", "rjoim_actions", "people.id"),
        sa.CheckConstraint(
            _in("agency", ("cps", "police")), name=op.f("ck_rjoim_actions_agency_known")
        ),
        sa.CheckConstraint(
            "owner_person_id IS NOT NULL OR police_owner IS NOT NULL",
            name=op.f("ck_rjoim_actions_has_owner"),
        ),
        sa.UniqueConstraint("request_key", name=op.f("uq_rjoim_actions_request_key")),
    )
    op.create_index(op.f("ix_rjoim_actions_meeting_id"), "rjoim_actions", ["meeting_id"])
    op.create_index(
        op.f("ix_rjoim_actions_closed_at_due_on"), "rjoim_actions", ["closed_at", "due_on"]
    )
    op.create_table(
        "rjoim_impacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("effect", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        *_recorded("rjoim_impacts"),
        _fk("action_id", "rjoim_impacts", "rjoim_actions.id"),
        _fk("meeting_id", "rjoim_impacts", "rjoim_meetings.id"),
        sa.UniqueConstraint(
            "action_id", "meeting_id", name=op.f("uq_rjoim_impacts_action_id_meeting_id")
        ),
    )


def downgrade() -> None:
    for table in ("rjoim_impacts", "rjoim_actions", "rjoim_issues", "rjoim_cases_discussed"):
        op.drop_table(table)
    op.drop_table("rjoim_meetings")
