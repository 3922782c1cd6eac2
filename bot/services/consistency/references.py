"""The lead's reference mark in a calibration exercise: once the results are out, an
inspection lead may set, for a question, the mark the review should have had, with a reason;
each inspector who marked it is told, beside their own mark. Setting it again replaces it and
tells them again. Audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import refusals
from bot.refusals import InvalidInput, Refused
from bot.services.consistency.calibration_results import marked
from bot.services.people.requester import requester
from bot.slack.blocks.calibration import ReferenceNote, reference_message
from inspections import calibration as rules
from storage import audit, outbox, people_repo
from storage.models import Calibration, Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class ReferenceForm:
    calibration_id: int
    urn: str
    questions: tuple[tuple[str, str], ...]  # (question id, short label) the inspectors marked
    marks: tuple[tuple[str, str], ...]  # (option code, label) on the exercise's scales


def _lead_exercise(
    session: Session, slack_user_id: str, calibration_id: int, now: datetime
) -> tuple[Person, Calibration]:
    """The exercise, when the requester is an inspection lead and its results are out."""
    person = requester(session, slack_user_id, action="calibration.reference", now=now)
    exercise = session.get(Calibration, calibration_id, with_for_update=True)
    reason = None
    if person.id not in people_repo.active_admin_ids(session):
        reason = refusals.ONLY_A_LEAD_SETS_REFERENCES
    elif exercise is None or exercise.reported_at is None:
        reason = refusals.CALIBRATION_NOT_REPORTED
    if reason is not None or exercise is None:
        audit.record(
            session,
            actor=person.email,
            action="refused:calibration.reference",
            entity_type="calibration",
            entity_id=calibration_id,
            details={"reason": reason},
            now=now,
        )
        session.commit()
        raise Refused(reason or refusals.CALIBRATION_NOT_REPORTED)
    return person, exercise


def reference_form(
    uow: UnitOfWork, *, slack_user_id: str, calibration_id: int, now: datetime
) -> ReferenceForm:
    with uow:
        session = uow.session
        _, exercise = _lead_exercise(session, slack_user_id, calibration_id, now)
        found = marked(session, exercise.id)
        assert found is not None  # reported: someone submitted
        questionnaire = found.questionnaire
        questions = tuple(
            (r.question_id, questionnaire.question(r.question_id).short_label)
            for r in found.results
        )
        marks: dict[str, str] = {}
        for question_id, _ in questions:
            for option in questionnaire.options_for(questionnaire.question(question_id)):
                marks.setdefault(option.code, option.label)
        return ReferenceForm(exercise.id, found.review.urn, questions, tuple(marks.items()))


def set_reference(
    uow: UnitOfWork,
    *,
    slack_user_id: str,
    calibration_id: int,
    question_id: str | None,
    option_code: str | None,
    reason: str | None,
    now: datetime,
) -> int:
    """Stores the reference mark and tells each inspector who marked the question; how many
    were told (none when the same mark and reason are set again). InvalidInput for a question,
    mark or reason that will not do. Commits."""
    with uow:
        session = uow.session
        lead, exercise = _lead_exercise(session, slack_user_id, calibration_id, now)
        found = marked(session, exercise.id)
        assert found is not None  # reported: someone submitted
        questionnaire = found.questionnaire
        question = (
            questionnaire.question(question_id)
            if question_id in {r.question_id for r in found.results}
            else None
        )
        options = {o.code: o.label for o in questionnaire.options_for(question)} if question else {}
        problems = rules.check_reference(
            found.results,
            question_id=question_id,
            option_code=option_code,
            options=options,
            reason=reason,
        )
        if problems or question is None or option_code is None or reason is None:
            raise InvalidInput(problems)
        references = dict(exercise.reference or {})
        current = references.get(question.id, {})
        if (current.get("option_code"), current.get("reason")) == (option_code, reason.strip()):
            return 0  # the same reference again (a modal sent twice): nothing changes, none told
        version = int(current.get("version", 0)) + 1
        references[question.id] = {
            "option_code": option_code,
            "reason": reason.strip(),
            "version": version,
            "set_by": lead.email,
        }
        exercise.reference = references
        told = 0
        for inspection in found.submitted:
            given = found.marks[inspection.id].get(question.id)
            if given is None or inspection.inspector_id is None:
                continue
            note = ReferenceNote(
                urn=found.review.urn,
                question=question.short_label,
                reference=options[option_code],
                reason=reason.strip(),
                yours=options.get(given, given),
            )
            outbox.enqueue(
                session,
                dedupe_key=(
                    f"calibration:{exercise.id}:reference:{question.id}:{version}:"
                    f"{inspection.inspector_id}"
                ),
                kind="calibration_reference",
                recipient_person_id=inspection.inspector_id,
                payload=reference_message(note),
                now=now,
            )
            told += 1
        audit.record(
            session,
            actor=lead.email,
            action="calibration.reference_set",
            entity_type="calibration",
            entity_id=exercise.id,
            details={
                "question_id": question.id,
                "option_code": option_code,
                "reason": reason.strip(),
                "version": version,
                "inspectors_told": told,
            },
            now=now,
        )
        uow.commit()
        return told
