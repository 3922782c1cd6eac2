"""Who manages whom, as rules over a chain of managers: a lawyer's line manager is the first
above them, and the RASSO Unit Head of a unit is the manager at the top of that unit's chain
(climbing from the lawyer, the last manager still in the lawyer's Area and unit).

The chain itself is read from the directory by storage.people_repo.managers_above.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar


class Placed(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def area(self) -> str: ...
    @property
    def unit(self) -> str: ...


P = TypeVar("P", bound=Placed)


def unit_head(person: Placed, chain: Sequence[P]) -> P | None:
    """The top of the person's unit's chain above them (``chain``: their line manager, that
    manager's manager, and so on); None when their line manager is outside their unit."""
    head: P | None = None
    for manager in chain:
        if (manager.area, manager.unit) != (person.area, person.unit):
            break
        head = manager
    return head


def heads_unit(person: Placed, line_manager: Placed | None) -> bool:
    """Nobody above them in their own Area and unit: they are its Unit Head."""
    return line_manager is None or (line_manager.area, line_manager.unit) != (
        person.area,
        person.unit,
    )


def alert_recipients(person: Placed, chain: Sequence[P]) -> list[P]:
    """Who hears at once of a safeguard failure in the person's review: the line manager and
    the Unit Head, once each, line manager first."""
    found: list[P] = []
    for manager in (chain[0] if chain else None, unit_head(person, chain)):
        if manager is not None and all(manager.id != f.id for f in found):
            found.append(manager)
    return found


def manages(manager_id: int, chain: Sequence[Placed]) -> bool:
    """Whether the manager is anywhere in the person's chain above them."""
    return any(m.id == manager_id for m in chain)
