"""Which of an inspection's stored answers count in trends: those whose question the
inspection's answers enable.

An answer stays stored when a later gate answer disables its question (re-enabling the
question brings it back), so trends must skip it. Working that out in every trend query cost a
correlated subquery per conditional question; instead it is stored, in the same transaction as
the change that can alter it: the submission, and any later change to a submitted mark.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from storage.models import Inspection


def store_counted(session: Session, inspection_id: int, enabled_ids: Collection[str]) -> None:
    """`enabled_ids`: the questions the inspection's answers, as they now stand, enable."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None:
        raise LookupError(f"no inspection {inspection_id}")
    # Through the relationship: a submit has the answers loaded already, so no query.
    for row in inspection.answers:
        row.counts_in_trends = row.question_id in enabled_ids
