"""Owners of open RJOIM actions are reminded once, from 09:00 on the working day before the
action is due (inspections.rjoim_record.reminder_at), through the outbox. The dedupe key
`rjoim-reminder:{action id}` makes a second run, a restart or a second instance write nothing
more. A police action owned by a named officer outside the directory gets no reminder: the
bot cannot reach them, and the lead sees it on the App Home panel and the agenda."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.rjoim.actions import open_action
from bot.slack.blocks.rjoim_home import reminder_message
from inspections.bank_holidays import england_and_wales_bank_holidays
from inspections.rjoim_record import reminder_at
from storage import audit, outbox, rjoim_record_repo
from storage.uow import UnitOfWork

KIND = "rjoim_reminder"
LOOK_AHEAD = timedelta(days=14)  # a reminder is at most a working day and a holiday ahead


@dataclass(frozen=True)
class ReminderRun:
    enqueued: int = 0
    already: int = 0  # reminded by an earlier run


def reminder_key(action_id: int) -> str:
    return f"rjoim-reminder:{action_id}"


def remind_action_owners(uow: UnitOfWork, *, now: datetime, tz: ZoneInfo) -> ReminderRun:
    today = now.astimezone(tz).date()
    holidays = england_and_wales_bank_holidays(range(today.year, today.year + 2))
    enqueued = already = 0
    with uow:
        session = uow.session
        due = [
            row
            for row in rjoim_record_repo.open_actions(
                session, areas=None, due_by=today + LOOK_AHEAD
            )
            if row.owner is not None
            and row.owner.active
            and row.action.due_on >= today  # overdue ones go to the manager digest instead
            and reminder_at(row.action.due_on, tz=tz, holidays=holidays) <= now
        ]
        done = outbox.existing_keys(session, [reminder_key(row.action.id) for row in due])
        for row in due:
            key = reminder_key(row.action.id)
            if key in done or row.owner is None:
                already += 1
                continue
            outbox.enqueue(
                session,
                dedupe_key=key,
                kind=KIND,
                recipient_person_id=row.owner.id,
                payload=reminder_message(open_action(row), row.meeting.area),
                now=now,
            )
            audit.record(
                session,
                actor=audit.SYSTEM,
                action="rjoim.reminder_enqueued",
                entity_type="rjoim_action",
                entity_id=row.action.id,
                details={"to": row.owner.email, "due_on": row.action.due_on.isoformat()},
                now=now,
            )
            enqueued += 1
        uow.commit()
    return ReminderRun(enqueued, already)
