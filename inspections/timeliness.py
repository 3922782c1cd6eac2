"""How long the police waited: working days from the referral (or file) reaching the CPS to
the review, for the reviews whose intake gave a referral date."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from inspections.trends import Spread, spread_of
from inspections.working_days import working_days_between


@dataclass(frozen=True)
class Timeliness:
    reviews: int  # reviews completed in the period with a referral date
    working_days: Spread | None  # from referral to review; None without any


def working_days_to_review(
    referred: datetime, completed: datetime, *, tz: ZoneInfo, holidays: Collection[date]
) -> int:
    """Working days from the referral to the review, counted on local dates."""
    start, end = referred.astimezone(tz).date(), completed.astimezone(tz).date()
    return working_days_between(start, end, holidays)


def timeliness_of(
    referred_and_completed: Iterable[tuple[datetime, datetime]],
    *,
    tz: ZoneInfo,
    holidays: Collection[date],
) -> Timeliness:
    days = [
        float(working_days_to_review(referred, completed, tz=tz, holidays=holidays))
        for referred, completed in referred_and_completed
    ]
    return Timeliness(len(days), spread_of(days))
