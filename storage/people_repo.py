"""Queries on the people directory. The rules about people live in inspections/ and the services."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from storage.models import Absence, Person, PersonRole


@dataclass(frozen=True)
class DirectoryEntry:
    """What intake and assignment need about one person, without an ORM object per person."""

    id: int
    email: str
    name: str
    area: str
    unit: str
    manager_id: int | None
    active: bool
    slack_user_id: str | None


_ENTRY_COLUMNS = (
    Person.id,
    Person.email,
    Person.name,
    Person.area,
    Person.unit,
    Person.manager_id,
    Person.active,
    Person.slack_user_id,
)


def all_emails(session: Session) -> set[str]:
    return set(session.scalars(select(Person.email)))


def people_by_email(session: Session) -> dict[str, Person]:
    """Every person as an ORM object (roles loaded), keyed by email: for the directory import."""
    return {p.email: p for p in session.scalars(select(Person))}


def entries_with_role(session: Session, role: str) -> list[DirectoryEntry]:
    query = (
        select(*_ENTRY_COLUMNS)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == role)
        .order_by(Person.id)
    )
    return [DirectoryEntry(*row) for row in session.execute(query)]


def units_by_area(session: Session) -> dict[str, set[str]]:
    """The units people of the directory belong to, by Area."""
    found: dict[str, set[str]] = {}
    for area, unit in session.execute(select(Person.area, Person.unit).distinct()):
        found.setdefault(area, set()).add(unit)
    return found


def lawyer_emails(session: Session) -> set[str]:
    query = (
        select(Person.email)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == "lawyer")
    )
    return set(session.scalars(query))


def entries_by_id(session: Session, ids: Collection[int]) -> dict[int, DirectoryEntry]:
    found: dict[int, DirectoryEntry] = {}
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        query = select(*_ENTRY_COLUMNS).where(Person.id.in_(wanted[start : start + 500]))
        found.update((row.id, DirectoryEntry(*row)) for row in session.execute(query))
    return found


def active_ids_with_role(session: Session, role: str) -> list[int]:
    query = (
        select(Person.id)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == role, Person.active)
        .order_by(Person.id)
    )
    return list(session.scalars(query))


def active_admin_ids(session: Session) -> list[int]:
    return active_ids_with_role(session, "admin")


def active_ccp_ids(session: Session, area: str) -> list[int]:
    """The Area's Chief Crown Prosecutors in the directory (usually one, or none)."""
    query = (
        select(Person.id)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == "ccp", Person.active, Person.area == area)
        .order_by(Person.id)
    )
    return list(session.scalars(query))


def away_between(session: Session, first: date, last: date) -> set[int]:
    """People with an absence overlapping the days first..last (inclusive)."""
    query = select(Absence.person_id).where(Absence.starts_on <= last, Absence.ends_on >= first)
    return set(session.scalars(query))


def find_by_email(session: Session, email: str) -> Person | None:
    return session.scalars(select(Person).where(Person.email == email.strip().lower())).first()


def find_by_slack_id(
    session: Session, slack_user_id: str, *, with_roles: bool = True
) -> Person | None:
    """``with_roles=False`` leaves the roles unloaded until read: a click on a card needs only
    the person's id, and it is on the path every answer takes."""
    query = select(Person).where(Person.slack_user_id == slack_user_id)
    if not with_roles:
        query = query.options(lazyload(Person.role_rows))
    return session.scalars(query).first()


def without_slack_id(session: Session) -> list[Person]:
    query = (
        select(Person).where(Person.slack_user_id.is_(None), Person.active).order_by(Person.email)
    )
    return list(session.scalars(query))


def slack_id_holders(session: Session) -> dict[str, str]:
    """Slack user id -> email of the person holding it."""
    query = select(Person.slack_user_id, Person.email).where(Person.slack_user_id.is_not(None))
    return {slack_id: email for slack_id, email in session.execute(query) if slack_id}


def managers_above(session: Session, person: Person) -> list[Person]:
    """The line manager, their manager, and so on to the top of the chain. A directory with a
    loop in it must not hang us, so the climb remembers where it has been."""
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


def team_ids(session: Session, manager_id: int) -> set[int]:
    """Everybody who reports to the manager, directly or through other managers."""
    team: set[int] = set()
    frontier = {manager_id}
    while frontier:
        reports = set(session.scalars(select(Person.id).where(Person.manager_id.in_(frontier))))
        frontier = reports - team - {manager_id}
        team |= frontier
    return team
