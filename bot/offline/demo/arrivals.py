"""The demo's completed reviews: three per Area each working day, at fixed local times, with
URNs, review types, action-plan counts and outcomes drawn from a seeded generator, so every run
plays the same fortnight."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.offline.demo.cast import LAWYERS, THAMES, WESSEX
from inspections.working_days import is_working_day

ARRIVAL_TIMES = (time(10, 15), time(13, 30), time(16, 0))
FORCE_CODES = {WESSEX: "55", THAMES: "43"}  # police force numbers in the URN


@dataclass(frozen=True)
class Arrival:
    at: datetime  # when the case management system reports the completed review (UTC)
    fields: dict[str, str]  # the intake endpoint's JSON body: the CSV's columns


def arrivals(first: date, last: date, *, tz: ZoneInfo, holidays: Collection[date]) -> list[Arrival]:
    rng = random.Random(2026)
    serial = iter(range(10_001, 99_999))
    turn = {area: 0 for area in FORCE_CODES}
    found = []
    for day in _days(first, last):
        if not is_working_day(day, holidays):
            continue
        for wall in ARRIVAL_TIMES:
            for area in (WESSEX, THAMES):
                lawyers = [m for m in LAWYERS if m.area == area]
                lawyer = lawyers[turn[area] % len(lawyers)]
                turn[area] += 1
                at = datetime.combine(day, wall, tz).astimezone(UTC)
                urn = f"{FORCE_CODES[area]}DS{next(serial):05d}{day.year % 100:02d}"
                found.append(Arrival(at, _review(rng, urn, area, lawyer.email, lawyer.unit, at)))
    return sorted(found, key=lambda a: a.at)


def _review(
    rng: random.Random, urn: str, area: str, lawyer: str, unit: str, at: datetime
) -> dict[str, str]:
    if rng.random() < 0.45:
        review_type, plans = "early_advice", rng.choice((0, 0, 1, 1, 2))
        outcome = rng.choice(("advice_given", "advice_given", "action_plan"))
    else:
        review_type, plans = "pre_charge_decision", rng.choice((0, 1, 1, 2, 2, 3, 4))
        outcome = rng.choice(
            ("charge", "charge", "charge", "action_plan", "threshold_charge", "no_further_action")
        )
    completed = at - timedelta(minutes=rng.randint(5, 90))
    return {
        "urn": urn,
        "review_type": review_type,
        "area": area,
        "unit": unit,
        "lawyer_email": lawyer,
        "completed_at": completed.isoformat(),
        "action_plan_count": str(plans),
        "outcome": outcome,
        "source_id": f"demo-cms-{urn}-{review_type}",
    }


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
