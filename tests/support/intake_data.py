"""Synthetic directories and completed reviews for the intake tests and bench/intake.py.

Everything is invented: example.test addresses, made-up Slack ids, URNs from a seeded generator.
Each unit has a head and a line manager who is also an inspector (so the line-manager rule has
work to do), and every Area has inspectors in its own units (so the unit rule has too). A few
lawyers write rarely, on purpose, so that the monthly floor has lawyers to catch.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.cli.csv_input import read_table
from bot.services.people.directory import import_people
from inspections.intake import PEOPLE_COLUMNS
from storage.uow import UnitOfWork

PCD_OUTCOMES = ("charge", "action_plan", "threshold_charge", "no_further_action", "")
PCD_WEIGHTS = (40, 33, 8, 12, 7)
ACTION_PLAN_COUNTS = (0, 1, 2, 3, 4)
ACTION_PLAN_WEIGHTS = (45, 25, 15, 10, 5)


@dataclass
class Directory:
    rows: list[dict[str, str]] = field(default_factory=list)  # people CSV rows
    lawyers: list[dict[str, str]] = field(default_factory=list)
    rare_lawyers: set[str] = field(default_factory=set)  # emails of those who write rarely


def person(
    email: str,
    name: str,
    roles: str,
    area: str,
    unit: str,
    manager: str = "",
    slack: str = "",
) -> dict[str, str]:
    return {
        "email": email,
        "name": name,
        "roles": roles,
        "area": area,
        "unit": unit,
        "manager_email": manager,
        "slack_user_id": slack,
    }


def directory(
    areas: Sequence[str],
    *,
    units_per_area: int = 2,
    lawyers_per_unit: int = 5,
    inspectors_per_area: int = 3,
    rare_every: int = 5,
) -> Directory:
    """Every fifth lawyer (rare_every) writes rarely; one admin; Slack ids for all but a few."""
    found = Directory()
    counter = 0

    def slack() -> str:
        nonlocal counter
        counter += 1
        return f"U{counter:07d}"

    found.rows.append(
        person(
            "admin@example.test", "Inspection Lead", "admin", areas[0], "Inspection", "", slack()
        )
    )
    for a, area in enumerate(areas):
        for u in range(units_per_area):
            unit = f"RASSO {u + 1}"  # the same unit names in every Area, on purpose
            head = f"head.{a}.{u}@example.test"
            dcp = f"dcp.{a}.{u}@example.test"
            found.rows.append(person(head, f"Head {a}-{u}", "manager", area, unit, "", slack()))
            found.rows.append(
                person(dcp, f"Manager {a}-{u}", "manager;inspector", area, unit, head, slack())
            )
            for n in range(lawyers_per_unit):
                email = f"lawyer.{a}.{u}.{n}@example.test"
                row = person(email, f"Lawyer {a}-{u}-{n}", "lawyer", area, unit, dcp, slack())
                found.rows.append(row)
                found.lawyers.append(row)
                if len(found.lawyers) % rare_every == 0:
                    found.rare_lawyers.add(email)
        for i in range(inspectors_per_area):
            unit = f"RASSO {i % units_per_area + 1}"
            email = f"inspector.{a}.{i}@example.test"
            found.rows.append(
                person(email, f"Inspector {a}-{i}", "inspector", area, unit, "", slack())
            )
    return found


def urn(rng: random.Random, year: int) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
    return f"{rng.randint(1, 99):02d}{letters}{rng.randint(0, 99999):05d}{year % 100:02d}"


def reviews(
    found: Directory,
    count: int,
    *,
    first_month: date,
    months: int,
    seed: int = 7,
) -> list[dict[str, str]]:
    """count CSV rows spread over the months; rare lawyers get one or two a month, late on."""
    rng = random.Random(seed)
    frequent = [lawyer for lawyer in found.lawyers if lawyer["email"] not in found.rare_lawyers]
    rows: list[dict[str, str]] = []
    month_starts = [_add_months(first_month, m) for m in range(months)]
    for start in month_starts:
        for lawyer in found.lawyers:
            if lawyer["email"] in found.rare_lawyers:
                for _ in range(rng.randint(1, 2)):
                    day = start + timedelta(days=rng.randint(15, 27))
                    rows.append(_review(rng, lawyer, day, len(rows)))
    while len(rows) < count:
        start = rng.choice(month_starts)
        day = start + timedelta(days=rng.randint(0, 27))
        rows.append(_review(rng, rng.choice(frequent), day, len(rows)))
    rng.shuffle(rows)
    return rows[:count]


def _review(rng: random.Random, lawyer: dict[str, str], day: date, n: int) -> dict[str, str]:
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        minutes=rng.randint(7 * 60, 19 * 60)
    )
    pcd = rng.random() < 0.5
    return {
        "urn": urn(rng, day.year),
        "review_type": "pre_charge_decision" if pcd else "early_advice",
        "area": lawyer["area"],
        "unit": lawyer["unit"],
        "lawyer_email": lawyer["email"],
        "completed_at": moment.isoformat(),
        "action_plan_count": str(rng.choices(ACTION_PLAN_COUNTS, ACTION_PLAN_WEIGHTS)[0]),
        "outcome": rng.choices(PCD_OUTCOMES, PCD_WEIGHTS)[0] if pcd else "advice_given",
        # Most sources give an id; the rest are recognised by URN, type and time.
        "source_id": f"CMS-{n:07d}" if rng.random() < 0.8 else "",
    }


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def numbered(rows: Sequence[dict[str, str]]) -> list[tuple[int, dict[str, str]]]:
    """As a CSV file would number them: the header is row 1."""
    return [(n, row) for n, row in enumerate(rows, start=2)]


FIXTURES = Path(__file__).parents[1] / "fixtures" / "csv"


def import_directory(
    uow_factory: Callable[[], UnitOfWork], rows: Sequence[dict[str, str]], now: datetime
) -> None:
    with uow_factory() as uow:
        report = import_people(uow, numbered(rows), now=now)
    assert report.problems == []


def import_fixture_people(uow_factory: Callable[[], UnitOfWork], now: datetime) -> None:
    table = read_table(str(FIXTURES / "people.csv"), PEOPLE_COLUMNS)
    assert table.problems == []
    with uow_factory() as uow:
        report = import_people(uow, table.rows, now=now)
    assert report.problems == []
