"""Choosing an independent inspector for a sampled review.

An inspector must be independent of the lawyer: not the lawyer, not their line manager, and not
in their unit; by default also not in their Area whenever an inspector outside it can take the
review ("area_where_possible"); "area" always requires that, "unit" never does. Among those eligible
and below capacity, the least open workload wins; ties are broken by a hash of the review's key
and the inspector's email, which is deterministic yet spreads equal loads across inspectors.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Independence = Literal["unit", "area"]
IndependenceSetting = Literal["unit", "area", "area_where_possible"]
INDEPENDENCE_SETTINGS = ("area_where_possible", "area", "unit")


@dataclass(frozen=True)
class InspectorCandidate:
    person_id: int
    email: str
    area: str
    unit: str
    active: bool
    away: bool
    open_count: int  # inspections assigned to them and not yet completed


@dataclass(frozen=True)
class LawyerFacts:
    person_id: int
    email: str
    area: str
    unit: str
    line_manager_id: int | None


def ineligibility_reason(
    candidate: InspectorCandidate,
    lawyer: LawyerFacts,
    *,
    independence: Independence = "unit",
    capacity: int,
) -> str | None:
    """Why candidate cannot inspect this lawyer's review, in words for the audit; None if they can.

    The reasons are fixed phrases (no names or numbers), so they can be counted for a summary.
    """
    if not candidate.active:
        return "inactive"
    if candidate.away:
        return "away"
    if candidate.person_id == lawyer.person_id or _same(candidate.email, lawyer.email):
        return "is the lawyer"
    if candidate.person_id == lawyer.line_manager_id:
        return "is the lawyer's line manager"
    same_area = _same(candidate.area, lawyer.area)
    # Unit names repeat across Areas ("RASSO"), so a unit is only the same within one Area.
    if same_area and _same(candidate.unit, lawyer.unit):
        return "in the lawyer's unit"
    if independence == "area" and same_area:
        return "in the lawyer's Area"
    if candidate.open_count >= capacity:
        return "at capacity"
    return None


def choose_inspector(
    candidates: Iterable[InspectorCandidate],
    lawyer: LawyerFacts,
    *,
    independence: IndependenceSetting = "unit",
    capacity: int,
    tie_break_key: str,
) -> InspectorCandidate | None:
    """The eligible inspector with the least open work, or None when nobody is eligible.

    tie_break_key should identify the review (its sampling identity), so that equally loaded
    inspectors take turns across reviews while one review always gets the same answer.
    """
    found = list(candidates)
    if independence == "area_where_possible":
        # Outside the lawyer's Area when someone there can take it; else another unit will do,
        # so that a review is inspected while the case is live rather than kept waiting.
        return choose_inspector(
            found, lawyer, independence="area", capacity=capacity, tie_break_key=tie_break_key
        ) or choose_inspector(
            found, lawyer, independence="unit", capacity=capacity, tie_break_key=tie_break_key
        )
    eligible = [
        c
        for c in found
        if ineligibility_reason(c, lawyer, independence=independence, capacity=capacity) is None
    ]
    if not eligible:
        return None
    return min(
        eligible,
        key=lambda c: (c.open_count, _tie_break(tie_break_key, c.email), c.email.casefold()),
    )


def ineligibility_summary(
    candidates: Iterable[InspectorCandidate],
    lawyer: LawyerFacts,
    *,
    independence: IndependenceSetting = "unit",
    capacity: int,
) -> str:
    """One line for the admins' alert when a review has to wait, e.g. "2 away, 1 at capacity"."""
    # Waiting under "area_where_possible" means nobody outside the unit could take it either.
    rule: Independence = "unit" if independence == "area_where_possible" else independence
    reasons = Counter(
        ineligibility_reason(c, lawyer, independence=rule, capacity=capacity) for c in candidates
    )
    eligible = reasons.pop(None, 0)
    if not reasons and not eligible:
        return "no inspectors in the directory"
    parts = [f"{count} {reason}" for reason, count in sorted(reasons.items(), key=_most_first)]
    if eligible:
        parts.append(f"{eligible} eligible")
    return ", ".join(parts)


def _most_first(item: tuple[str | None, int]) -> tuple[int, str]:
    return -item[1], item[0] or ""


def _tie_break(key: str, email: str) -> bytes:
    # The separator keeps ("ab", "c") and ("a", "bc") apart.
    return hashlib.sha256(f"{key}\n{email.casefold()}".encode()).digest()


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()
