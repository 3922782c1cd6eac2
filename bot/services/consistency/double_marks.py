"""Blind double-marking, once both inspections of a review are submitted: a large
disagreement on a critical or decision question (inspections.double_marking) is flagged to the
inspection leads, in the transaction of the second submission. Neither inspector is told the
other's marks.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.inspection.state import FlowState, load_state
from bot.slack.blocks.consistency import DisagreementNote, DisagreementRow, disagreement_message
from inspections.double_marking import large_disagreements
from inspections.lifecycle import Purpose, Status
from storage import audit, inspections_repo, outbox, people_repo
from storage.models import Person


def on_submitted(session: Session, *, state: FlowState, now: datetime) -> None:
    """Call from a submission (of either inspection of a review): when the review is double-
    marked and both are now submitted, compare them."""
    if state.purpose not in (Purpose.PRIMARY, Purpose.DOUBLE):
        return
    markings = [
        m
        for m in inspections_repo.markings_of_review_of(session, state.inspection_id)
        if m.purpose in (Purpose.PRIMARY, Purpose.DOUBLE)
    ]
    if len(markings) < 2 or any(m.status != Status.SUBMITTED for m in markings):
        return
    primary = next((m for m in markings if m.purpose == Purpose.PRIMARY), None)
    second = next((m for m in markings if m.purpose == Purpose.DOUBLE), None)
    if primary is None or second is None:
        return
    first_state = state if state.inspection_id == primary.id else load_state(session, primary.id)
    second_state = state if state.inspection_id == second.id else load_state(session, second.id)
    questionnaire = first_state.questionnaire
    found = large_disagreements(
        questionnaire,
        review_type=first_state.review.subject,
        first=first_state.answers,
        second=second_state.answers,
    )
    markers = {primary.inspector_id, second.inspector_id}
    # Leads who marked the review themselves are not told the other's marks (they are blind).
    leads = [i for i in people_repo.active_admin_ids(session) if i not in markers]
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="double_marking.compared",
        entity_type="inspection",
        entity_id=primary.id,
        details={
            "second_inspection_id": second.id,
            "large_disagreements": [d.question_id for d in found],
            "flagged_to": leads if found else [],
        },
        now=now,
    )
    if not found:
        return
    note = DisagreementNote(
        urn=first_state.review.urn,
        review_type=first_state.review.review_type,
        first_inspector=_name(session, primary.inspector_id),
        second_inspector=_name(session, second.inspector_id),
        rows=tuple(
            DisagreementRow(
                questionnaire.question(d.question_id).short_label,
                _label(first_state, d.question_id, d.first),
                _label(first_state, d.question_id, d.second),
            )
            for d in found
        ),
    )
    for lead_id in leads:
        outbox.enqueue(
            session,
            dedupe_key=f"double-mark:{primary.id}:lead:{lead_id}",
            kind="double_mark_disagreement",
            recipient_person_id=lead_id,
            payload=disagreement_message(note),
            now=now,
        )


def _name(session: Session, person_id: int | None) -> str:
    person = session.get(Person, person_id) if person_id is not None else None
    return person.name if person is not None else "an inspector"


def _label(state: FlowState, question_id: str, code: str) -> str:
    option = state.questionnaire.option_for(state.questionnaire.question(question_id), code)
    return option.label if option is not None else code
