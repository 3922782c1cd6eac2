"""The lawyer's challenge to marks and the independent decision on each.

Raising a challenge writes one Challenge row per mark, one decision message per mark to each
inspection lead (never to the inspector who gave the marks, who is asked for a comment
instead: bot.services.feedback.challenge_deciders) and a note to each lead, in one
transaction. Deciding a mark records the decision; amending it also stores the new answer (a
new revision), works the score out again and rewrites the feedback. Once every challenged mark
is decided, the lawyer, their line manager, the leads and the marking inspector are told the
outcome, once each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import refusals
from bot.refusals import InvalidInput
from bot.services.feedback import challenge_deciders, challenge_outcomes
from bot.services.feedback.documents import card_of, own_feedback, refuse
from bot.services.inspection.state import FlowState, load_state
from bot.slack.blocks.feedback import FeedbackCard
from bot.slack.blocks.feedback_challenges import ChallengeForm, DecisionCard, lead_note
from inspections import challenges as rules
from storage import audit, feedback_repo, outbox, people_repo
from storage.models import Challenge, Feedback, Inspection, Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class DecisionForm:
    card: DecisionCard
    options: tuple[tuple[str, str], ...]  # (code, label) the mark may be amended to


def challenge_form(
    uow: UnitOfWork, *, actor_slack_id: str, feedback_id: int, now: datetime
) -> ChallengeForm:
    with uow:
        feedback, person = own_feedback(
            uow.session,
            actor_slack_id=actor_slack_id,
            feedback_id=feedback_id,
            action="challenge.open",
            now=now,
        )
        if feedback_repo.challenges_of(uow.session, feedback.id):
            raise refuse(
                uow.session,
                actor=person.email,
                action="challenge.open",
                feedback_id=feedback.id,
                reason=refusals.ALREADY_CHALLENGED,
                now=now,
            )
        state = load_state(uow.session, feedback.inspection_id)
        return ChallengeForm(feedback.id, state.review.urn, challenge_outcomes.choices(state))


def raise_challenge(
    uow: UnitOfWork,
    *,
    actor_slack_id: str,
    feedback_id: int,
    question_ids: Sequence[str],
    reason: str | None,
    now: datetime,
    timezone: str,
) -> FeedbackCard:
    """A resubmission of the same challenge changes nothing; a second, different one is refused."""
    with uow:
        session = uow.session
        feedback, lawyer = own_feedback(
            session,
            actor_slack_id=actor_slack_id,
            feedback_id=feedback_id,
            action="challenge.raise",
            now=now,
        )
        existing = feedback_repo.challenges_of(session, feedback.id)
        if existing and {c.question_id for c in existing} == set(question_ids):
            return card_of(session, feedback, timezone=timezone)
        if existing:
            raise refuse(
                session,
                actor=lawyer.email,
                action="challenge.raise",
                feedback_id=feedback.id,
                reason=refusals.ALREADY_CHALLENGED,
                now=now,
            )
        state = load_state(session, feedback.inspection_id)
        problems = rules.check_challenge(
            state.questionnaire,
            review_type=state.review.subject,
            answers=state.answers,
            question_ids=list(question_ids),
            reason=reason,
        )
        if problems:
            raise InvalidInput(list(problems))
        assert reason is not None  # check_challenge refuses a missing reason
        rows = [
            Challenge(
                feedback_id=feedback.id,
                question_id=question_id,
                reason=reason.strip(),
                status=rules.OPEN,
                raised_by=lawyer.id,
                raised_at=now,
            )
            for question_id in question_ids
        ]
        session.add_all(rows)
        session.flush()
        _send_challenge(session, state, feedback, rows, lawyer=lawyer, now=now)
        card = card_of(session, feedback, timezone=timezone)
        uow.commit()
        return card


def _send_challenge(
    session: Session,
    state: FlowState,
    feedback: Feedback,
    rows: list[Challenge],
    *,
    lawyer: Person,
    now: datetime,
) -> None:
    inspection = session.get(Inspection, feedback.inspection_id)
    inspector = inspection.inspector if inspection is not None else None
    chosen = {row.question_id for row in rows}
    form = ChallengeForm(
        feedback.id,
        state.review.urn,
        tuple(c for c in challenge_outcomes.choices(state) if c.question_id in chosen),
    )
    note = lead_note(
        form,
        lawyer_name=lawyer.name,
        inspector_name=inspector.name if inspector is not None else "nobody",
        reason=rows[0].reason,
    )
    leads = people_repo.active_admin_ids(session)
    for lead_id in leads:
        outbox.enqueue(
            session,
            dedupe_key=f"challenge:{feedback.id}:lead:{lead_id}",
            kind="challenge_raised",
            recipient_person_id=lead_id,
            payload=note,
            now=now,
        )
    sent = challenge_deciders.send_to_deciders(session, state, feedback, rows, form, now=now)
    audit.record(
        session,
        actor=lawyer.email,
        action="challenge.raised",
        entity_type="feedback",
        entity_id=feedback.id,
        details={
            "inspection_id": feedback.inspection_id,
            "challenge_ids": [row.id for row in rows],
            "question_ids": [row.question_id for row in rows],
            "inspector_id": inspector.id if inspector is not None else None,
            "lead_ids": leads,
            **sent,
        },
        now=now,
    )


def decision_form(
    uow: UnitOfWork, *, actor_slack_id: str, challenge_id: int, now: datetime
) -> DecisionForm:
    with uow:
        challenge, _, state = challenge_deciders.for_decider(
            uow.session, actor_slack_id, challenge_id, "challenge.decide", now
        )
        card = challenge_outcomes.decision_card(uow.session, challenge, state)
        question = state.questionnaire.question(challenge.question_id)
        current = state.answers.get(question.id)
        options = rules.amendment_options(
            state.questionnaire, question, current.option_code if current else None
        )
        return DecisionForm(card, tuple((o.code, o.label) for o in options))


def decide(
    uow: UnitOfWork,
    *,
    actor_slack_id: str,
    challenge_id: int,
    decision: str,
    option_code: str | None,
    reason: str | None,
    now: datetime,
) -> DecisionCard:
    """The decision message as it now stands. Deciding twice keeps the first decision."""
    with uow:
        session = uow.session
        challenge, decider, state = challenge_deciders.for_decider(
            session, actor_slack_id, challenge_id, "challenge.decide", now
        )
        if challenge.status != rules.OPEN:
            return challenge_outcomes.decision_card(session, challenge, state)
        problems = rules.check_decision(decision, reason)
        if decision == rules.AMENDED and option_code is None:
            problems.insert(0, "Choose the new mark.")
        if problems:
            raise InvalidInput(list(problems))
        assert reason is not None  # check_decision refuses a missing reason
        if decision == rules.AMENDED:
            try:
                amendment = rules.Amendment(challenge.question_id, option_code or "", reason)
                state = challenge_outcomes.amend(
                    session, state, challenge, amendment, decider=decider, now=now
                )
            except rules.ChallengeRefused as refused:
                raise InvalidInput(list(refused.problems)) from None
        challenge.status = decision
        challenge.outcome_reason = reason.strip()
        challenge.decided_by = decider.id
        challenge.decided_at = now
        session.flush()
        challenge_outcomes.after_decision(session, challenge, state, decider=decider, now=now)
        card = challenge_outcomes.decision_card(session, challenge, state)
        uow.commit()
        return card
