"""An intervention: what a critical failure found while the case is live asks of the lawyer's
managers, from the alert to a recorded outcome.

Raised (a critical question marked Not met), acknowledged by a manager it was sent to, then
closed with the action taken and its outcome; or closed when the inspector's mark changes (the
alert no longer stands). Unacknowledged for too many working hours, it is escalated once.
Pure rules: storage keeps the record, the bot asks these what may happen next.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from inspections.trends import Spread, spread_of
from inspections.working_days import is_working_day, working_days_between


class Stage(StrEnum):
    RAISED = "raised"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class Step(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    RECORD_OUTCOME = "record_outcome"  # what was done, and the outcome: closes it


# The outcomes a manager may record, in the order offered, with their labels.
OUTCOMES: dict[str, str] = {
    "decision_reconsidered": "Decision reconsidered",
    "safeguarding_steps_taken": "Safeguarding steps taken",
    "lawyer_advised": "Lawyer advised, no change needed",
    "no_action_needed": "No action needed",
}
MARK_CHANGED = "mark_changed"  # closed because the inspector changed the mark

# Defaults: escalated when not acknowledged within this many working hours; listed as overdue
# when not closed within this many working days.
ACKNOWLEDGE_WITHIN_HOURS = 4
CLOSE_WITHIN_DAYS = 5
WORKDAY = (time(9, 0), time(17, 0))  # local working hours


@dataclass(frozen=True)
class Record:
    """What the record says, as the rules need it."""

    raised_at: datetime
    acknowledged_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None

    @property
    def stage(self) -> Stage:
        if self.closed_at is not None:
            return Stage.CLOSED
        if self.acknowledged_at is not None:
            return Stage.ACKNOWLEDGED
        return Stage.RAISED


def step_problem(
    record: Record, step: Step, *, person_id: int, recipients: Collection[int]
) -> str | None:
    """Why this person may not take this step now, in their words; None when they may."""
    if person_id not in recipients:
        return "Only the managers this alert was sent to can act on it."
    if record.stage is Stage.CLOSED:
        return "This intervention is already closed."
    if step is Step.ACKNOWLEDGE and record.stage is Stage.ACKNOWLEDGED:
        return "This intervention has already been acknowledged."
    return None


def outcome_problem(outcome: str, action: str) -> str | None:
    if outcome not in OUTCOMES:
        return f"Choose an outcome: {', '.join(OUTCOMES.values())}."
    if not action.strip():
        return "Say what was done, in a sentence or two."
    return None


def working_hours_between(
    start: datetime, end: datetime, *, tz: ZoneInfo, holidays: Collection[date]
) -> float:
    """Hours of the working day (09:00 to 17:00 local, working days only) from start to end."""
    if end <= start:
        return 0.0
    total = timedelta()
    day = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    while day <= last:
        if is_working_day(day, holidays):
            opens = datetime.combine(day, WORKDAY[0], tz)
            closes = datetime.combine(day, WORKDAY[1], tz)
            overlap = min(closes, end) - max(opens, start)
            if overlap > timedelta():
                total += overlap
        day += timedelta(days=1)
    return total.total_seconds() / 3600


def escalation_due(
    record: Record,
    *,
    now: datetime,
    within_hours: float,
    tz: ZoneInfo,
    holidays: Collection[date],
) -> bool:
    """Not acknowledged (nor closed) within the working hours allowed."""
    if record.stage is not Stage.RAISED:
        return False
    hours = working_hours_between(record.raised_at, now, tz=tz, holidays=holidays)
    return hours >= within_hours


@dataclass(frozen=True)
class InterventionFigures:
    raised: int
    acknowledged: int
    closed: int  # closed by a manager with an outcome
    to_acknowledge: Spread | None  # over those acknowledged; None when none were
    to_close: Spread | None
    withdrawn: int = 0  # closed because the inspector changed the mark: no manager's act

    @property
    def still_open(self) -> int:
        return self.raised - self.closed - self.withdrawn


def figures_of(records: Collection[Record]) -> InterventionFigures:
    """Counts and elapsed times (wall-clock hours, not working hours) of interventions raised
    in a period; times only over those that reached the step. One withdrawn by a changed mark
    is counted apart: it says nothing of how soon managers act."""
    acknowledged = [
        (r.acknowledged_at - r.raised_at).total_seconds() / 3600
        for r in records
        if r.acknowledged_at is not None
    ]
    closed = [
        (r.closed_at - r.raised_at).total_seconds() / 3600
        for r in records
        if r.closed_at is not None and r.outcome != MARK_CHANGED
    ]
    return InterventionFigures(
        raised=len(records),
        acknowledged=len(acknowledged),
        closed=len(closed),
        to_acknowledge=spread_of(acknowledged),
        to_close=spread_of(closed),
        withdrawn=sum(1 for r in records if r.outcome == MARK_CHANGED),
    )


def overdue(
    record: Record, *, now: datetime, within_days: int, tz: ZoneInfo, holidays: Collection[date]
) -> bool:
    """Not closed within the working days allowed (counted from the day it was raised)."""
    if record.stage is Stage.CLOSED:
        return False
    raised, today = record.raised_at.astimezone(tz).date(), now.astimezone(tz).date()
    return today > raised and working_days_between(raised, today, holidays) > within_days
