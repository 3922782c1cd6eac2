"""Who may see trends for what, from a person's roles and place in the management chain.

- the national lead (anyone with the `admin` role: the inspection lead who runs the programme
  nationally) sees everything: the country, any Area, any unit;
- an Area lead, meaning a manager at the top of their unit's chain (the RASSO Unit Head, or a
  Chief Crown Prosecutor above the units), sees their own Area and its units, as does anyone
  with the `ccp` role (the Area's Chief Crown Prosecutor);
- a line manager sees their team (everyone reporting to them, directly or not), a row per lawyer;
- a lawyer sees their own reviews.

Anything else is refused with a reason the person can act on. The directory has no separate
"national lead" role, so the programme's admins hold that view; giving it to someone else means
giving them the admin role.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from inspections.areas import AREAS


class ScopeKind(StrEnum):
    NATIONAL = "national"
    AREA = "area"
    UNIT = "unit"
    TEAM = "team"
    LAWYER = "lawyer"


class Breakdown(StrEnum):
    """What the rows of a summary are: one per Area, unit or lawyer."""

    AREA = "area"
    UNIT = "unit"
    LAWYER = "lawyer"


class Reach(StrEnum):
    NATIONAL = "national"
    AREA = "area"
    TEAM = "team"
    OWN = "own"
    NONE = "none"


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    label: str
    area: str | None = None
    unit: str | None = None
    lawyer_ids: frozenset[int] = frozenset()  # TEAM and LAWYER scopes only

    @property
    def breakdown(self) -> Breakdown | None:
        return {
            ScopeKind.NATIONAL: Breakdown.AREA,
            ScopeKind.AREA: Breakdown.UNIT,
            ScopeKind.UNIT: Breakdown.LAWYER,
            ScopeKind.TEAM: Breakdown.LAWYER,
            ScopeKind.LAWYER: None,
        }[self.kind]


@dataclass(frozen=True)
class Viewer:
    person_id: int
    roles: frozenset[str]
    area: str
    unit: str
    heads_unit: bool  # no manager above them in their own unit
    team: frozenset[int]  # everyone reporting to them, directly or through other managers


@dataclass(frozen=True)
class ScopeRequest:
    kind: str = "default"  # default, me, team, unit, area or national
    name: str | None = None  # the Area or unit asked for; None: the viewer's own


REQUEST_KINDS = ("me", "team", "unit", "area", "national")


class ScopeRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def reach(viewer: Viewer) -> Reach:
    if "admin" in viewer.roles:
        return Reach.NATIONAL
    if "ccp" in viewer.roles:  # an Area's Chief Crown Prosecutor
        return Reach.AREA
    if "manager" in viewer.roles:
        return Reach.AREA if viewer.heads_unit else Reach.TEAM
    if "lawyer" in viewer.roles:
        return Reach.OWN
    return Reach.NONE


def resolve(viewer: Viewer, request: ScopeRequest) -> Scope:
    """The scope asked for, or ScopeRefused saying why not."""
    kind = request.kind if request.kind in REQUEST_KINDS else _default_kind(viewer)
    if kind == "me":
        return _own(viewer)
    if kind == "team":
        return _team(viewer)
    if kind == "national":
        if reach(viewer) is not Reach.NATIONAL:
            raise ScopeRefused(_beyond(viewer, "national figures"))
        return Scope(ScopeKind.NATIONAL, "National")
    area = canonical_area(request.name) if kind == "area" and request.name else viewer.area
    if kind == "area":
        _check_area(viewer, area, "that Area")
        return Scope(ScopeKind.AREA, area, area=area)
    unit = (request.name or viewer.unit).strip()
    if reach(viewer) is Reach.NATIONAL and request.name:
        # Unit names are unique across the country; the national lead need not name the Area.
        return Scope(ScopeKind.UNIT, unit, unit=unit)
    _check_area(viewer, viewer.area, "that unit")
    return Scope(ScopeKind.UNIT, unit, area=viewer.area, unit=unit)


def canonical_area(name: str) -> str:
    wanted = " ".join(name.split()).lower()
    for area in AREAS:
        if area.lower() == wanted:
            return area
    raise ScopeRefused(f"{name.strip()!r} is not a CPS Area. The Areas are: {', '.join(AREAS)}.")


def find_area(words: str) -> str | None:
    """The Area these words name exactly (any case and spacing), or None."""
    wanted = " ".join(words.split()).lower()
    return next((area for area in AREAS if area.lower() == wanted), None)


def _default_kind(viewer: Viewer) -> str:
    return {
        Reach.NATIONAL: "national",
        Reach.AREA: "area",
        Reach.TEAM: "team",
        Reach.OWN: "me",
        Reach.NONE: "me",
    }[reach(viewer)]


def _own(viewer: Viewer) -> Scope:
    if "lawyer" not in viewer.roles:
        raise ScopeRefused("You have no reviews of your own in dipsample: nothing to show.")
    return Scope(ScopeKind.LAWYER, "Your reviews", lawyer_ids=frozenset({viewer.person_id}))


def _team(viewer: Viewer) -> Scope:
    if "manager" not in viewer.roles:
        raise ScopeRefused(_beyond(viewer, "team figures"))
    if not viewer.team:
        raise ScopeRefused("Nobody reports to you in the directory, so you have no team to show.")
    return Scope(ScopeKind.TEAM, "Your team", lawyer_ids=viewer.team)


def _check_area(viewer: Viewer, area: str, what: str) -> None:
    allowed = reach(viewer)
    if allowed is Reach.NATIONAL or (allowed is Reach.AREA and area == viewer.area):
        return
    raise ScopeRefused(_beyond(viewer, what))


def _beyond(viewer: Viewer, what: str) -> str:
    allowed = reach(viewer)
    if allowed is Reach.AREA:
        return (
            f"Sorry, your trends cover {viewer.area} only, so I can't show you {what}. "
            "The national inspection lead can see every Area."
        )
    if allowed is Reach.TEAM:
        return (
            f"Sorry, your trends cover your own team, so I can't show you {what}. "
            "Area and unit figures go to the RASSO Unit Head."
        )
    if allowed is Reach.OWN:
        return f"Sorry, you can see trends for your own reviews only, not {what}."
    return f"Sorry, you have no trends to see, so I can't show you {what}."


def may_see_lawyer(viewer: Viewer, lawyer_id: int, lawyer_area: str) -> bool:
    """Whether the viewer may see one lawyer's own marks (their development record): the
    lawyer themself, a manager they report to, their Area's leads, and the national lead."""
    allowed = reach(viewer)
    return (
        lawyer_id == viewer.person_id
        or allowed is Reach.NATIONAL
        or (allowed is Reach.AREA and lawyer_area == viewer.area)
        or (allowed is Reach.TEAM and lawyer_id in viewer.team)
    )
