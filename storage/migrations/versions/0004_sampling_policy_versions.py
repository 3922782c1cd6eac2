"""The rules each sampling policy version stood for.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Decisions store their policy's version string; sampling_policy_versions holds, per version, a
fingerprint and the rules themselves, recorded the first time the version is used, so a
changed policy file under an old version number can be refused and every decision traced to
its rules. Versions used before this revision have no row (their rules were never stored);
their next use records them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sampling_policy_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("fingerprint", sa.String(), nullable=False),
        sa.Column(
            "rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sampling_policy_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_sampling_policy_versions_version")),
    )


def downgrade() -> None:
    op.drop_table("sampling_policy_versions")
