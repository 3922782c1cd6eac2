"""Who manages whom: a lawyer's line manager, their RASSO Unit Head, and a manager's team.

Managers form a chain through `people.manager_id`. The Unit Head of a unit is the manager at
the top of that unit's chain: climbing from the lawyer, the last manager still in the lawyer's
Area and unit. A directory with a loop in it must not hang us, so every climb remembers where
it has been.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Person


def managers_above(session: Session, person: Person) -> list[Person]:
    """The line manager, their manager, and so on to the top of the chain."""
    chain: list[Person] = []
    seen = {person.id}
    manager_id = person.manager_id
    while manager_id is not None and manager_id not in seen:
        manager = session.get(Person, manager_id)
        if manager is None:
            break
        chain.append(manager)
        seen.add(manager.id)
        manager_id = manager.manager_id
    return chain


def line_manager(session: Session, person: Person) -> Person | None:
    return session.get(Person, person.manager_id) if person.manager_id is not None else None


def unit_head(session: Session, person: Person) -> Person | None:
    """The top of the person's unit's chain above them; None when their line manager is
    outside their unit (or they have none)."""
    head: Person | None = None
    for manager in managers_above(session, person):
        if (manager.area, manager.unit) != (person.area, person.unit):
            break
        head = manager
    return head


def alert_recipients(session: Session, lawyer: Person) -> list[Person]:
    """The line manager and the Unit Head, once each, line manager first."""
    found: list[Person] = []
    for manager in (line_manager(session, lawyer), unit_head(session, lawyer)):
        if manager is not None and all(manager.id != f.id for f in found):
            found.append(manager)
    return found


def team_ids(session: Session, manager_id: int) -> set[int]:
    """Everybody who reports to the manager, directly or through other managers."""
    team: set[int] = set()
    frontier = {manager_id}
    while frontier:
        reports = set(session.scalars(select(Person.id).where(Person.manager_id.in_(frontier))))
        frontier = reports - team - {manager_id}
        team |= frontier
    return team


def manages(session: Session, manager: Person, person: Person) -> bool:
    return any(m.id == manager.id for m in managers_above(session, person))
