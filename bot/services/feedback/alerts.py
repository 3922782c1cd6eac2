"""Real-time safeguard alerts: a critical question marked Not met tells the lawyer's managers
at once, in the transaction that records the answer, while the case may still be live.

One alert per question per inspection however often the mark changes: the Alert row is unique,
and each manager's message has its own dedupe key, so flipping the mark back and forth sends
one alert and, on the first return to a passing mark, one "resolved" note.

A safeguard can also stop applying: an answer to an earlier question switches it off (its
``enabled_when`` no longer holds). Its open alert is then resolved as a passing mark would
resolve it, with the same one note; switched back on with its Not met still stored, the alert
reopens, and the managers, told once already, are not written to again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.inspection.state import FlowState
from bot.slack.blocks.feedback_alerts import (
    SafeguardNote,
    alert_message,
    alert_resolved_message,
    lawyer_notice_message,
)
from inspections.answers import Answer
from inspections.interventions import MARK_CHANGED
from inspections.lifecycle import Purpose
from inspections.line_management import alert_recipients
from inspections.safeguards import safeguards_switched
from inspections.scoring import is_critical_failure
from questionnaires.model import Question
from storage import audit, feedback_repo, outbox, people_repo
from storage.models import Alert, Person

KIND = "critical_failure"
# What the resolved note gives as the mark of a safeguard that no longer applies.
NO_LONGER_APPLIES = "Not applicable"


def raised_key(inspection_id: int, question_id: str, person_id: int) -> str:
    return f"alert:{inspection_id}:{question_id}:raised:{person_id}"


def lawyer_key(inspection_id: int, question_id: str, person_id: int) -> str:
    return f"alert:{inspection_id}:{question_id}:lawyer:{person_id}"


def escalated_key(inspection_id: int, question_id: str, person_id: int) -> str:
    return f"alert:{inspection_id}:{question_id}:escalated:{person_id}"


def resolved_key(inspection_id: int, question_id: str, person_id: int) -> str:
    return f"alert:{inspection_id}:{question_id}:resolved:{person_id}"


def on_answer_recorded(
    session: Session, *, state: FlowState, question: Question, answer: Answer, now: datetime
) -> Alert | None:
    """The question's alert as it now stands, if it has one. Call with the answer just stored
    and the state from before it. A blind second marking raises no alert: the primary
    inspection's marks are the ones the lawyer's managers hear of."""
    if state.purpose != Purpose.PRIMARY:
        return None
    _follow_applicability(session, state=state, answer=answer, now=now)
    if not question.critical:
        return None
    alert = feedback_repo.alerts_of(session, state.inspection_id, [question.id], kind=KIND).get(
        question.id
    )
    if is_critical_failure(state.questionnaire, question=question, answer=answer):
        return _raise(session, alert, state=state, question=question, answer=answer, now=now)
    if alert is not None and alert.resolved_at is None and answer.option_code is not None:
        _resolve(session, alert, state=state, question=question, answer=answer, now=now)
    return alert


def _follow_applicability(
    session: Session, *, state: FlowState, answer: Answer, now: datetime
) -> None:
    """Resolve the alerts of safeguards this answer switches off; reopen those it switches
    back on whose stored mark is still a critical failure."""
    switch = safeguards_switched(
        state.questionnaire,
        review_type=state.review.subject,
        before=state.answers,
        given=answer,
    )
    switched_off, failing_again = switch.switched_off, switch.failing_again
    if not switched_off and not failing_again:
        return  # the usual case, and no query for it
    ids = [q.id for q in (*switched_off, *failing_again)]
    alerts = feedback_repo.alerts_of(session, state.inspection_id, ids, kind=KIND)
    for question in switched_off:
        alert = alerts.get(question.id)
        if alert is not None and alert.resolved_at is None:
            # No mark of its own now, and the old reason was for the Not met.
            unmarked = Answer(question_id=question.id)
            _resolve(
                session,
                alert,
                state=state,
                question=question,
                answer=unmarked,
                now=now,
                mark=NO_LONGER_APPLIES,
            )
    for question in failing_again:
        stored = state.answers[question.id]
        _raise(
            session, alerts.get(question.id), state=state, question=question, answer=stored, now=now
        )


def _raise(
    session: Session,
    alert: Alert | None,
    *,
    state: FlowState,
    question: Question,
    answer: Answer,
    now: datetime,
) -> Alert:
    if alert is not None and alert.resolved_at is None:
        return alert  # already open: nothing new to say
    action = "alert.raised" if alert is None else "alert.reopened"
    if alert is None:
        alert = Alert(
            inspection_id=state.inspection_id, question_id=question.id, kind=KIND, raised_at=now
        )
        session.add(alert)
    # The mark fails again. An intervention closed only because the mark had changed opens
    # again; one a manager closed keeps what they recorded (they have acted on this failure).
    alert.resolved_at = None
    if alert.outcome == MARK_CHANGED:
        alert.closed_at = alert.closed_by = alert.outcome = None
    session.flush()
    # A reopened alert finds its messages already written: the managers hear of it once.
    sent = _tell_managers(session, state, question, answer, raised=True, now=now, alert=alert)
    _audit(session, action, state, question, answer, sent, now)
    return alert


def _resolve(
    session: Session,
    alert: Alert,
    *,
    state: FlowState,
    question: Question,
    answer: Answer,
    now: datetime,
    mark: str | None = None,
) -> None:
    """``mark`` overrides the answer's label in the note (a question that no longer applies)."""
    alert.resolved_at = now
    if alert.closed_at is None:
        alert.closed_at, alert.outcome = now, MARK_CHANGED
    sent = _tell_managers(session, state, question, answer, raised=False, now=now, mark=mark)
    details: dict[str, object] = {} if mark is None else {"no_longer_applies": True}
    _audit(session, "alert.resolved", state, question, answer, sent, now, details)


def _tell_managers(
    session: Session,
    state: FlowState,
    question: Question,
    answer: Answer,
    *,
    raised: bool,
    now: datetime,
    mark: str | None = None,
    alert: Alert | None = None,
) -> list[int]:
    """The managers newly written to (none when their messages already exist); with a raised
    alert, the lawyer is told at the same moment."""
    lawyer = session.get(Person, state.review.lawyer_id)
    recipients = (
        alert_recipients(lawyer, people_repo.managers_above(session, lawyer))
        if lawyer is not None
        else []
    )
    note = note_of(state, question, answer, mark=mark, alert_id=alert.id if alert else None)
    payload = alert_message(note) if raised else alert_resolved_message(note)
    if raised and lawyer is not None:
        outbox.enqueue(
            session,
            dedupe_key=lawyer_key(state.inspection_id, question.id, lawyer.id),
            kind="alert_lawyer",
            recipient_person_id=lawyer.id,
            payload=lawyer_notice_message(note, [m.name for m in recipients]),
            now=now,
        )
    written = []
    for manager in recipients:
        key = raised_key if raised else resolved_key
        message = outbox.enqueue(
            session,
            dedupe_key=key(state.inspection_id, question.id, manager.id),
            kind="alert" if raised else "alert_resolved",
            recipient_person_id=manager.id,
            payload=payload,
            now=now,
        )
        if message is not None:
            written.append(manager.id)
    return written


def note_of(
    state: FlowState,
    question: Question,
    answer: Answer,
    *,
    mark: str | None = None,
    alert_id: int | None = None,
) -> SafeguardNote:
    """What an alert about this answer says."""
    option = (
        state.questionnaire.option_for(question, answer.option_code) if answer.option_code else None
    )
    return SafeguardNote(
        urn=state.review.urn,
        review_type=state.review.review_type,
        area=state.review.area,
        lawyer_name=state.review.lawyer_name,
        safeguard=question.text,
        mark=mark or (option.label if option else "answered"),
        reason=answer.reason,
        no_longer_applies=mark == NO_LONGER_APPLIES,
        alert_id=alert_id,
    )


def _audit(
    session: Session,
    action: str,
    state: FlowState,
    question: Question,
    answer: Answer,
    sent_to: list[int],
    now: datetime,
    extra: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        actor=audit.SYSTEM,
        action=action,
        entity_type="inspection",
        entity_id=state.inspection_id,
        details={
            "question_id": question.id,
            "option_code": answer.option_code,
            "messages_to": sent_to,
            "no_manager": not sent_to and action == "alert.raised",
            **(extra or {}),
        },
        now=now,
    )
