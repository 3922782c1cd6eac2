"""A calibration exercise's results: when all have submitted, or the due time has passed,
the leads get every inspector's marks by name and each inspector the spread, the consensus and
their own marks only (inspections.calibration).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.inspection.state import ReviewSummary, load_state
from bot.slack.blocks.calibration import (
    CalibrationLine,
    CalibrationResults,
    calibration_results_message,
)
from inspections import calibration as rules
from inspections.agreement import agreement, marking_of
from inspections.lifecycle import Status
from questionnaires.model import Questionnaire
from storage import audit, calibration_repo, outbox, people_repo
from storage.models import Calibration, Inspection, Person
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
    found = marked(session, exercise.id)
    assert found is not None  # complete: someone has submitted
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
        },
        now=now,
    )
    return True


def _name(person: Person | None) -> str:
    return person.name if person is not None else "an inspector"
