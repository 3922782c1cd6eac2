"""Handing a sampled review to an independent inspector, and retrying the queue of reviews
nobody was eligible for (handing one on when its inspector declines is in decline.py).

Whatever follows an assignment is written in its transaction: the reminder rows, the
inspector's message, the audit rows; when a review has to wait, the admins' alert.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.assignment import reminders
from bot.services.assignment.pool import AssignmentTerms, InspectorPool
from bot.settings import Settings
from bot.slack.blocks.assignment import assignment_message
from bot.slack.blocks.viewmodels import AssignmentCard, ReviewInfo
from inspections import lifecycle
from inspections.assignment import InspectorCandidate, LawyerFacts
from inspections.lifecycle import Action, Purpose
from storage import audit, inspections_repo, outbox
from storage.models import Assignment, Inspection
from storage.uow import UnitOfWork

ASSIGNMENT_KIND = "assignment"


def review_info(
    *,
    urn: str,
    review_type: str,
    area: str,
    lawyer_name: str,
    completed_at: datetime,
    due_at: datetime | None,
    tz: ZoneInfo,
    purpose: str = Purpose.PRIMARY,
) -> ReviewInfo:
    return ReviewInfo(
        urn,
        review_type,
        area,
        lawyer_name,
        completed_at,
        due_at,
        tz.key,
        purpose=str(purpose),
    )


def assignment_key(inspection_id: int, assignment_id: int) -> str:
    return f"assignment:{inspection_id}:{assignment_id}"


def assignment_message_of(session: Session, inspection_id: int) -> tuple[str, str] | None:
    """Where the current assignment's message landed in the inspector's DM (channel, ts),
    once delivered: a start from elsewhere (the App Home, the queue) updates it too."""
    current = inspections_repo.open_assignment(session, inspection_id)
    if current is None:
        return None
    return outbox.delivered(session, assignment_key(inspection_id, current.id))


def announce_assignment(
    session: Session,
    *,
    inspection_id: int,
    assignment_id: int,
    inspector_id: int,
    card_version: int,
    review: ReviewInfo,
    terms: AssignmentTerms,
) -> None:
    """The reminder rows and the inspector's message, in the assignment's transaction."""
    reminders.schedule_for_assignment(
        session,
        inspection_id=inspection_id,
        assigned_at=terms.now,
        due_at=terms.due_at,
        tz=terms.tz,
        holidays=terms.holidays,
        now=terms.now,
    )
    outbox.enqueue(
        session,
        dedupe_key=assignment_key(inspection_id, assignment_id),
        kind=ASSIGNMENT_KIND,
        recipient_person_id=inspector_id,
        payload=assignment_message(AssignmentCard(inspection_id, card_version, review)),
        now=terms.now,
    )


def assign_existing(
    session: Session,
    inspection: Inspection,
    *,
    pool: InspectorPool,
    exclude: Collection[int] = (),
    actor: str = audit.SYSTEM,
) -> int | None:
    """Assign a queued inspection; the inspector's id, or None when nobody is eligible."""
    terms = pool.terms
    review = inspection.case_review
    lawyer = review.lawyer
    facts = LawyerFacts(lawyer.id, lawyer.email, lawyer.area, lawyer.unit, lawyer.manager_id)
    choice = pool.choose(facts, key=review.identity_key, exclude=exclude)
    if choice is None:
        return None
    inspection.inspector_id = choice.person_id
    inspection.status = lifecycle.after(inspection.status, Action.ASSIGN)
    inspection.assigned_at = terms.now
    inspection.due_at = terms.due_at
    inspection.updated_at = terms.now
    assignment = Assignment(
        inspection_id=inspection.id, inspector_id=choice.person_id, assigned_at=terms.now
    )
    session.add(assignment)
    session.flush()  # the assignment's id, and the inspection's new lock_version
    pool.take(choice.person_id)
    info = review_info(
        urn=review.urn,
        review_type=review.review_type,
        area=review.area,
        lawyer_name=lawyer.name,
        completed_at=review.completed_at,
        due_at=terms.due_at,
        tz=terms.tz,
        purpose=inspection.purpose,
    )
    announce_assignment(
        session,
        inspection_id=inspection.id,
        assignment_id=assignment.id,
        inspector_id=choice.person_id,
        card_version=inspection.lock_version,
        review=info,
        terms=terms,
    )
    audit.record_many(session, [assigned_entry(inspection.id, assignment.id, choice, terms, actor)])
    return choice.person_id


def assigned_entry(
    inspection_id: int,
    assignment_id: int,
    inspector: InspectorCandidate,
    terms: AssignmentTerms,
    actor: str = audit.SYSTEM,
) -> dict[str, Any]:
    return audit.entry(
        actor=actor,
        action="inspection.assigned",
        entity_type="inspection",
        entity_id=inspection_id,
        details={
            "assignment_id": assignment_id,
            "inspector_id": inspector.person_id,
            "inspector_email": inspector.email,
            "open_before": inspector.open_count,
            "due_at": terms.due_at.isoformat(),
        },
        now=terms.now,
    )


def queued_entry(inspection_id: int, reason: str, now: datetime) -> dict[str, Any]:
    return audit.entry(
        actor=audit.SYSTEM,
        action="inspection.queued",
        entity_type="inspection",
        entity_id=inspection_id,
        details={"reason": reason},
        now=now,
    )


@dataclass(frozen=True)
class RetryOutcome:
    assigned: int
    still_queued: int


def retry_queued_assignments(
    uow: UnitOfWork, *, now: datetime, settings: Settings, limit: int | None = None
) -> RetryOutcome:
    """Assign queued inspections, oldest first, to whoever has become eligible; commits.

    Idempotent: an inspection nobody can take stays queued without a new alert (its admins
    heard when it was queued).
    """
    with uow:
        session = uow.session
        inspections_repo.lock_assignments(session)
        waiting = inspections_repo.queued(session, limit)
        if not waiting:
            return RetryOutcome(0, 0)
        pool = InspectorPool.load(session, AssignmentTerms.at(now, settings))
        declined = inspections_repo.not_to_be_given_to(session, [i.id for i in waiting])
        assigned = 0
        for inspection in waiting:
            if not pool.has_room():
                break  # everyone is at capacity or away: the rest wait for the next run
            if assign_existing(
                session, inspection, pool=pool, exclude=declined.get(inspection.id, ())
            ):
                assigned += 1
        uow.commit()
        return RetryOutcome(assigned, len(waiting) - assigned)
