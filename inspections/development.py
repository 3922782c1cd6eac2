"""A lawyer's development record: their own marks over the last quarters, by theme of the Annual
Rape Scrutiny Report, for the lawyer and their line manager ("prosecutor skills will be assessed
to target any further development", seed 000).

Each cell is the count of the lawyer's scored marks under the theme in the quarter and how many
of them were Fully met: counts, not percentages, because one lawyer's quarter holds a handful
of inspections, and a share of three marks would read as more than it is. It goes to direct
messages only (scopes.may_see_lawyer says who may ask).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from inspections.periods import Period


@dataclass(frozen=True)
class Cell:
    fully_met: int = 0
    marks: int = 0


@dataclass(frozen=True)
class ThemeLine:
    theme: str
    cells: tuple[Cell, ...]  # one per quarter, oldest first


@dataclass(frozen=True)
class DevelopmentRecord:
    lawyer: str
    quarters: tuple[str, ...]  # oldest first
    inspections: tuple[int, ...]  # per quarter
    themes: tuple[ThemeLine, ...]  # in the order given, themes with no mark left out


def development_record(
    lawyer: str,
    quarters: Sequence[Period],
    marks: Iterable[tuple[int, str, str, bool]],
    theme_order: Sequence[str],
) -> DevelopmentRecord:
    """marks: (inspection id, quarter label, theme, fully met), one per mark and theme; marks
    outside the quarters are ignored."""
    labels = [q.label for q in quarters]
    index = {label: i for i, label in enumerate(labels)}
    counts: dict[str, list[list[int]]] = {}
    seen: list[set[int]] = [set() for _ in labels]
    for inspection_id, quarter, theme, fully_met in marks:
        if quarter not in index:
            continue
        i = index[quarter]
        seen[i].add(inspection_id)
        cell = counts.setdefault(theme, [[0, 0] for _ in labels])[i]
        cell[0] += int(fully_met)
        cell[1] += 1
    lines = tuple(
        ThemeLine(theme, tuple(Cell(*c) for c in counts[theme]))
        for theme in theme_order
        if theme in counts
    )
    return DevelopmentRecord(lawyer, tuple(labels), tuple(len(s) for s in seen), lines)
