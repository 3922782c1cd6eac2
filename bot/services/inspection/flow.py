"""The inspector's conversation: start, answer, go back, pause, resume, review, edit, submit.

Every function checks who is asking and which card they clicked (the rules of
`inspections.lifecycle`), commits its change, and returns the state to show next. A click on an
out-of-date card (a double click, a retried delivery, an old message) raises `Refused` and
changes nothing: the card's version is the inspection's `lock_version`, which every change
bumps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from bot import refusals
from bot.refusals import InvalidInput, NotInDirectory, Refused
from bot.services.assignment.reminders import cancel_for_inspection
from bot.services.consistency import calibration_results, double_marks
from bot.services.feedback import alerts
from bot.services.feedback import documents as feedback
from bot.services.inspection.state import STATE_LOADING, SUMMARY, FlowState, load_state
from inspections.answers import Answer
from inspections.feedback import OVERALL_MARK
from inspections.lifecycle import (
    Action,
    ActorProblem,
    Purpose,
    Status,
    actor_problem,
    after,
    card_problem,
    start_needs_current_card,
)
from inspections.overall import confirmation_needed, overall_mismatch
from inspections.runtime import is_complete, next_question, validate_answer
from inspections.scoring import score_inspection
from storage import answers_repo, audit, people_repo, trend_flags, trend_rollup
from storage.models import Inspection, Person
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class CardClick:
    """Who clicked which card of which inspection, and when."""

    actor_slack_id: str
    inspection_id: int
    card_version: int
    now: datetime
    timezone: str = "Europe/London"  # the deployment's zone, for dates in what is sent


def authorise(session: Session, click: CardClick, action: str) -> tuple[Inspection, Person]:
    """Only the assigned inspector may act; a refusal is audited even though nothing changes."""
    person = people_repo.find_by_slack_id(session, click.actor_slack_id, with_roles=False)
    # The inspection's row is locked until the commit, so two clicks on one card (a double
    # click, a retried delivery) take turns, and the second finds the card out of date. SQLite
    # has them take turns already (BEGIN IMMEDIATE); PostgreSQL needs FOR UPDATE.
    inspection = session.get(
        Inspection,
        click.inspection_id,
        options=STATE_LOADING,
        with_for_update={"of": Inspection},
    )
    problem = actor_problem(
        person.id if person else None, inspection.inspector_id if inspection else None
    )
    if problem is None:
        assert person is not None and inspection is not None  # both found, and they match
        return inspection, person
    audit.record(
        session,
        actor=person.email if person else click.actor_slack_id,
        action=f"refused:{action}",
        entity_type="inspection",
        entity_id=str(click.inspection_id),
        details={"reason": "unknown user" if person is None else problem.value},
        now=click.now,
    )
    session.commit()
    if problem is ActorProblem.NOT_IN_DIRECTORY:
        raise NotInDirectory(click.actor_slack_id)
    raise Refused(refusals.ACTOR_PROBLEMS[problem])


def _check_card(inspection: Inspection, click: CardClick) -> None:
    problem = card_problem(
        inspection.status,
        clicked_version=click.card_version,
        current_version=inspection.lock_version,
    )
    if problem is not None:
        raise Refused(refusals.CARD_PROBLEMS[problem])


def _commit(
    uow: UnitOfWork,
    inspection: Inspection,
    actor: Person,
    action: str,
    click: CardClick,
    details: dict[str, object] | None = None,
) -> FlowState:
    inspection.updated_at = click.now  # bumps lock_version: older cards become stale
    audit.record(
        uow.session,
        actor=actor.email,
        action=action,
        entity_type="inspection",
        entity_id=str(inspection.id),
        details=details or {},
        now=click.now,
    )
    try:
        # The state to show is read inside the transaction, after the flush has bumped the
        # card version: a read after the commit would begin (and on SQLite lock) once more.
        uow.session.flush()
        state = load_state(uow.session, inspection.id)
        uow.commit()
    except StaleDataError as concurrent:
        raise Refused(refusals.CHANGED_MEANWHILE) from concurrent
    return state


def _open(uow: UnitOfWork, click: CardClick, action: str) -> tuple[Inspection, Person, FlowState]:
    inspection, person = authorise(uow.session, click, action)
    _check_card(inspection, click)
    return inspection, person, load_state(uow.session, inspection.id)


def peek(uow: UnitOfWork, click: CardClick, action: str) -> FlowState:
    """The state behind a card, after the same checks as a change, changing nothing."""
    with uow:
        return _open(uow, click, action)[2]


def start(uow: UnitOfWork, click: CardClick) -> FlowState:
    """Start from the assignment message, or resume from a paused card or the queue."""
    with uow:
        inspection, person = authorise(uow.session, click, "start")
        if start_needs_current_card(inspection.status):
            _check_card(inspection, click)
        state = load_state(uow.session, inspection.id)
        if inspection.status == Status.ASSIGNED:
            inspection.started_at = click.now
        inspection.status = after(inspection.status, Action.START)
        if inspection.current_question_id is None:
            inspection.current_question_id = _next_or_summary(state, state.answers)
        return _commit(uow, inspection, person, "inspection.started", click)


def resume(uow: UnitOfWork, click: CardClick) -> FlowState:
    return start(uow, click)


def pause(uow: UnitOfWork, click: CardClick) -> FlowState:
    with uow:
        inspection, person, _ = _open(uow, click, "pause")
        inspection.status = after(inspection.status, Action.PAUSE)
        return _commit(uow, inspection, person, "inspection.paused", click)


@dataclass(frozen=True)
class ReasonNeeded:
    """The mark clicked needs a written reason: nothing was stored; the modal asks for it."""

    state: FlowState
    question_id: str
    option_code: str


def mark(
    uow: UnitOfWork, click: CardClick, question_id: str, option_code: str
) -> FlowState | ReasonNeeded:
    """A mark button on the card, in one transaction: recorded at once (keeping any comment
    already given), unless the mark needs a reason."""
    with uow:
        inspection, person, state = _open(uow, click, "answer")
        _check_current(inspection, question_id)
        question = state.questionnaire.question(question_id)
        option = state.questionnaire.option_for(question, option_code)
        if option is not None and option.reason_required:
            return ReasonNeeded(state, question_id, option_code)
        if question_id == OVERALL_MARK and overall_mismatch(
            state.questionnaire,
            review_type=state.review.subject,
            answers={**state.answers, question_id: Answer(question_id, option_code)},
        ):
            return ReasonNeeded(state, question_id, option_code)  # to confirm it
        previous = state.answers.get(question_id)
        given = Answer(
            question_id=question_id,
            option_code=option_code,
            comment=previous.comment if previous else None,
        )
        return _record(uow, inspection, person, state, given, click)


def answer(uow: UnitOfWork, click: CardClick, given: Answer) -> FlowState:
    """An answer from the modal: a mark with its reason or comment, or written text."""
    with uow:
        inspection, person, state = _open(uow, click, "answer")
        _check_current(inspection, given.question_id)
        return _record(uow, inspection, person, state, given, click)


def _check_current(inspection: Inspection, question_id: str) -> None:
    if question_id != inspection.current_question_id:
        raise Refused(refusals.NOT_THE_CURRENT_QUESTION)


def _record(
    uow: UnitOfWork,
    inspection: Inspection,
    person: Person,
    state: FlowState,
    given: Answer,
    click: CardClick,
) -> FlowState:
    question = state.questionnaire.question(given.question_id)
    problems = validate_answer(state.questionnaire, question=question, answer=given)
    if question.id == OVERALL_MARK:
        answers = {**state.answers, given.question_id: given}
        unconfirmed = confirmation_needed(
            state.questionnaire, review_type=state.review.subject, answers=answers
        )
        problems += [unconfirmed] if unconfirmed else []
    if problems:
        raise InvalidInput(problems)
    answers_repo.record_answer(uow.session, inspection, given, by=person.id, now=click.now)
    answers = {**state.answers, given.question_id: given}
    # Safeguard failures alert managers now, while the case is live, not at submit.
    alerts.on_answer_recorded(
        uow.session, state=state, question=question, answer=given, now=click.now
    )
    inspection.status = after(inspection.status, Action.ANSWER)
    inspection.current_question_id = _next_or_summary(state, answers)
    return _commit(
        uow,
        inspection,
        person,
        "answer.recorded",
        click,
        {"question_id": given.question_id, "option_code": given.option_code},
    )


def back(uow: UnitOfWork, click: CardClick) -> FlowState:
    with uow:
        inspection, person, state = _open(uow, click, "back")
        enabled = [q.id for q in state.enabled]
        current = inspection.current_question_id
        index = (
            len(enabled) if current == SUMMARY or current not in enabled else enabled.index(current)
        )
        if index == 0:
            raise Refused(refusals.FIRST_QUESTION)
        inspection.current_question_id = enabled[index - 1]
        return _commit(uow, inspection, person, "inspection.back", click)


def review(uow: UnitOfWork, click: CardClick) -> FlowState:
    with uow:
        inspection, person, _ = _open(uow, click, "review")
        inspection.current_question_id = SUMMARY
        return _commit(uow, inspection, person, "inspection.summary_viewed", click)


def edit(uow: UnitOfWork, click: CardClick, question_id: str) -> FlowState:
    with uow:
        inspection, person, state = _open(uow, click, "edit")
        if question_id not in {q.id for q in state.enabled}:
            raise Refused(refusals.NO_LONGER_APPLIES)
        inspection.status = after(inspection.status, Action.EDIT)
        inspection.current_question_id = question_id
        return _commit(
            uow, inspection, person, "inspection.edit", click, {"question_id": question_id}
        )


def submit(uow: UnitOfWork, click: CardClick) -> FlowState:
    with uow:
        inspection, person, state = _open(uow, click, "submit")
        review_type = state.review.subject
        if not is_complete(state.questionnaire, review_type=review_type, answers=state.answers):
            raise Refused(refusals.UNANSWERED)
        unconfirmed = confirmation_needed(
            state.questionnaire, review_type=review_type, answers=state.answers
        )
        if unconfirmed:
            raise Refused(refusals.OVERALL_UNCONFIRMED.format(why=unconfirmed))
        result = score_inspection(
            state.questionnaire, review_type=review_type, answers=state.answers
        )
        # Read while nothing is waiting to be written, so the read costs no flush of its own.
        rollup_zone = trend_rollup.timezone(uow.session)
        inspection.status = after(inspection.status, Action.SUBMIT)
        inspection.submitted_at = click.now
        inspection.score = result.score
        inspection.marks_scored, inspection.marks_fully_met = (
            result.scored_questions,
            result.fully_met,
        )
        inspection.current_question_id = None
        inspection.updated_at = click.now  # with the rest: the row is updated once, not twice
        trend_flags.store_counted(uow.session, inspection.id, {q.id for q in state.enabled})
        cancel_for_inspection(uow.session, inspection_id=inspection.id, now=click.now)
        primary = state.purpose == Purpose.PRIMARY
        if primary:  # a blind second marking gives no feedback and counts only for consistency
            feedback.on_submitted(
                uow.session, state=state, result=result, now=click.now, timezone=click.timezone
            )
        double_marks.on_submitted(uow.session, state=state, now=click.now)
        if state.purpose == Purpose.CALIBRATION:
            calibration_results.on_submitted(
                uow.session, inspection_id=inspection.id, now=click.now
            )
        # Last: it locks its month's roll-up rows, which every other submission in the same
        # Area, unit and review type waits for, so hold them for as short a time as possible.
        if primary:
            trend_rollup.add(uow.session, inspection.id, zone=rollup_zone)
        return _commit(
            uow, inspection, person, "inspection.submitted", click, {"score": result.score}
        )


def _next_or_summary(state: FlowState, answers: dict[str, Answer]) -> str:
    upcoming = next_question(state.questionnaire, review_type=state.review.subject, answers=answers)
    return upcoming.id if upcoming else SUMMARY
