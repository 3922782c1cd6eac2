"""An inspection may be withdrawn: a calibration marking not submitted when its exercise is
reported is closed for good (inspections.lifecycle.Status.WITHDRAWN), rather than left queued
with no inspector. Markings closed that way before this revision are moved to withdrawn.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CK_STATUS = "ck_inspections_status_known"
_BEFORE = ("queued", "assigned", "in_progress", "paused", "submitted")
_AFTER = (*_BEFORE, "withdrawn")


def _status_in(statuses: Sequence[str]) -> str:
    return f"status IN ({', '.join(repr(s) for s in statuses)})"


def upgrade() -> None:
    with op.batch_alter_table("inspections", recreate="auto") as table:
        table.drop_constraint(op.f(_CK_STATUS), type_="check")
        table.create_check_constraint(op.f(_CK_STATUS), _status_in(_AFTER))
    # The calibration markings closed as "queued with no inspector" of a reported exercise.
    op.execute(
        "UPDATE inspections SET status = 'withdrawn' WHERE status = 'queued' "
        "AND purpose = 'calibration' AND calibration_id IN "
        "(SELECT id FROM calibrations WHERE reported_at IS NOT NULL)"
    )


def downgrade() -> None:
    op.execute("UPDATE inspections SET status = 'queued', inspector_id = NULL "
               "WHERE status = 'withdrawn'")  # fmt: skip
    with op.batch_alter_table("inspections", recreate="auto") as table:
        table.drop_constraint(op.f(_CK_STATUS), type_="check")
        table.create_check_constraint(op.f(_CK_STATUS), _status_in(_BEFORE))
