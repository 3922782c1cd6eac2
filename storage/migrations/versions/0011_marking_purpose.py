"""Inspector consistency (issue 22): blind double-marking, calibration exercises, and who
decides a lawyer's challenge.

- inspections.purpose: "primary" (every inspection so far), "double" (a blind second marking
  of the same review) or "calibration" (one of several markings in a calibration exercise);
  inspections.slot numbers the calibration markings of a review (0 otherwise); the unique key
  on case_review_id becomes (case_review_id, purpose, slot).
- calibrations: the exercises (with the lead's reference marks); inspections.calibration_id
  ties a calibration marking to one.
- challenges.decider_id: the inspector an inspection lead named to decide the challenge
  (NULL: any inspection lead decides; never the inspector who gave the mark).
- challenges.inspector_comment: what the inspector who gave the mark said when asked.

SQLite cannot drop a unique constraint, so the inspections table is copied (batch mode); other
tables' foreign keys point at it by name, so they hold again once the copy has its name
(storage.migrate.migrating turns SQLite's enforcement off for the copy and checks every
foreign key before the commit).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_UQ_REVIEW = "uq_inspections_case_review_id"
_UQ_REVIEW_PURPOSE = "uq_inspections_case_review_id_purpose_slot"
_CK_PURPOSE = "ck_inspections_purpose_known"


def upgrade() -> None:
    op.create_table(
        "calibrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_review_id", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.String(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "reference",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["case_review_id"],
            ["case_reviews.id"],
            name=op.f("fk_calibrations_case_review_id_case_reviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calibrations")),
    )
    op.create_index(
        op.f("ix_calibrations_case_review_id"), "calibrations", ["case_review_id"], unique=False
    )
    with op.batch_alter_table("inspections", recreate="auto") as table:
        table.add_column(
            sa.Column("purpose", sa.String(), nullable=False, server_default="primary")
        )
        table.add_column(sa.Column("slot", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("calibration_id", sa.Integer(), nullable=True))
        table.drop_constraint(op.f(_UQ_REVIEW), type_="unique")
        table.create_unique_constraint(
            op.f(_UQ_REVIEW_PURPOSE), ["case_review_id", "purpose", "slot"]
        )
        table.create_check_constraint(
            op.f(_CK_PURPOSE), "purpose IN ('primary', 'double', 'calibration')"
        )
        table.create_foreign_key(
            op.f("fk_inspections_calibration_id_calibrations"),
            "calibrations",
            ["calibration_id"],
            ["id"],
        )
        table.create_index(
            op.f("ix_inspections_calibration_id"), ["calibration_id"], unique=False
        )
    with op.batch_alter_table("challenges") as table:
        table.add_column(sa.Column("decider_id", sa.Integer(), nullable=True))
        table.add_column(sa.Column("inspector_comment", sa.Text(), nullable=True))
        table.create_foreign_key(
            op.f("fk_challenges_decider_id_people"), "people", ["decider_id"], ["id"]
        )


def downgrade() -> None:
    seconds = op.get_bind().scalar(
        sa.text("SELECT COUNT(*) FROM inspections WHERE purpose <> 'primary'")
    )
    if seconds:
        # Their answers, assignments and reminders would have to go too: not for a downgrade.
        raise RuntimeError(
            f"{seconds} second markings are stored; downgrading below 0011 would lose them"
        )
    with op.batch_alter_table("inspections", recreate="auto") as table:
        table.drop_index(op.f("ix_inspections_calibration_id"))
        table.drop_constraint(
            op.f("fk_inspections_calibration_id_calibrations"), type_="foreignkey"
        )
        table.drop_constraint(op.f(_CK_PURPOSE), type_="check")
        table.drop_constraint(op.f(_UQ_REVIEW_PURPOSE), type_="unique")
        table.create_unique_constraint(op.f(_UQ_REVIEW), ["case_review_id"])
        table.drop_column("calibration_id")
        table.drop_column("slot")
        table.drop_column("purpose")
    op.drop_index(op.f("ix_calibrations_case_review_id"), table_name="calibrations")
    op.drop_table("calibrations")
    with op.batch_alter_table("challenges") as table:
        table.drop_constraint(op.f("fk_challenges_decider_id_people"), type_="foreignkey")
        table.drop_column("inspector_comment")
        table.drop_column("decider_id")
