"""Escalation by time: an intervention nobody acknowledged within the working hours allowed
goes to the Area's Chief Crown Prosecutor, or to the national inspection leads when the
directory names none, once (a unique key per recipient; the job runs as a singleton), so the
alert a manager missed still reaches someone who can act."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.services.feedback.alerts import escalated_key, note_of
from bot.services.inspection.state import load_state
from bot.slack.blocks.feedback_alerts import escalation_message
from inspections.answers import Answer
from inspections.bank_holidays import england_and_wales_bank_holidays
from inspections.interventions import Record, escalation_due
from storage import audit, interventions_repo, outbox, people_repo
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class EscalationReport:
    escalated: int = 0  # interventions escalated on this run
    messages: int = 0  # messages written for them


def escalate_unacknowledged(
    uow: UnitOfWork, *, now: datetime, tz: ZoneInfo, within_hours: float
) -> EscalationReport:
    with uow:
        session = uow.session
        national = people_repo.active_admin_ids(session)
        escalated = written = 0
        for alert in interventions_repo.awaiting_acknowledgement(session):
            holidays = england_and_wales_bank_holidays(range(alert.raised_at.year, now.year + 2))
            record = Record(alert.raised_at, alert.acknowledged_at, alert.closed_at)
            if not escalation_due(
                record, now=now, within_hours=within_hours, tz=tz, holidays=holidays
            ):
                continue
            state = load_state(session, alert.inspection_id)
            ccps = people_repo.active_ccp_ids(session, state.review.area)
            leads = ccps or national
            if not leads:
                # Nobody to escalate to: left as it is, to be escalated once someone is named.
                logging.getLogger(__name__).warning(
                    "intervention %s is due for escalation but the directory names no CCP for "
                    "its Area and no national lead",
                    alert.id,
                )
                continue
            question = state.questionnaire.question(alert.question_id)
            answer = state.answers.get(alert.question_id, Answer(alert.question_id))
            payload = escalation_message(
                note_of(state, question, answer, alert_id=alert.id),
                within_hours,
                to_ccp=bool(ccps),
            )
            sent_to = [
                lead
                for lead in leads
                if outbox.enqueue(
                    session,
                    dedupe_key=escalated_key(alert.inspection_id, alert.question_id, lead),
                    kind="alert_escalated",
                    recipient_person_id=lead,
                    payload=payload,
                    now=now,
                )
                is not None
            ]
            alert.escalated_at = now
            audit.record(
                session,
                actor=audit.SYSTEM,
                action="intervention.escalated",
                entity_type="alert",
                entity_id=alert.id,
                details={"messages_to": sent_to, "within_hours": within_hours},
                now=now,
            )
            escalated, written = escalated + 1, written + len(sent_to)
        uow.commit()
    return EscalationReport(escalated, written)
