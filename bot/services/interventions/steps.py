"""A manager acts on an intervention: acknowledges it, or records what was done and its
outcome, which closes it. Each step is checked (inspections.interventions), audited, and shown
on every copy of the alert: a copy still waiting in the outbox is rewritten before it goes, one
already in Slack is returned for the listener to update in place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot import refusals
from bot.refusals import InvalidInput, Refused
from bot.services.feedback.alerts import note_of
from bot.services.inspection.state import load_state
from bot.services.people.requester import requester
from bot.slack.blocks.feedback_alerts import InterventionStatus, alert_message
from inspections.answers import Answer
from inspections.interventions import (
    MARK_CHANGED,
    OUTCOMES,
    Record,
    Step,
    outcome_problem,
    step_problem,
)
from storage import audit, interventions_repo
from storage.models import Alert, Person
from storage.uow import UnitOfWork

OUTCOME_LABELS = {**OUTCOMES, MARK_CHANGED: "Mark changed by the inspector"}


@dataclass(frozen=True)
class Shown:
    """The alert as it now reads, and the copies already in Slack to update with it."""

    urn: str
    payload: dict[str, Any]
    in_slack: tuple[tuple[str, str], ...]  # (channel, ts)


def acknowledge(
    uow: UnitOfWork, *, actor_slack_id: str, alert_id: int, now: datetime, timezone: str
) -> Shown:
    with uow:
        alert, person = _may_take(uow.session, actor_slack_id, alert_id, Step.ACKNOWLEDGE, now)
        alert.acknowledged_at, alert.acknowledged_by = now, person.id
        _audit(uow.session, person, "intervention.acknowledged", alert, now)
        shown = _show(uow.session, alert, timezone)
        uow.commit()
        return shown


def check_may_record(uow: UnitOfWork, *, actor_slack_id: str, alert_id: int, now: datetime) -> str:
    """Before the modal opens: the URN when this person may record an outcome."""
    with uow:
        alert, _ = _may_take(uow.session, actor_slack_id, alert_id, Step.RECORD_OUTCOME, now)
        return load_state(uow.session, alert.inspection_id).review.urn


def record_outcome(
    uow: UnitOfWork,
    *,
    actor_slack_id: str,
    alert_id: int,
    outcome: str | None,
    action_taken: str,
    now: datetime,
    timezone: str,
) -> Shown:
    """Closes the intervention; InvalidInput (nothing stored) when the form is incomplete."""
    with uow:
        alert, person = _may_take(uow.session, actor_slack_id, alert_id, Step.RECORD_OUTCOME, now)
        problem = outcome_problem(outcome or "", action_taken)
        if problem is not None:
            raise InvalidInput([problem])
        if alert.acknowledged_at is None:  # recording what was done acknowledges it too
            alert.acknowledged_at, alert.acknowledged_by = now, person.id
        alert.closed_at, alert.closed_by = now, person.id
        alert.outcome, alert.action_taken = outcome, action_taken.strip()
        details: dict[str, object] = {"outcome": outcome}
        _audit(uow.session, person, "intervention.closed", alert, now, details)
        shown = _show(uow.session, alert, timezone)
        uow.commit()
        return shown


def status_of(session: Session, alert: Alert, timezone: str) -> InterventionStatus:
    def name(person_id: int | None) -> str | None:
        person = session.get(Person, person_id) if person_id is not None else None
        return person.name if person is not None else None

    return InterventionStatus(
        timezone=timezone,
        acknowledged_by=name(alert.acknowledged_by),
        acknowledged_at=alert.acknowledged_at,
        closed_by=name(alert.closed_by),
        closed_at=alert.closed_at,
        outcome=OUTCOME_LABELS.get(alert.outcome or "", alert.outcome),
        action_taken=alert.action_taken,
        escalated=alert.escalated_at is not None,
    )


def _may_take(
    session: Session, actor_slack_id: str, alert_id: int, step: Step, now: datetime
) -> tuple[Alert, Person]:
    action = f"intervention.{step.value}"
    person = requester(session, actor_slack_id, action=action, now=now)
    alert = interventions_repo.lock(session, alert_id)
    recipients = (
        {
            m.recipient_person_id
            for m in interventions_repo.alert_messages(session, alert)
            if m.recipient_person_id is not None
        }
        if alert is not None
        else set()
    )
    record = Record(alert.raised_at, alert.acknowledged_at, alert.closed_at) if alert else None
    problem = (
        refusals.NO_SUCH_INTERVENTION
        if record is None
        else step_problem(record, step, person_id=person.id, recipients=recipients)
    )
    if problem is not None or alert is None:
        audit.record(
            session,
            actor=person.email,
            action=f"refused:{action}",
            entity_type="alert",
            entity_id=alert_id,
            details={"reason": problem},
            now=now,
        )
        session.commit()
        raise Refused(problem or refusals.NO_SUCH_INTERVENTION)
    return alert, person


def _show(session: Session, alert: Alert, timezone: str) -> Shown:
    state = load_state(session, alert.inspection_id)
    question = state.questionnaire.question(alert.question_id)
    answer = state.answers.get(alert.question_id, Answer(alert.question_id))
    payload = alert_message(
        note_of(state, question, answer, alert_id=alert.id), status_of(session, alert, timezone)
    )
    in_slack = []
    for message in interventions_repo.alert_messages(session, alert):
        if message.kind != "alert":
            continue  # an escalation keeps its own words
        if message.delivered_ts and message.delivered_channel:
            in_slack.append((message.delivered_channel, message.delivered_ts))
        elif message.sent_at is None:
            message.payload = dict(payload)  # not yet in Slack: it goes as it now reads
    return Shown(state.review.urn, payload, tuple(in_slack))


def _audit(
    session: Session,
    person: Person,
    action: str,
    alert: Alert,
    now: datetime,
    details: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        actor=person.email,
        action=action,
        entity_type="alert",
        entity_id=alert.id,
        details={"inspection_id": alert.inspection_id, "question_id": alert.question_id}
        | (details or {}),
        now=now,
    )
