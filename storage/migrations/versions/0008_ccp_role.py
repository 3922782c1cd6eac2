"""The ccp role: an Area's Chief Crown Prosecutor, to whom that Area's unacknowledged
interventions are escalated.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "ck_person_roles_role_known"


def _allow(roles: str) -> None:
    # person_roles is referred to by no foreign key, so SQLite may copy it to change the check.
    with op.batch_alter_table("person_roles", recreate="always") as table:
        table.drop_constraint(op.f(_NAME), type_="check")
        table.create_check_constraint(op.f(_NAME), f"role IN ({roles})")


def upgrade() -> None:
    _allow("'inspector', 'lawyer', 'manager', 'admin', 'ccp'")


def downgrade() -> None:
    op.execute("DELETE FROM person_roles WHERE role = 'ccp'")
    _allow("'inspector', 'lawyer', 'manager', 'admin'")
