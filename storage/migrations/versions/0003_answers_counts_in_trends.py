"""Whether each answer counts in trends, stored instead of worked out by every trend query.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

An answer stays stored when a later gate answer disables its question; the trend queries used
to work that out per answer with a correlated subquery per conditional question, which kept
PostgreSQL from parallelising (and, grouped on, from hashing instead of sorting). answers gains
counts_in_trends, set when an inspection is submitted (see storage.trend_flags); here it is
worked out for the inspections already submitted, with the questionnaire runtime, from each
inspection's questionnaire version, review type and answers. Open inspections get it when they
are submitted. The covering trend index gains the column, so the filter reads the index alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from inspections.answers import Answer
from inspections.runtime import enabled_questions
from questionnaires.loader import parse_questionnaire
from questionnaires.model import Questionnaire

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_INDEX = "ix_answers_inspection_id_question_id_option_code"
NEW_INDEX = "ix_answers_for_trends"
BATCH = 500

# Just the columns read and written here, so this revision stays as it is when models move on.
answers = sa.table(
    "answers",
    sa.column("id", sa.Integer()),
    sa.column("inspection_id", sa.Integer()),
    sa.column("question_id", sa.String()),
    sa.column("option_code", sa.String()),
    sa.column("counts_in_trends", sa.Boolean()),
)
inspections = sa.table(
    "inspections",
    sa.column("id", sa.Integer()),
    sa.column("case_review_id", sa.Integer()),
    sa.column("questionnaire_version_id", sa.Integer()),
    sa.column("status", sa.String()),
)
case_reviews = sa.table(
    "case_reviews", sa.column("id", sa.Integer()), sa.column("review_type", sa.String())
)
versions = sa.table(
    "questionnaire_versions", sa.column("id", sa.Integer()), sa.column("content", sa.JSON())
)


def upgrade() -> None:
    op.add_column(
        "answers",
        sa.Column("counts_in_trends", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    connection = op.get_bind()
    disabled = _disabled_answer_ids(connection)
    for start in range(0, len(disabled), BATCH):
        connection.execute(
            answers.update()
            .where(answers.c.id.in_(disabled[start : start + BATCH]))
            .values(counts_in_trends=False)
        )
    op.drop_index(OLD_INDEX, table_name="answers")
    op.create_index(
        NEW_INDEX,
        "answers",
        ["inspection_id", "question_id", "option_code", "counts_in_trends"],
    )


def downgrade() -> None:
    op.drop_index(NEW_INDEX, table_name="answers")
    op.create_index(OLD_INDEX, "answers", ["inspection_id", "question_id", "option_code"])
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("counts_in_trends")


def _disabled_answer_ids(connection: sa.Connection) -> list[int]:
    """Answers of submitted inspections whose question the inspection's answers disable."""
    parsed = {
        version_id: parse_questionnaire(content)
        for version_id, content in connection.execute(sa.select(versions.c.id, versions.c.content))
    }
    query = (
        sa.select(
            inspections.c.id,
            inspections.c.questionnaire_version_id,
            case_reviews.c.review_type,
            answers.c.id,
            answers.c.question_id,
            answers.c.option_code,
        )
        .join(case_reviews, case_reviews.c.id == inspections.c.case_review_id)
        .join(answers, answers.c.inspection_id == inspections.c.id)
        .where(inspections.c.status == "submitted")
        .order_by(inspections.c.id)
        .execution_options(yield_per=10_000)
    )
    disabled: list[int] = []
    for _, grouped in itertools.groupby(connection.execute(query), key=lambda row: row[0]):
        rows = list(grouped)
        version_id, review_type = rows[0][1], rows[0][2]
        disabled += _disabled(parsed[version_id], review_type, rows)
    return disabled


def _disabled(
    questionnaire: Questionnaire, review_type: str, rows: Sequence[sa.Row[Any]]
) -> list[int]:
    given = {row[4]: Answer(question_id=row[4], option_code=row[5]) for row in rows}
    enabled = enabled_questions(questionnaire, review_type=review_type, answers=given)
    enabled_ids = {question.id for question in enabled}
    return [row[3] for row in rows if row[4] not in enabled_ids]
