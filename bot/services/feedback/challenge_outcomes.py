"""What deciding a challenged mark changes: the answer and score when amended, the feedback
document, and, once every mark is decided, the outcome messages.

Helpers of bot.services.feedback.challenges, run inside its transactions; nothing here commits.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.services.feedback import alerts
from bot.services.feedback.documents import compose_for
from bot.services.inspection.state import FlowState
from bot.slack.blocks.feedback_challenges import (
    Choice,
    DecisionCard,
    OutcomeCard,
    OutcomeRow,
    decision_message,
    outcome_copy,
    outcome_message,
)
from inspections import challenges as rules
from inspections.feedback import FeedbackDocument
from storage import (
    answers_repo,
    audit,
    feedback_repo,
    inspections_repo,
    outbox,
    people_repo,
    trend_flags,
    trend_rollup,
)
from storage.models import Challenge, Feedback, Inspection, Person


def choices(state: FlowState) -> tuple[Choice, ...]:
    questionnaire = state.questionnaire
    found = []
    for question in rules.challengeable(
        questionnaire, review_type=state.review.subject, answers=state.answers
    ):
        found.append(
            Choice(
                question_id=question.id,
                section_title=questionnaire.section(question.section_id).title,
                text=question.text,
                mark=label(state, question.id),
            )
        )
    return tuple(found)


def label(state: FlowState, question_id: str) -> str:
    """The label of the mark the question has now ("(no mark)" when it has none)."""
    question = state.questionnaire.question(question_id)
    given = state.answers.get(question_id)
    scale = state.questionnaire.scale_for(question)
    option = scale.option(given.option_code) if scale and given and given.option_code else None
    return option.label if option is not None else "(no mark)"


def decision_card(
    session: Session, challenge: Challenge, state: FlowState, *, lead_view: bool = True
) -> DecisionCard:
    """The decision message's view model; `lead_view` for a lead's copy (which can be passed
    to an inspector), not for the inspector a lead named."""
    feedback = session.get(Feedback, challenge.feedback_id)
    inspection = session.get(Inspection, state.inspection_id)
    assert feedback is not None and inspection is not None  # foreign keys
    document = FeedbackDocument.from_dict(feedback.content)
    was = next((m.was for m in document.marks if m.question_id == challenge.question_id), None)
    now_label = label(state, challenge.question_id)
    given = state.answers.get(challenge.question_id)
    amended = challenge.status == rules.AMENDED
    return DecisionCard(
        challenge_id=challenge.id,
        urn=state.review.urn,
        review_type=state.review.review_type,
        lawyer_name=state.review.lawyer_name,
        question=state.questionnaire.question(challenge.question_id).text,
        mark=was if amended and was else now_label,
        # Once amended, the stored reason is the amendment's: the original is in the history.
        inspector_reason=None if amended else (given.reason if given else None),
        lawyer_reason=challenge.reason,
        status=challenge.status,
        outcome_reason=challenge.outcome_reason,
        new_mark=now_label if amended else None,
        inspector_name=inspection.inspector.name if inspection.inspector else "the inspector",
        inspector_comment=challenge.inspector_comment,
        lead_view=lead_view,
        pass_only=lead_view
        and not rules.deciders(
            marking_inspector_id=inspection.inspector_id,
            lawyer_id=challenge.raised_by,
            lead_ids=people_repo.active_admin_ids(session),
            other_markers=inspections_repo.other_markers(session, inspection.id),
        ),
    )


def decision_payload(
    session: Session, challenge: Challenge, state: FlowState, *, lead_view: bool = True
) -> dict[str, Any]:
    return decision_message(decision_card(session, challenge, state, lead_view=lead_view))


def amend(
    session: Session,
    state: FlowState,
    challenge: Challenge,
    amendment: rules.Amendment,
    *,
    decider: Person,
    now: datetime,
) -> FlowState:
    """Stores the amended mark as a new revision, rescores, rewrites the feedback document;
    the state as it now stands."""
    questionnaire, review_type = state.questionnaire, state.review.subject
    replacement = rules.amended_answer(
        questionnaire, review_type=review_type, answers=state.answers, amendment=amendment
    )
    before = label(state, amendment.question_id)
    rollup_zone = trend_rollup.timezone(session)
    # Counted again below, as amended.
    trend_rollup.withdraw(session, state.inspection_id, zone=rollup_zone)
    inspection = session.get(Inspection, state.inspection_id)
    feedback = session.get(Feedback, challenge.feedback_id)
    assert inspection is not None and feedback is not None  # foreign keys
    answers_repo.record_answer(session, inspection, replacement, by=decider.id, now=now)
    question = questionnaire.question(amendment.question_id)
    # A safeguard amended to a passing mark resolves its alert (and the reverse raises one).
    alerts.on_answer_recorded(session, state=state, question=question, answer=replacement, now=now)
    answers, result = rules.rescored(
        questionnaire, review_type=review_type, answers=state.answers, replacements=[replacement]
    )
    score_before = inspection.score
    inspection.score = result.score
    inspection.marks_scored, inspection.marks_fully_met = result.scored_questions, result.fully_met
    inspection.updated_at = now
    previous = FeedbackDocument.from_dict(feedback.content)
    was = {m.question_id: m.was for m in previous.marks if m.was is not None}
    was.setdefault(amendment.question_id, before)
    first_score = previous.score if previous.original_score is None else previous.original_score
    new_state = dataclasses.replace(state, answers=answers, stored_score=result.score)
    # inspections.challenges refuses an amendment that changes which questions apply, so this
    # rewrites the same flags; stored anyway, so they follow the marks whatever that rule says.
    trend_flags.store_counted(session, state.inspection_id, {q.id for q in new_state.enabled})
    trend_rollup.add(session, state.inspection_id, zone=rollup_zone)
    document = compose_for(
        new_state,
        result,
        amended=was,
        original_score=first_score if first_score != result.score else None,
    )
    feedback.content = document.to_dict()
    audit.record(
        session,
        actor=decider.email,
        action="answer.amended_after_challenge",
        entity_type="inspection",
        entity_id=state.inspection_id,
        details={
            "challenge_id": challenge.id,
            "question_id": amendment.question_id,
            "from": state.answers[amendment.question_id].option_code,
            "to": replacement.option_code,
            "score_before": score_before,
            "score_after": result.score,
        },
        now=now,
    )
    return new_state


def after_decision(
    session: Session,
    challenge: Challenge,
    state: FlowState,
    *,
    decider: Person,
    now: datetime,
) -> None:
    """Audits the decision; once every challenged mark is decided, tells everyone the outcome."""
    audit.record(
        session,
        actor=decider.email,
        action=f"challenge.{challenge.status}",
        entity_type="feedback",
        entity_id=challenge.feedback_id,
        details={
            "challenge_id": challenge.id,
            "question_id": challenge.question_id,
            "reason": challenge.outcome_reason,
        },
        now=now,
    )
    siblings = feedback_repo.challenges_of(session, challenge.feedback_id)
    if not rules.all_decided([c.status for c in siblings]):
        return
    _tell_outcome(session, siblings, state, now=now)


def _tell_outcome(
    session: Session, decided: list[Challenge], state: FlowState, *, now: datetime
) -> None:
    feedback = session.get(Feedback, decided[0].feedback_id)
    assert feedback is not None  # a challenge's foreign key
    document = FeedbackDocument.from_dict(feedback.content)
    cards = [decision_card(session, c, state) for c in decided]
    card = OutcomeCard(
        urn=state.review.urn,
        review_type=state.review.review_type,
        lawyer_name=state.review.lawyer_name,
        rows=tuple(
            OutcomeRow(c.question, c.status, c.mark, c.new_mark, c.outcome_reason or "")
            for c in cards
        ),
        score_before=document.original_score
        if document.original_score is not None
        else document.score,
        score_after=document.score,
    )
    lawyer = session.get(Person, feedback.lawyer_id)
    recipients: list[tuple[str, int, dict[str, Any]]] = [
        ("lawyer", feedback.lawyer_id, outcome_message(card))
    ]
    if lawyer is not None and lawyer.manager_id is not None:
        recipients.append(("manager", lawyer.manager_id, outcome_copy(card)))
    for lead_id in people_repo.active_admin_ids(session):
        recipients.append((f"lead:{lead_id}", lead_id, outcome_copy(card)))
    inspection = session.get(Inspection, feedback.inspection_id)
    already = {person_id for _, person_id, _ in recipients}
    if inspection is not None and inspection.inspector_id not in (None, *already):
        # The inspector who gave the marks learns how their challenge was decided.
        recipients.append(("inspector", inspection.inspector_id or 0, outcome_copy(card)))
    written = []
    for role, person_id, payload in recipients:
        message = outbox.enqueue(
            session,
            dedupe_key=f"challenge-outcome:{feedback.id}:{role}",
            kind="challenge_outcome",
            recipient_person_id=person_id,
            payload=payload,
            now=now,
        )
        if message is not None:
            written.append(person_id)
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="challenge.outcome_sent",
        entity_type="feedback",
        entity_id=feedback.id,
        details={
            "challenge_ids": [c.id for c in decided],
            "score": document.score,
            "messages_to": written,
        },
        now=now,
    )
