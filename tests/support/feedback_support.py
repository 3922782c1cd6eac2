"""Inspections answered and submitted through the service layer, for tests that need many
submitted inspections (or one for another lawyer) without a conversation each."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import select

from bot.services.inspection import flow
from bot.services.inspection.state import SUMMARY, questionnaire_of
from bot.services.inspection.versions import current_review_questionnaire
from inspections.answers import Answer
from inspections.runtime import next_question
from questionnaires.model import QuestionKind, Questionnaire, Subject
from storage.models import Answer as AnswerRow
from storage.models import AnswerRevision, CaseReview, Inspection, Person
from storage.uow import UnitOfWork

REVIEW_TYPE = "pre_charge_decision"
OUTCOME = "charge"
LEARNING = "Keep the rationale for each action-plan task on the file."


def answers_for(
    questionnaire: Questionnaire, marks: Mapping[str, tuple[str, str | None]]
) -> dict[str, Answer]:
    """Fully met, No to every gate and a learning point, except the marks given (code, reason)."""
    given: dict[str, Answer] = {}
    subject = Subject(REVIEW_TYPE, OUTCOME)
    while question := next_question(questionnaire, review_type=subject, answers=given):
        if question.id in marks:
            code, reason = marks[question.id]
            given[question.id] = Answer(question.id, code, reason=reason)
        elif question.kind is QuestionKind.FREE_TEXT:
            given[question.id] = Answer(question.id, text=LEARNING)
        elif question.kind is QuestionKind.YES_NO:
            given[question.id] = Answer(question.id, "no")
        else:
            given[question.id] = Answer(question.id, "fully_met")
    return given


def submit_inspections(
    uow_factory: Callable[[], UnitOfWork],
    *,
    reviews: Sequence[tuple[str, str]],  # (lawyer email, URN)
    inspector_email: str,
    now: datetime,
    marks: Mapping[str, tuple[str, str | None]] | None = None,
) -> list[int]:
    """Seeds each review's inspection, fully answered by the inspector, then submits it with
    bot.services.inspection.flow.submit, as the Submit button does. The inspection ids."""
    with uow_factory() as uow:
        session = uow.session
        people = {p.email: p for p in session.scalars(select(Person))}
        inspector = people[inspector_email]
        version = current_review_questionnaire(session, now=now)
        given = answers_for(questionnaire_of(version), marks or {})
        inspections = []
        for lawyer_email, urn in reviews:
            lawyer = people[lawyer_email]
            review = CaseReview(
                urn=urn,
                review_type=REVIEW_TYPE,
                area=lawyer.area,
                unit=lawyer.unit,
                lawyer_id=lawyer.id,
                completed_at=now,
                action_plan_count=0,
                outcome=OUTCOME,
                source_id=f"test-{urn}",
                identity_key=f"test-{urn}",
                received_at=now,
            )
            inspection = Inspection(
                case_review=review,
                questionnaire_version_id=version.id,
                inspector_id=inspector.id,
                status="in_progress",
                assigned_at=now,
                started_at=now,
                due_at=now,
                current_question_id=SUMMARY,
                created_at=now,
                updated_at=now,
            )
            session.add(inspection)
            session.flush()
            for answer in given.values():
                row = AnswerRow(
                    inspection_id=inspection.id,
                    question_id=answer.question_id,
                    option_code=answer.option_code,
                    text=answer.text,
                    reason=answer.reason,
                    answered_by=inspector.id,
                    answered_at=now,
                    revision=1,
                )
                session.add(row)
                session.flush()
                session.add(
                    AnswerRevision(
                        answer_id=row.id,
                        inspection_id=inspection.id,
                        question_id=answer.question_id,
                        revision=1,
                        option_code=answer.option_code,
                        text=answer.text,
                        reason=answer.reason,
                        changed_by=inspector.id,
                        changed_at=now,
                    )
                )
            inspections.append((inspection.id, inspection.lock_version))
        slack_id = inspector.slack_user_id
        uow.commit()
    assert slack_id is not None
    for inspection_id, version_number in inspections:
        flow.submit(uow_factory(), flow.CardClick(slack_id, inspection_id, version_number, now))
    return [inspection_id for inspection_id, _ in inspections]
