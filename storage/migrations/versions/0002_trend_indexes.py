"""Indexes for the trend aggregates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

- inspections(status, submitted_at): a period's submitted inspections are found by range
  instead of a scan of every inspection;
- answers(inspection_id, question_id, option_code): covers what the aggregates read of each
  answer, so the database reads the index alone, not the table (where free text, reasons and
  comments make rows wide).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_inspections_status_submitted_at"), "inspections", ["status", "submitted_at"]
    )
    op.create_index(
        op.f("ix_answers_inspection_id_question_id_option_code"),
        "answers",
        ["inspection_id", "question_id", "option_code"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_answers_inspection_id_question_id_option_code"), table_name="answers")
    op.drop_index(op.f("ix_inspections_status_submitted_at"), table_name="inspections")
