"""A calibration exercise's results: when all have submitted, or the due time has passed,
the leads get every inspector's marks by name and each inspector the spread, the consensus and
their own marks only (inspections.calibration). The markings not submitted by then are closed,
their inspectors told; an exercise nobody submitted is reported as closed with no markings.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.assignment import reminders
from bot.services.inspection.state import ReviewSummary, load_state
from bot.slack.blocks.calibration import (
    CalibrationLine,
    CalibrationResults,
    calibration_closed_message,
    calibration_results_message,
    calibration_unmarked_message,
)
from inspections import calibration as rules
from inspections.agreement import agreement, marking_of
from inspections.lifecycle import Status
from questionnaires.model import Questionnaire
from storage import audit, calibration_repo, inspections_repo, outbox, people_repo
from storage.models import Calibration, CaseReview, Inspection, Person
from storage.uow import UnitOfWork


def on_submitted(session: Session, *, inspection_id: int, now: datetime) -> None:
    """Call from a calibration inspection's submission: the results, once all are in."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or inspection.calibration_id is None:
        return
    exercise = session.get(Calibration, inspection.calibration_id)
    if exercise is not None and exercise.reported_at is None:
        _report_if_complete(session, exercise, now=now)


def send_due_results(uow: UnitOfWork, *, now: datetime) -> int:
    """The periodic job: exercises past their due time, reported with what was submitted.
    The number reported; commits."""
    with uow:
        reported = 0
        for exercise in calibration_repo.unreported_due(uow.session, now):
            reported += _report_if_complete(uow.session, exercise, now=now)
        uow.commit()
        return reported


@dataclass(frozen=True)
class Marked:
    """An exercise's submitted markings: each inspection's marks on scale questions."""

    questionnaire: Questionnaire
    review: ReviewSummary
    submitted: tuple[Inspection, ...]
    people: dict[int, Person | None]  # inspection id -> its inspector
    marks: dict[int, dict[str, str]]  # inspection id -> question id -> option code
    results: tuple[rules.QuestionResult, ...]


def marked(session: Session, exercise_id: int) -> Marked | None:
    """None before anyone has submitted."""
    submitted = tuple(
        m
        for m in calibration_repo.markings_of(session, exercise_id)
        if m.status == Status.SUBMITTED
    )
    if not submitted:
        return None
    states = {m.id: load_state(session, m.id) for m in submitted}
    questionnaire = states[submitted[0].id].questionnaire
    scale_ids = [q.id for q in questionnaire.questions if q.scale_id is not None]
    marks = {
        m.id: {
            q: a.option_code
            for q, a in states[m.id].answers.items()
            if q in scale_ids and a.option_code is not None
        }
        for m in submitted
    }
    return Marked(
        questionnaire=questionnaire,
        review=states[submitted[0].id].review,
        submitted=submitted,
        people={m.id: session.get(Person, m.inspector_id) for m in submitted},
        marks=marks,
        results=rules.question_results(marks, order=scale_ids),
    )


def _report_if_complete(session: Session, exercise: Calibration, *, now: datetime) -> bool:
    markings = calibration_repo.markings_of(session, exercise.id)
    statuses = [m.status for m in markings]
    if not rules.is_complete(statuses, due_at=exercise.due_at, now=now):
        return False
    closed = _close_open(session, exercise, markings, now=now)
    found = marked(session, exercise.id)
    if found is None:  # the due time passed with nobody submitted
        _report_unmarked(session, exercise, asked=len(markings), closed=closed, now=now)
        return True
    submitted, people, marks = found.submitted, found.people, found.marks
    questionnaire, results = found.questionnaire, found.results
    pooled = agreement(
        [
            marking_of(
                questionnaire,
                review=exercise.id,
                inspector=str(m.id),
                option_codes=marks[m.id],
                score=m.score,
            )
            for m in submitted
        ],
        resamples=0,
    )
    labels = {q.id: q.short_label for q in questionnaire.questions}
    review = found.review

    def label(question_id: str, code: str) -> str:
        option = questionnaire.option_for(questionnaire.question(question_id), code)
        return option.label if option is not None else code

    def lines(only: int | None) -> tuple[CalibrationLine, ...]:
        """Every inspector's marks (only=None, for the leads), or one inspection's."""
        return tuple(
            CalibrationLine(
                question=labels[r.question_id],
                spread=tuple((label(r.question_id, code), n) for code, n in r.spread),
                consensus=label(r.question_id, r.consensus) if r.consensus else None,
                agreeing=r.agreeing,
                marked=r.marked,
                marks=tuple(
                    (_name(people[m.id]), label(r.question_id, marks[m.id][r.question_id]))
                    for m in submitted
                    if r.question_id in marks[m.id] and only in (None, m.id)
                ),
            )
            for r in results
        )

    whole = CalibrationResults(
        urn=review.urn,
        review_type=review.review_type,
        submitted=len(submitted),
        asked=len(markings),
        nominal=pooled.nominal.value,
        ordinal=pooled.ordinal.value,
        lines=lines(None),
        calibration_id=exercise.id,
    )
    markers = {m.inspector_id for m in submitted if m.inspector_id is not None}
    for lead_id in people_repo.active_admin_ids(session):
        outbox.enqueue(
            session,
            dedupe_key=f"calibration:{exercise.id}:lead:{lead_id}",
            kind="calibration_results",
            recipient_person_id=lead_id,
            payload=calibration_results_message(whole),
            now=now,
        )
    for m in submitted:
        mine = dataclasses.replace(whole, lines=lines(m.id), own=True)
        if m.inspector_id is not None:
            outbox.enqueue(
                session,
                dedupe_key=f"calibration:{exercise.id}:inspector:{m.inspector_id}",
                kind="calibration_results",
                recipient_person_id=m.inspector_id,
                payload=calibration_results_message(mine),
                now=now,
            )
    exercise.reported_at = now
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="calibration.reported",
        entity_type="calibration",
        entity_id=exercise.id,
        details={
            "submitted": [m.id for m in submitted],
            "asked": len(markings),
            "questions": {r.question_id: dict(r.spread) for r in results},
            "alpha_nominal": pooled.nominal.value,
            "alpha_ordinal": pooled.ordinal.value,
            "sent_to_inspectors": sorted(markers),
            "closed": closed,
        },
        now=now,
    )
    return True


def _close_open(
    session: Session, exercise: Calibration, markings: list[Inspection], *, now: datetime
) -> list[int]:
    """Closes the markings not submitted when the exercise is reported (rules.closes): each is
    taken from its inspector for good, who is told once; the ids closed."""
    review = session.get(CaseReview, exercise.case_review_id)
    assert review is not None  # foreign key
    closed = []
    for inspection in markings:
        if not rules.closes(inspection.status):
            continue
        inspector_id = inspection.inspector_id
        current = inspections_repo.open_assignment(session, inspection.id)
        if current is not None:
            current.ended_at = now
            current.end_reason = "calibration_closed"
        reminders.cancel_for_inspection(session, inspection_id=inspection.id, now=now)
        # Withdrawn is not open: the card's every click is refused (the version moves on too);
        # the inspector it was with stays on record.
        inspection.status = Status.WITHDRAWN
        inspection.due_at = None
        inspection.updated_at = now
        if inspector_id is not None:
            outbox.enqueue(
                session,
                dedupe_key=f"calibration:{exercise.id}:closed:{inspector_id}",
                kind="calibration_closed",
                recipient_person_id=inspector_id,
                payload=calibration_closed_message(urn=review.urn, review_type=review.review_type),
                now=now,
            )
        audit.record(
            session,
            actor=audit.SYSTEM,
            action="calibration.marking_closed",
            entity_type="inspection",
            entity_id=inspection.id,
            details={"calibration_id": exercise.id, "inspector_id": inspector_id},
            now=now,
        )
        closed.append(inspection.id)
    session.flush()
    return closed


def _report_unmarked(
    session: Session, exercise: Calibration, *, asked: int, closed: list[int], now: datetime
) -> None:
    """The due time passed with nobody submitted: closed with no markings, the leads told once;
    reported, so the job never examines it again."""
    review = session.get(CaseReview, exercise.case_review_id)
    assert review is not None  # foreign key
    payload = calibration_unmarked_message(
        urn=review.urn, review_type=review.review_type, asked=asked
    )
    for lead_id in people_repo.active_admin_ids(session):
        outbox.enqueue(
            session,
            dedupe_key=f"calibration:{exercise.id}:lead:{lead_id}",
            kind="calibration_closed",
            recipient_person_id=lead_id,
            payload=payload,
            now=now,
        )
    exercise.reported_at = now
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="calibration.reported",
        entity_type="calibration",
        entity_id=exercise.id,
        details={"submitted": [], "asked": asked, "closed": closed},
        now=now,
    )


def _name(person: Person | None) -> str:
    return person.name if person is not None else "an inspector"
