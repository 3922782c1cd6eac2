"""Feedback on submit, the lawyer's acknowledgement, and who may read a feedback in full.

`on_submitted` runs inside the submission's transaction: the Feedback row, the lawyer's
message and the line manager's copy are written with the submission or not at all, and the
outbox's dedupe keys make a second write of either message a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from bot import refusals
from bot.refusals import Refused
from bot.services.inspection.state import FlowState, load_state
from bot.services.people.requester import requester
from bot.slack.blocks.feedback import FeedbackCard, feedback_message, manager_copy
from inspections.challenges import challengeable
from inspections.feedback import (
    FeedbackDocument,
    ReviewFacts,
    compose_feedback,
    key_learning_point_of,
    manager_summary,
)
from inspections.line_management import manages
from inspections.scoring import ScoreResult
from storage import audit, feedback_repo, outbox, people_repo
from storage.models import Feedback, Inspection, Person
from storage.uow import UnitOfWork

DEFAULT_TIMEZONE = "Europe/London"


def lawyer_key(inspection_id: int) -> str:
    return f"feedback:{inspection_id}:lawyer"


def manager_key(inspection_id: int) -> str:
    return f"feedback:{inspection_id}:manager"


def compose_for(
    state: FlowState,
    result: ScoreResult,
    *,
    amended: Mapping[str, str] | None = None,
    original_score: float | None = None,
) -> FeedbackDocument:
    review = state.review
    return compose_feedback(
        state.questionnaire,
        inspection_id=state.inspection_id,
        review=ReviewFacts(
            urn=review.urn,
            review_type=review.review_type,
            completed_at=review.completed_at,
            lawyer_name=review.lawyer_name,
            area=review.area,
            outcome=review.outcome,
        ),
        answers=state.answers,
        result=result,
        key_learning_point=key_learning_point_of(state.questionnaire, state.answers),
        amended=amended,
        original_score=original_score,
    )


def on_submitted(
    session: Session,
    *,
    state: FlowState,
    result: ScoreResult,
    now: datetime,
    timezone: str = DEFAULT_TIMEZONE,
) -> Feedback:
    document = compose_for(state, result)
    # No look for an earlier row: the submission holds the inspection's row and has found it
    # not submitted, so there is none, and feedback.inspection_id is unique besides.
    row = Feedback(
        inspection_id=state.inspection_id,
        lawyer_id=state.review.lawyer_id,
        content=document.to_dict(),
        created_at=now,
    )
    session.add(row)
    session.flush()
    card = FeedbackCard(row.id, document, timezone, can_challenge=bool(document.marks))
    outbox.enqueue(
        session,
        dedupe_key=lawyer_key(state.inspection_id),
        kind="feedback",
        recipient_person_id=state.review.lawyer_id,
        payload=feedback_message(card),
        now=now,
    )
    lawyer = session.get(Person, state.review.lawyer_id)
    manager_id = lawyer.manager_id if lawyer is not None else None
    if manager_id is not None:
        outbox.enqueue(
            session,
            dedupe_key=manager_key(state.inspection_id),
            kind="feedback_manager_copy",
            recipient_person_id=manager_id,
            payload=manager_copy(row.id, manager_summary(document), timezone=timezone),
            now=now,
        )
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="feedback.created",
        entity_type="feedback",
        entity_id=row.id,
        details={
            "inspection_id": state.inspection_id,
            "lawyer_id": state.review.lawyer_id,
            "manager_id": manager_id,
            "score": document.score,
            # Nobody to copy in is worth knowing, but not a reason to refuse the submission.
            "manager_copy": "enqueued" if manager_id is not None else "no line manager",
        },
        now=now,
    )
    return row


def card_of(session: Session, feedback: Feedback, *, timezone: str) -> FeedbackCard:
    """The lawyer's feedback message as it stands now: acknowledged, challenged or neither."""
    document = FeedbackDocument.from_dict(feedback.content)
    challenged = feedback_repo.challenge_count(session, feedback.id)
    state = load_state(session, feedback.inspection_id)
    open_to_challenge = challengeable(
        state.questionnaire, review_type=state.review.subject, answers=state.answers
    )
    return FeedbackCard(
        feedback_id=feedback.id,
        document=document,
        timezone=timezone,
        acknowledged_at=feedback.acknowledged_at,
        challenged=challenged or 0,
        can_challenge=bool(open_to_challenge),
    )


def refuse(
    session: Session, *, actor: str, action: str, feedback_id: int, reason: str, now: datetime
) -> Refused:
    """Audits and commits the refusal; the caller raises what it returns."""
    audit.record(
        session,
        actor=actor,
        action=f"refused:{action}",
        entity_type="feedback",
        entity_id=feedback_id,
        details={"reason": reason},
        now=now,
    )
    session.commit()
    return Refused(reason)


def own_feedback(
    session: Session, *, actor_slack_id: str, feedback_id: int, action: str, now: datetime
) -> tuple[Feedback, Person]:
    """The feedback, when the requester is the lawyer it is for; otherwise an audited refusal.

    The row stays locked to the end of the transaction, so that two deliveries of the same
    reply (a double click, a resubmitted modal) are taken one after the other."""
    person = requester(session, actor_slack_id, action=action, now=now)
    feedback = session.get(Feedback, feedback_id, with_for_update=True)
    if feedback is None or feedback.lawyer_id != person.id:
        raise refuse(
            session,
            actor=person.email,
            action=action,
            feedback_id=feedback_id,
            reason=refusals.NOT_YOUR_FEEDBACK,
            now=now,
        )
    return feedback, person


def acknowledge(
    uow: UnitOfWork, *, actor_slack_id: str, feedback_id: int, now: datetime, timezone: str
) -> FeedbackCard:
    """Idempotent: a second acknowledgement keeps the first time and changes nothing."""
    with uow:
        feedback, person = own_feedback(
            uow.session,
            actor_slack_id=actor_slack_id,
            feedback_id=feedback_id,
            action="feedback.acknowledge",
            now=now,
        )
        if feedback.acknowledged_at is None:
            feedback.acknowledged_at = now
            audit.record(
                uow.session,
                actor=person.email,
                action="feedback.acknowledged",
                entity_type="feedback",
                entity_id=feedback.id,
                details={"inspection_id": feedback.inspection_id},
                now=now,
            )
        card = card_of(uow.session, feedback, timezone=timezone)
        uow.commit()
        return card


def may_read(session: Session, person: Person, feedback: Feedback) -> bool:
    """The lawyer, anyone above them in the line, the inspector, and the inspection lead."""
    if feedback.lawyer_id == person.id or "admin" in person.roles:
        return True
    inspection = session.get(Inspection, feedback.inspection_id)
    if inspection is not None and inspection.inspector_id == person.id:
        return True
    lawyer = session.get(Person, feedback.lawyer_id)
    return lawyer is not None and manages(person.id, people_repo.managers_above(session, lawyer))


def read_full(
    uow: UnitOfWork, *, actor_slack_id: str, feedback_id: int, now: datetime, timezone: str
) -> FeedbackCard:
    with uow:
        person = requester(uow.session, actor_slack_id, action="feedback.view", now=now)
        feedback = uow.session.get(Feedback, feedback_id)
        if feedback is None or not may_read(uow.session, person, feedback):
            raise refuse(
                uow.session,
                actor=person.email,
                action="feedback.view",
                feedback_id=feedback_id,
                reason=refusals.FEEDBACK_NOT_VISIBLE,
                now=now,
            )
        card = card_of(uow.session, feedback, timezone=timezone)
        audit.record(
            uow.session,
            actor=person.email,
            action="feedback.viewed",
            entity_type="feedback",
            entity_id=feedback.id,
            details={"inspection_id": feedback.inspection_id},
            now=now,
        )
        uow.commit()
        return card
