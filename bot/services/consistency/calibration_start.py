"""Starting a calibration exercise: the inspection lead gives one review to several
inspectors, who each mark it blind as a calibration inspection (no feedback, no alerts, not in
trends); bot.services.consistency.calibration_results sends the results.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot import refusals
from bot.refusals import Refused
from bot.services.assignment.assign import announce_assignment, review_info
from bot.services.assignment.pool import AssignmentTerms
from bot.services.inspection.versions import current_review_questionnaire
from bot.services.people.requester import requester
from bot.settings import Settings
from inspections import calibration as rules
from inspections.assignment import InspectorCandidate, LawyerFacts, ineligibility_reason
from inspections.lifecycle import Purpose, Status
from inspections.periods import BadPeriod, local_midnight, parse_day
from storage import audit, calibration_repo, people_repo
from storage.models import Assignment, Calibration, Inspection, Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Started:
    calibration_id: int
    urn: str
    inspectors: tuple[str, ...]  # names
    due_at: datetime


def start_calibration(
    uow: UnitOfWork,
    *,
    urn: str,
    review_type: str,
    inspector_emails: Sequence[str] | None,
    due: date | None,
    now: datetime,
    settings: Settings,
    actor: str | None = None,
    slack_user_id: str | None = None,
) -> Started:
    """Start an exercise on the latest review with this URN and type: the inspectors named,
    or every active, independent inspector who has not marked it. From Slack only an
    inspection lead may (`slack_user_id`); the command line passes its `actor`. Commits."""
    with uow:
        session = uow.session
        if slack_user_id is not None:
            lead = requester(session, slack_user_id, action="calibration.start", now=now)
            if lead.id not in people_repo.active_admin_ids(session):
                _refuse(session, lead.email, refusals.ONLY_A_LEAD_CALIBRATES, now)
            actor = lead.email
        actor = actor or audit.SYSTEM
        review = calibration_repo.latest_review(session, urn=urn, review_type=review_type)
        if review is None:
            raise Refused(refusals.no_such_review(urn, review_type))
        inspectors = _inspectors(session, review.id, review.lawyer, inspector_emails)
        problems = rules.check_inspectors(len(inspectors))
        if problems:
            raise Refused(" ".join(problems))
        terms = AssignmentTerms.at(now, settings)
        if due is not None:
            terms = dataclasses.replace(terms, due_at=local_midnight(due + timedelta(1), terms.tz))
            if terms.due_at <= now:
                raise Refused(refusals.CALIBRATION_DUE_PASSED)
        exercise = Calibration(
            case_review_id=review.id, started_by=actor, due_at=terms.due_at, created_at=now
        )
        session.add(exercise)
        session.flush()
        version_id = current_review_questionnaire(session, now=now).id
        slot = calibration_repo.last_slot(session, review.id)
        created = []
        for number, inspector in enumerate(inspectors, start=slot + 1):
            inspection = Inspection(
                case_review_id=review.id,
                purpose=Purpose.CALIBRATION,
                slot=number,
                calibration_id=exercise.id,
                questionnaire_version_id=version_id,
                inspector_id=inspector.id,
                status=Status.ASSIGNED,
                due_at=terms.due_at,
                assigned_at=now,
                created_at=now,
                updated_at=now,
            )
            session.add(inspection)
            session.flush()
            assignment = Assignment(
                inspection_id=inspection.id, inspector_id=inspector.id, assigned_at=now
            )
            session.add(assignment)
            session.flush()
            info = review_info(
                urn=review.urn,
                review_type=review.review_type,
                area=review.area,
                lawyer_name=review.lawyer.name,
                completed_at=review.completed_at,
                due_at=terms.due_at,
                tz=terms.tz,
                purpose=Purpose.CALIBRATION,
            )
            announce_assignment(
                session,
                inspection_id=inspection.id,
                assignment_id=assignment.id,
                inspector_id=inspector.id,
                card_version=inspection.lock_version,
                review=info,
                terms=terms,
            )
            created.append(inspection.id)
        audit.record(
            session,
            actor=actor,
            action="calibration.started",
            entity_type="calibration",
            entity_id=exercise.id,
            details={
                "case_review_id": review.id,
                "inspection_ids": created,
                "inspector_ids": [i.id for i in inspectors],
                "due_at": terms.due_at.isoformat(),
            },
            now=now,
        )
        uow.commit()
        return Started(exercise.id, review.urn, tuple(i.name for i in inspectors), terms.due_at)


def _refuse(session: Session, actor: str, reason: str, now: datetime) -> None:
    audit.record(
        session,
        actor=actor,
        action="refused:calibration.start",
        entity_type="calibration",
        entity_id="new",
        details={"reason": reason},
        now=now,
    )
    session.commit()
    raise Refused(reason)


def _inspectors(
    session: Session, review_id: int, lawyer: Person, emails: Sequence[str] | None
) -> list[Person]:
    """Active inspectors independent of the lawyer (not them, not their line manager, not in
    their unit) who have not marked the review; those named must all be so."""
    marked = calibration_repo.markers_of(session, review_id)
    facts = LawyerFacts(lawyer.id, lawyer.email, lawyer.area, lawyer.unit, lawyer.manager_id)

    def why_not(person: Person | None) -> str | None:
        if person is None or not person.active or "inspector" not in person.roles:
            return "is not an active inspector"
        if person.id in marked:
            return "has marked this review already, so cannot mark it blind"
        candidate = InspectorCandidate(
            person.id, person.email, person.area, person.unit, True, False, 0
        )
        return ineligibility_reason(candidate, facts, independence="unit", capacity=1)

    if emails is None:
        everyone = calibration_repo.inspectors(session)
        return [p for p in everyone if why_not(p) is None]
    found = []
    problems = []
    for email in emails:
        person = people_repo.find_by_email(session, email.strip().lower())
        reason = why_not(person)
        if reason is not None:
            problems.append(f"{email} {reason}.")
        elif person is not None and person not in found:
            found.append(person)
    if problems:
        raise Refused(" ".join(problems))
    return found


@dataclass(frozen=True)
class CalibrateRequest:
    urn: str
    review_type: str
    emails: tuple[str, ...] | None
    due: date | None


REVIEW_TYPE_WORDS = {
    "ea": "early_advice",
    "early_advice": "early_advice",
    "pcd": "pre_charge_decision",
    "pre_charge_decision": "pre_charge_decision",
}


def parse_calibrate(arguments: str) -> CalibrateRequest:
    """`URN ea|pcd [EMAIL,EMAIL,…] [YYYY-MM-DD]`; Refused with the usage otherwise."""
    words = arguments.split()
    if len(words) < 2 or words[1].lower() not in REVIEW_TYPE_WORDS or len(words) > 4:
        raise Refused(refusals.CALIBRATE_USAGE)
    emails: tuple[str, ...] | None = None
    due = None
    for word in words[2:]:
        if "@" in word:
            emails = tuple(e for e in word.split(",") if e)
        else:
            try:
                due = parse_day(word)
            except BadPeriod:
                raise Refused(refusals.CALIBRATE_USAGE) from None
    return CalibrateRequest(words[0], REVIEW_TYPE_WORDS[words[1].lower()], emails, due)
