"""Reminders before an inspection is due, and escalations to admins once it is overdue.

Both are rows written with the assignment (schedule_for_assignment) and turned into outbox
messages by a periodic sweep when they fall due. The sweep keeps no state of its own: whatever
is due, unsent and uncancelled in the database is sent, so a sweep after downtime catches up,
and each row is sent once because it is marked sent in the same transaction as its messages.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.inspection.queue import queue_item
from bot.services.inspection.state import load_state
from bot.slack.blocks.assignment import escalation_message, reminder_message
from bot.slack.cards import review_info
from inspections import lifecycle
from inspections.working_days import reminder_time
from storage import audit, outbox, people_repo, reminders_repo
from storage.models import Inspection, Reminder
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

SWEEP_BATCH = 100


@dataclass(frozen=True)
class SweepReport:
    reminders: int = 0  # reminder rows sent to their inspector
    escalations: int = 0  # escalation rows sent (each to every admin)
    messages: int = 0  # outbox messages written
    skipped: int = 0  # rows whose inspection was no longer open: cancelled instead
    failed: int = 0  # rows that could not be turned into messages: cancelled and audited


def schedule_for_assignment(
    session: Session,
    *,
    inspection_id: int,
    assigned_at: datetime,
    due_at: datetime,
    tz: ZoneInfo,
    holidays: Collection[date],
    now: datetime,
) -> tuple[Reminder, Reminder]:
    """A reminder one working day before due_at (see reminder_time) and an escalation at it."""
    remind_at = reminder_time(assigned_at, due_at, tz=tz, holidays=holidays)
    reminder = reminders_repo.add(
        session, inspection_id=inspection_id, kind="reminder", due_at=remind_at
    )
    escalation = reminders_repo.add(
        session, inspection_id=inspection_id, kind="escalation", due_at=due_at
    )
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="reminders.scheduled",
        entity_type="inspection",
        entity_id=inspection_id,
        details={
            "reminder_id": reminder.id,
            "reminder_at": remind_at.isoformat(),
            "escalation_id": escalation.id,
            "escalation_at": due_at.isoformat(),
        },
        now=now,
    )
    return reminder, escalation


def cancel_for_inspection(session: Session, *, inspection_id: int, now: datetime) -> int:
    """Call on submit, decline and reassignment; the number of rows cancelled."""
    cancelled = reminders_repo.cancel_open(session, inspection_id=inspection_id, now=now)
    if cancelled:
        audit.record(
            session,
            actor=audit.SYSTEM,
            action="reminders.cancelled",
            entity_type="inspection",
            entity_id=inspection_id,
            details={"reminder_ids": cancelled},
            now=now,
        )
    return len(cancelled)


def sweep_reminders(
    uow: UnitOfWork,
    *,
    now: datetime,
    timezone: str = "Europe/London",
    batch: int = SWEEP_BATCH,
) -> SweepReport:
    """Send every reminder and escalation due by now, once; one transaction per batch."""
    totals = dict.fromkeys(("reminder", "escalation", "messages", "skipped", "failed"), 0)
    while True:
        with uow:
            due = reminders_repo.claim_due(uow.session, now=now, limit=batch)
            for row in due:
                outcome, written = _send_alone(uow.session, row, now=now, timezone=timezone)
                totals[outcome] += 1
                totals["messages"] += written
            uow.commit()
        if len(due) < batch:
            break
    return SweepReport(
        reminders=totals["reminder"],
        escalations=totals["escalation"],
        messages=totals["messages"],
        skipped=totals["skipped"],
        failed=totals["failed"],
    )


def _send_alone(
    session: Session, row: Reminder, *, now: datetime, timezone: str
) -> tuple[Literal["reminder", "escalation", "skipped", "failed"], int]:
    """_send in a savepoint: a row that cannot be sent (bad data, a rendering bug) is set aside
    with an audit row, instead of failing its batch on every sweep from now on."""
    try:
        with session.begin_nested():
            return _send(session, row, now=now, timezone=timezone)
    except Exception as exc:
        log.exception("%s %s of inspection %s not sent", row.kind, row.id, row.inspection_id)
        row.cancelled_at = now
        audit.record(
            session,
            actor=audit.SYSTEM,
            action=f"{row.kind}.failed",
            entity_type="inspection",
            entity_id=row.inspection_id,
            details={"reminder_id": row.id, "error": f"{type(exc).__name__}: {exc}"},
            now=now,
        )
        return "failed", 0


def _send(
    session: Session, row: Reminder, *, now: datetime, timezone: str
) -> tuple[Literal["reminder", "escalation", "skipped"], int]:
    inspection = session.get(Inspection, row.inspection_id)
    if inspection is None or not lifecycle.is_open(inspection.status):
        # Submitted (or back in the queue) without the reminder having been cancelled:
        # nobody needs to hear about it now.
        row.cancelled_at = now
        return "skipped", 0
    if row.kind == "reminder":
        recipients = _remind_inspector(session, row, inspection, now=now, timezone=timezone)
    else:
        recipients = _escalate(session, row, inspection, now=now, timezone=timezone)
    row.sent_at = now
    audit.record(
        session,
        actor=audit.SYSTEM,
        action=f"{row.kind}.sent",
        entity_type="inspection",
        entity_id=inspection.id,
        details={
            "reminder_id": row.id,
            "due_at": row.due_at.isoformat(),
            "recipient_person_ids": recipients,
        },
        now=now,
    )
    kind: Literal["reminder", "escalation"] = "reminder" if row.kind == "reminder" else "escalation"
    return kind, len(recipients)


def _remind_inspector(
    session: Session, row: Reminder, inspection: Inspection, *, now: datetime, timezone: str
) -> list[int]:
    if inspection.inspector_id is None:
        return []
    state = load_state(session, inspection.id)
    item = queue_item(state, timezone)
    written = _enqueue(
        session,
        dedupe_key=f"reminder:{row.id}",
        kind="reminder",
        recipient=inspection.inspector_id,
        payload=reminder_message(item, now=now),
        now=now,
    )
    return [inspection.inspector_id] if written else []


def _escalate(
    session: Session, row: Reminder, inspection: Inspection, *, now: datetime, timezone: str
) -> list[int]:
    admin_ids = people_repo.active_admin_ids(session)
    if not admin_ids:
        log.warning("inspection %s is overdue but there is no active admin to tell", inspection.id)
        return []
    state = load_state(session, inspection.id)
    inspector_name = inspection.inspector.name if inspection.inspector else "nobody"
    payload = escalation_message(
        review_info(state, timezone), inspector_name=inspector_name, now=now
    )
    return [
        admin_id
        for admin_id in admin_ids
        if _enqueue(
            session,
            dedupe_key=f"escalation:{row.id}:{admin_id}",
            kind="escalation",
            recipient=admin_id,
            payload=payload,
            now=now,
        )
    ]


def _enqueue(
    session: Session,
    *,
    dedupe_key: str,
    kind: str,
    recipient: int,
    payload: dict[str, Any],
    now: datetime,
) -> bool:
    message = outbox.enqueue(
        session,
        dedupe_key=dedupe_key,
        kind=kind,
        recipient_person_id=recipient,
        payload=payload,
        now=now,
    )
    return message is not None
