"""Due dates and reminder times counted in working days of a local time zone.

Weekends and the given holidays are not working days. Results are aware datetimes in UTC. The
holidays must cover every year a calculation can reach (the start's year and the next is plenty).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WORKDAY_START = time(9, 0)
_ONE_DAY = timedelta(days=1)


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def working_day_on_or_after(day: date, holidays: Collection[date]) -> date:
    """The day itself if it is a working day, else the next one."""
    return day if is_working_day(day, holidays) else next_working_day(day, holidays)


def next_working_day(day: date, holidays: Collection[date]) -> date:
    """The first working day strictly after day."""
    day += _ONE_DAY
    while not is_working_day(day, holidays):
        day += _ONE_DAY
    return day


def previous_working_day(day: date, holidays: Collection[date]) -> date:
    """The last working day strictly before day."""
    day -= _ONE_DAY
    while not is_working_day(day, holidays):
        day -= _ONE_DAY
    return day


def working_days_between(start: date, end: date, holidays: Collection[date]) -> int:
    """The working days after start, up to and including end: a referral on Friday answered
    on the Monday took 1 working day; answered the same day, 0."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    count, day = 0, start
    while day < end:
        day += _ONE_DAY
        count += is_working_day(day, holidays)
    return count


def add_working_days(
    start: datetime, days: int, *, tz: ZoneInfo, holidays: Collection[date]
) -> datetime:
    """The same local wall-clock time as start, `days` working days later, in UTC."""
    _require_aware(start, "start")
    if days < 0:
        raise ValueError(f"days must be >= 0: {days}")
    local = start.astimezone(tz)
    day, wall = local.date(), local.time()
    if not is_working_day(day, holidays):
        # Work handed over on a weekend or holiday counts from 09:00 on the next working day,
        # so it gets the same whole working days as work handed over first thing that morning.
        day, wall = next_working_day(day, holidays), WORKDAY_START
    for _ in range(days):
        day = next_working_day(day, holidays)
    return _local_to_utc(day, wall, tz)


def reminder_time(
    assigned_at: datetime, due_at: datetime, *, tz: ZoneInfo, holidays: Collection[date]
) -> datetime:
    """One working day before due_at at the same local time; halfway there if that is too soon."""
    _require_aware(assigned_at, "assigned_at")
    _require_aware(due_at, "due_at")
    if due_at <= assigned_at:
        raise ValueError(f"due_at {due_at.isoformat()} is not after {assigned_at.isoformat()}")
    local_due = due_at.astimezone(tz)
    day_before = previous_working_day(local_due.date(), holidays)
    reminder = _local_to_utc(day_before, local_due.time(), tz)
    if reminder > assigned_at:
        return reminder
    # Less than a working day's notice: a reminder at the moment of assignment would be noise.
    return (assigned_at + (due_at - assigned_at) / 2).astimezone(UTC)


def _local_to_utc(day: date, wall: time, tz: ZoneInfo) -> datetime:
    # fold=0: a wall time that occurs twice (clocks going back) means its first occurrence; one
    # that never occurs (clocks going forward) comes out later by the size of the gap.
    return datetime.combine(day, wall.replace(fold=0), tzinfo=tz).astimezone(UTC)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware: {value!r}")
