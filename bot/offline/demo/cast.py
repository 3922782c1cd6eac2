"""The demo's synthetic people: two Areas, each with a Unit Head, a line manager and four
lawyers; three inspectors from quality teams outside the lawyers' units; the national lead.

Names are invented staff names (no victims, suspects or case facts anywhere in the demo).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from inspections.intake import PEOPLE_COLUMNS

WESSEX = "Wessex"
THAMES = "Thames and Chiltern"


@dataclass(frozen=True)
class Member:
    email: str
    name: str
    roles: str
    area: str
    unit: str
    manager_email: str
    slack_id: str

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@demo.example"


def _member(
    name: str, roles: str, area: str, unit: str, manager: Member | None, slack_id: str
) -> Member:
    return Member(_email(name), name, roles, area, unit, manager.email if manager else "", slack_id)


def _area_team(area: str, code: str, names: tuple[str, ...]) -> tuple[Member, ...]:
    """A Unit Head at the top of the unit's chain, a line manager, then the lawyers."""
    unit = f"RASSO {area}"
    head = _member(names[0], "manager", area, unit, None, f"U0{code}HEAD1")
    manager = _member(names[1], "manager", area, unit, head, f"U0{code}MGR01")
    lawyers = tuple(
        _member(name, "lawyer", area, unit, manager, f"U0{code}LAW{n:02d}")
        for n, name in enumerate(names[2:], start=1)
    )
    return (head, manager, *lawyers)


WESSEX_TEAM = _area_team(
    WESSEX,
    "WX",
    ("Hana Hawthorn", "Milo Maple", "Ava Ash", "Ben Birch", "Cleo Cedar", "Dev Dogwood"),
)
THAMES_TEAM = _area_team(
    THAMES, "TC", ("Hugo Holly", "Mina Myrtle", "Eli Elm", "Fay Fir", "Gus Gorse", "Ida Ivy")
)
INSPECTORS = (
    _member("Iris Ironwood", "inspector", WESSEX, "Wessex Casework Quality", None, "U0INSP0001"),
    _member("Ivan Iroko", "inspector", WESSEX, "Wessex Casework Quality", None, "U0INSP0002"),
    _member("Isla Indigo", "inspector", THAMES, "Thames Casework Quality", None, "U0INSP0003"),
)
NATIONAL_LEAD = _member(
    "Nia Northwood", "admin", "CPS Direct", "Inspection Programme", None, "U0NATLEAD1"
)
EVERYONE: tuple[Member, ...] = (*WESSEX_TEAM, *THAMES_TEAM, *INSPECTORS, NATIONAL_LEAD)
LAWYERS = tuple(m for m in EVERYONE if m.roles == "lawyer")


def unit_head(area: str) -> Member:
    return (WESSEX_TEAM if area == WESSEX else THAMES_TEAM)[0]


def line_manager(area: str) -> Member:
    return (WESSEX_TEAM if area == WESSEX else THAMES_TEAM)[1]


def by_email(email: str) -> Member:
    return next(m for m in EVERYONE if m.email == email)


def write_people_csv(path: Path) -> None:
    """The directory as `dipsample people import` reads it; Slack ids left empty, so the import
    finds them with users.lookupByEmail as it would in a real workspace."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(PEOPLE_COLUMNS))
        writer.writeheader()
        for m in EVERYONE:
            writer.writerow(
                {
                    "email": m.email,
                    "name": m.name,
                    "roles": m.roles,
                    "area": m.area,
                    "unit": m.unit,
                    "manager_email": m.manager_email,
                    "slack_user_id": "",
                }
            )
