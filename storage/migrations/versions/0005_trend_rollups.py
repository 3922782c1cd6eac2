"""Monthly trend roll-ups.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

trend_month_marks and trend_month_inspections hold, per local month, Area, unit and review type,
the counts the trend queries would otherwise compute from every answer of a period;
trend_rollup_state says which time zone's months they are cut by. The tables start empty and
with no state row, so trends keep reading the answers until `dipsample serve` (or
`dipsample db rebuild-trend-rollups`) builds them in the deployment's time zone: a migration
does not know that zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GROUP = ("month", "area", "unit", "review_type")


def _group_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("area", sa.String(), nullable=False),
        sa.Column("unit", sa.String(), nullable=False),
        sa.Column("review_type", sa.String(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "trend_month_marks",
        *_group_columns(),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(), nullable=False),
        sa.Column("option_code", sa.String(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            *_GROUP,
            "questionnaire_version_id",
            "question_id",
            "option_code",
            name=op.f("pk_trend_month_marks"),
        ),
    )
    op.create_table(
        "trend_month_inspections",
        *_group_columns(),
        sa.Column("inspections", sa.Integer(), nullable=False),
        sa.Column("score_total", sa.Double(), nullable=False),
        sa.Column("scored", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*_GROUP, name=op.f("pk_trend_month_inspections")),
    )
    op.create_table(
        "trend_rollup_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("rebuilt_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trend_rollup_state")),
    )


def downgrade() -> None:
    op.drop_table("trend_rollup_state")
    op.drop_table("trend_month_inspections")
    op.drop_table("trend_month_marks")
