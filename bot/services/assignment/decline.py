"""Declining an assignment: the inspector hands it back with a reason, and it goes to someone
else eligible (never back to anyone who declined it) or waits in the queue with the admins
alerted, in one transaction."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot import refusals
from bot.refusals import NotInDirectory, Refused
from bot.services.assignment import reminders
from bot.services.assignment.assign import assign_existing, queued_entry, review_info
from bot.services.assignment.pool import AssignmentTerms, InspectorPool
from bot.services.assignment.waiting_alerts import Waiting, alert_admins
from bot.settings import Settings
from inspections import lifecycle
from inspections.assignment import LawyerFacts
from inspections.lifecycle import Action, Purpose
from storage import audit, inspections_repo, people_repo
from storage.models import Inspection, Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class DeclineOutcome:
    inspection_id: int
    status: str  # Status.ASSIGNED (to someone else) or Status.QUEUED
    new_inspector_id: int | None
    repeated: bool = False  # this inspector had declined already: nothing changed


def decline_inspection(
    uow: UnitOfWork,
    *,
    inspection_id: int,
    inspector: str | int,
    reason: str,
    now: datetime,
    settings: Settings,
) -> DeclineOutcome:
    """The assigned inspector (a Slack user id or a person id) hands the inspection back with
    a reason; it goes to someone else eligible, never back to anyone who declined it, or waits
    in the queue with the admins alerted. Commits. A repeated decline changes nothing.
    Someone outside the directory: NotInDirectory; anyone else who may not: Refused."""
    with uow:
        reason = reason.strip()
        if not reason:
            raise ValueError("a reason is required to decline an inspection")
        session = uow.session
        inspections_repo.lock_assignments(session)
        person = _person(session, inspector)
        inspection = session.get(Inspection, inspection_id)
        if person is None:
            raise NotInDirectory(str(inspector))
        if inspection is None:
            raise Refused(refusals.NOT_ASSIGNED_TO_YOU)
        if inspection.inspector_id != person.id:
            latest = inspections_repo.latest_assignment_of(session, inspection_id, person.id)
            if latest is not None and latest.end_reason == "declined":
                return DeclineOutcome(
                    inspection_id, inspection.status, inspection.inspector_id, repeated=True
                )
            raise Refused(refusals.NOT_ASSIGNED_TO_YOU)
        if not lifecycle.allows(inspection.status, Action.DECLINE):
            raise Refused(refusals.ALREADY_STARTED)
        current = inspections_repo.open_assignment(session, inspection_id)
        if current is not None:
            current.ended_at = now
            current.end_reason = "declined"
            current.decline_reason = reason
        reminders.cancel_for_inspection(session, inspection_id=inspection_id, now=now)
        inspection.inspector_id = None
        inspection.status = lifecycle.after(inspection.status, Action.DECLINE)
        inspection.assigned_at = None
        inspection.due_at = None
        inspection.updated_at = now
        audit.record(
            session,
            actor=person.email,
            action="inspection.declined",
            entity_type="inspection",
            entity_id=inspection_id,
            details={"inspector_id": person.id, "reason": reason},
            now=now,
        )
        try:
            session.flush()
            terms = AssignmentTerms.at(now, settings)
            pool = InspectorPool.load(session, terms)
            exclude = inspections_repo.not_to_be_given_to(session, [inspection_id]).get(
                inspection_id, set()
            )
            new_inspector = assign_existing(session, inspection, pool=pool, exclude=exclude)
            if new_inspector is None:
                _queue_with_alert(session, inspection, pool=pool, exclude=exclude)
            uow.commit()
        except StaleDataError as concurrent:  # a click on the same card at the same moment
            raise Refused(refusals.CHANGED_MEANWHILE) from concurrent
        return DeclineOutcome(inspection_id, inspection.status, new_inspector)


def _queue_with_alert(
    session: Session, inspection: Inspection, *, pool: InspectorPool, exclude: Collection[int]
) -> None:
    review = inspection.case_review
    lawyer = review.lawyer
    facts = LawyerFacts(lawyer.id, lawyer.email, lawyer.area, lawyer.unit, lawyer.manager_id)
    reason = pool.why_nobody(facts, exclude=exclude)
    if inspection.purpose != Purpose.PRIMARY:
        # A second marking waits quietly for the queue's retries: it is not the live case.
        audit.record_many(session, [queued_entry(inspection.id, reason, pool.terms.now)])
        return
    info = review_info(
        urn=review.urn,
        review_type=review.review_type,
        area=review.area,
        lawyer_name=lawyer.name,
        completed_at=review.completed_at,
        due_at=None,
        tz=pool.terms.tz,
    )
    alert_admins(
        session,
        waiting=Waiting(inspection.id, info, reason),
        round_=inspections_repo.assignment_count(session, inspection.id),
        admin_ids=people_repo.active_admin_ids(session),
        now=pool.terms.now,
    )
    audit.record_many(session, [queued_entry(inspection.id, reason, pool.terms.now)])


def _person(session: Session, inspector: str | int) -> Person | None:
    if isinstance(inspector, int):
        return session.get(Person, inspector)
    return people_repo.find_by_slack_id(session, inspector)
