"""Reporting periods in local calendar days: months, quarters, ISO weeks and custom ranges.

A period runs from local midnight of its first day to local midnight after its last, so a
review submitted at 00:30 BST on 1 April belongs to April although it is still 31 March in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    CUSTOM = "custom"


class BadPeriod(ValueError):
    """Text that names no period; the message says what would."""


PERIOD_HELP = (
    "a period is `month`, `last-month`, `quarter`, `last-quarter`, a month like `2026-03`, "
    "a quarter like `2026-Q1`, or days like `2026-01-01..2026-02-15`"
)


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date  # the first day
    end: date  # the day after the last

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise BadPeriod(f"a period must end after it starts: {self.start} to {self.end}")

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind is PeriodKind.WEEK:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.isoformat()}..{self.last_day.isoformat()}"

    def previous(self) -> Period:
        """The period just before, of the same kind (a custom range: the same number of days)."""
        if self.kind is PeriodKind.MONTH:
            return month_of(self.start - timedelta(days=1))
        if self.kind is PeriodKind.QUARTER:
            return quarter_of(self.start - timedelta(days=1))
        length = self.end - self.start
        return Period(self.kind, self.start - length, self.start)

    def utc_bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        return local_midnight(self.start, tz), local_midnight(self.end, tz)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    return Period(PeriodKind.MONTH, start, _add_months(start, 1))


def quarter_of(day: date) -> Period:
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Period(PeriodKind.QUARTER, start, _add_months(start, 3))


def week_of(day: date) -> Period:
    start = day - timedelta(days=day.weekday())
    return Period(PeriodKind.WEEK, start, start + timedelta(days=7))


def custom(first: date, last: date) -> Period:
    """The days first..last, both included."""
    if last < first:
        raise BadPeriod(f"the range ends ({last}) before it starts ({first})")
    return Period(PeriodKind.CUSTOM, first, last + timedelta(days=1))


def range_period(first: date, last: date) -> Period:
    """The days first..last: a month or a quarter when they are exactly one (so the previous
    period is the calendar one before), else a custom range."""
    period = custom(first, last)
    for candidate in (month_of(first), quarter_of(first)):
        if (candidate.start, candidate.end) == (period.start, period.end):
            return candidate
    return period


def months_covering(start: date, end: date) -> list[Period]:
    """The calendar months that overlap the days start (included) to end (excluded)."""
    months = [month_of(start)]
    while months[-1].end < end:
        months.append(month_of(months[-1].end))
    return months


def quarters_to(today: date, count: int) -> list[Period]:
    """The quarter holding `today` and the `count - 1` before it, oldest first."""
    quarters = [quarter_of(today)]
    while len(quarters) < count:
        quarters.insert(0, quarters[0].previous())
    return quarters


def parse_period(text: str, *, today: date) -> Period:
    word = text.strip().lower()
    if word in ("month", "this-month"):
        return month_of(today)
    if word == "last-month":
        return month_of(today).previous()
    if word in ("quarter", "this-quarter"):
        return quarter_of(today)
    if word == "last-quarter":
        return quarter_of(today).previous()
    if match := re.fullmatch(r"(\d{4})-q([1-4])", word):
        return quarter_of(date(int(match[1]), 3 * int(match[2]) - 2, 1))
    if match := re.fullmatch(r"(\d{4})-(\d{2})", word):
        month = int(match[2])
        if not 1 <= month <= 12:
            raise BadPeriod(f"`{text}` is not a month; {PERIOD_HELP}")
        return month_of(date(int(match[1]), month, 1))
    if match := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", word):
        return custom(parse_day(match[1]), parse_day(match[2]))
    raise BadPeriod(f"`{text}` is not a period I know; {PERIOD_HELP}")


def looks_like_period(word: str) -> bool:
    """Whether a word of a command is meant as a period (so a bad one is reported as such)."""
    lowered = word.lower()
    return lowered in (
        "month",
        "this-month",
        "last-month",
        "quarter",
        "this-quarter",
        "last-quarter",
    ) or bool(re.match(r"\d{4}-", lowered))


def parse_day(text: str) -> date:
    try:
        if len(text) != 10:  # fromisoformat reads week dates too; insist on YYYY-MM-DD
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise BadPeriod(f"`{text}` is not a date (YYYY-MM-DD)") from None


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
