"""Inspector consistency (issue 22): who decides a lawyer's challenge, and the marking
inspector's comment on it.

- challenges.decider_id: the inspector an inspection lead named to decide the challenge
  (NULL: any inspection lead decides; never the inspector who gave the mark).
- challenges.inspector_comment: what the inspector who gave the mark said when asked.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-06

On main another change adds revision 0010; this one must be re-chained after it (and
renumbered if another 0011 lands first) when the branches are merged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("challenges") as table:
        table.add_column(sa.Column("decider_id", sa.Integer(), nullable=True))
        table.add_column(sa.Column("inspector_comment", sa.Text(), nullable=True))
        table.create_foreign_key(
            op.f("fk_challenges_decider_id_people"), "people", ["decider_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("challenges") as table:
        table.drop_constraint(op.f("fk_challenges_decider_id_people"), type_="foreignkey")
        table.drop_column("inspector_comment")
        table.drop_column("decider_id")
