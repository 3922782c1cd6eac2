"""Optional intake fields on case reviews: the substantive action-plan count, when the police
referral was received, and when the investigator meeting was offered and held.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

All nullable: reviews imported before, and feeds that do not send them, leave them empty.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIMES = ("referred_at", "meeting_offered_at", "meeting_held_at")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy of the table, which SQLite would need for a constraint):
    # intake bounds the count, as it does action_plan_count.
    op.add_column(
        "case_reviews", sa.Column("substantive_action_plan_count", sa.Integer(), nullable=True)
    )
    for name in _TIMES:
        op.add_column("case_reviews", sa.Column(name, sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch copy would drop case_reviews, which
    # other tables' foreign keys refer to.
    for name in (*reversed(_TIMES), "substantive_action_plan_count"):
        op.drop_column("case_reviews", name)
