"""Alerts become interventions with a life: acknowledged, closed with the action taken and its
outcome, escalated once when nobody acknowledges them in time.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

All nullable: an alert raised before this revision reads as raised and not yet acknowledged
(or closed, when it was resolved).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    ("acknowledged_at", sa.DateTime(timezone=True)),
    ("acknowledged_by", sa.Integer()),
    ("action_taken", sa.Text()),
    ("outcome", sa.String()),
    ("closed_at", sa.DateTime(timezone=True)),
    ("closed_by", sa.Integer()),
    ("escalated_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    # Plain ADD COLUMN: the person ids are not foreign keys, so SQLite need not copy the table.
    for name, kind in _COLUMNS:
        op.add_column("alerts", sa.Column(name, kind, nullable=True))
    # Alerts raised before interventions existed are not escalated now (the national leads
    # would be sent every old alert at once): they count as escalated when they were raised.
    op.execute("UPDATE alerts SET escalated_at = raised_at WHERE resolved_at IS NULL")
    # Alerts already resolved by a changed mark are closed.
    op.execute("UPDATE alerts SET closed_at = resolved_at, outcome = 'mark_changed' "
               "WHERE resolved_at IS NOT NULL")


def downgrade() -> None:
    for name, _ in reversed(_COLUMNS):
        op.drop_column("alerts", name)
