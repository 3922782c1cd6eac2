"""The one writer of answers: the current answer row and, beside it, the append-only history of
every revision (answer_revisions), written together so the history never misses a change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from inspections.answers import Answer
from storage.models import Answer as AnswerRow
from storage.models import AnswerRevision, Inspection


def record_answer(
    session: Session, inspection: Inspection, given: Answer, *, by: int, now: datetime
) -> AnswerRow:
    """Store ``given`` as the inspection's answer to its question (a new row, or the next
    revision of the existing one) and append the revision to the history."""
    row = next((r for r in inspection.answers if r.question_id == given.question_id), None)
    if row is None:
        row = AnswerRow(question_id=given.question_id, revision=0)
        inspection.answers.append(row)
    row.option_code = given.option_code
    row.text = given.text
    row.reason = given.reason
    row.comment = given.comment
    row.answered_by = by
    row.answered_at = now
    row.revision += 1
    session.flush()  # a new row's id, for its history
    session.add(
        AnswerRevision(
            answer_id=row.id,
            inspection_id=inspection.id,
            question_id=given.question_id,
            revision=row.revision,
            option_code=given.option_code,
            text=given.text,
            reason=given.reason,
            comment=given.comment,
            changed_by=by,
            changed_at=now,
        )
    )
    return row
