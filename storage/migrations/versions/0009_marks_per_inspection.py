"""Each inspection's marks counted in its score and, of them, those fully met; the monthly
roll-ups gain the sums trends need to allow for marks being grouped by inspection.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

The counts are worked out here for the inspections already submitted, from their answers that
count in trends and each questionnaire version's marks (inspections.mark_map), as a submission
now stores them. The roll-ups are dropped (state included): trends read the answers until
`dipsample serve` rebuilds them with the new sums at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from inspections.mark_map import mark_mappings
from questionnaires.loader import parse_questionnaire

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLLUP_SUMS = ("clustered", "fully_sq", "fully_by_marks", "marks_sq")

answers = sa.table(
    "answers",
    sa.column("inspection_id", sa.Integer()),
    sa.column("question_id", sa.String()),
    sa.column("option_code", sa.String()),
    sa.column("counts_in_trends", sa.Boolean()),
)
inspections = sa.table(
    "inspections",
    sa.column("id", sa.Integer()),
    sa.column("questionnaire_version_id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("marks_scored", sa.Integer()),
    sa.column("marks_fully_met", sa.Integer()),
)
versions = sa.table(
    "questionnaire_versions", sa.column("id", sa.Integer()), sa.column("content", sa.JSON())
)


def upgrade() -> None:
    op.add_column("inspections", sa.Column("marks_scored", sa.Integer(), nullable=True))
    op.add_column("inspections", sa.Column("marks_fully_met", sa.Integer(), nullable=True))
    for name in _ROLLUP_SUMS:
        kind = sa.Integer() if name == "clustered" else sa.BigInteger()
        op.add_column(
            "trend_month_inspections",
            sa.Column(name, kind, nullable=False, server_default="0"),
        )
    connection = op.get_bind()
    _count_marks(connection)
    connection.execute(sa.text("DELETE FROM trend_month_marks"))
    connection.execute(sa.text("DELETE FROM trend_month_inspections"))
    connection.execute(sa.text("DELETE FROM trend_rollup_state"))


def downgrade() -> None:
    for name in reversed(_ROLLUP_SUMS):
        op.drop_column("trend_month_inspections", name)
    op.drop_column("inspections", "marks_fully_met")
    op.drop_column("inspections", "marks_scored")


def _count_marks(connection: sa.Connection) -> None:
    marks: dict[tuple[int, str, str], bool] = {}  # (version, question, option) -> fully met
    for version_id, content in connection.execute(sa.select(versions.c.id, versions.c.content)):
        for m in mark_mappings(parse_questionnaire(content)):
            if m.scored:
                marks[(version_id, m.question_id, m.option_code)] = m.fully_met
    submitted = sa.select(inspections.c.id, inspections.c.questionnaire_version_id).where(
        inspections.c.status == "submitted"
    )
    counts: dict[int, list[int]] = {}
    version_of = {i: v for i, v in connection.execute(submitted)}
    query = sa.select(answers.c.inspection_id, answers.c.question_id, answers.c.option_code).where(
        answers.c.counts_in_trends, answers.c.option_code.is_not(None)
    )
    for inspection_id, question_id, code in connection.execute(query):
        version = version_of.get(inspection_id)
        if version is None:
            continue
        fully = marks.get((version, question_id, code))
        if fully is None:
            continue
        count = counts.setdefault(inspection_id, [0, 0])
        count[0] += 1
        count[1] += fully
    update = (
        sa.update(inspections)
        .where(inspections.c.id == sa.bindparam("inspection"))
        .values(marks_scored=sa.bindparam("scored"), marks_fully_met=sa.bindparam("fully"))
    )
    rows = [
        {"inspection": i, "scored": counts.get(i, [0, 0])[0], "fully": counts.get(i, [0, 0])[1]}
        for i in version_of
    ]
    if rows:
        connection.execute(update, rows)
