"""Themes by rate: for each theme of the Annual Rape Scrutiny Report (questionnaires.themes), the
share of its marks short of Fully met, with a 95% interval that allows for marks being grouped
by inspection, for the learning programme and the APR pack's qualitative page.

What a rate means: of the scored marks given under the theme's questions in the period, the
share that were Partially met or Not met. An inspection gives several marks under a theme (five
questions on third-party material, say), and they are not independent: a lawyer who handled
third-party material badly tends to miss all five. So the interval is the cluster-robust one of
inspections.trends (the inspection is the cluster), never the binomial interval of the marks
pooled. Themes marked in fewer than 5 inspections are not shown (groups under 5 are hidden).
Ranked by rate, highest first; ties by the number of marks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inspections.trends import Clusters, clustered_interval, is_suppressed


@dataclass(frozen=True)
class ThemeRate:
    theme: str
    inspections: int
    marks: int
    short: int  # marks short of Fully met
    rate: float
    low: float
    high: float


def theme_rates(marks: Iterable[tuple[int, str, bool]]) -> list[ThemeRate]:
    """(inspection id, theme, fully met) per mark, a mark under several themes once for each."""
    tallies: dict[str, dict[int, list[int]]] = {}
    for inspection_id, theme, fully_met in marks:
        given = tallies.setdefault(theme, {}).setdefault(inspection_id, [0, 0])
        given[0] += 0 if fully_met else 1
        given[1] += 1
    rates = []
    for theme, by_inspection in tallies.items():
        if is_suppressed(len(by_inspection)):
            continue
        short = sum(y for y, _ in by_inspection.values())
        total = sum(m for _, m in by_inspection.values())
        clusters = Clusters(
            n=len(by_inspection),
            yy=sum(y * y for y, _ in by_inspection.values()),
            ym=sum(y * m for y, m in by_inspection.values()),
            mm=sum(m * m for _, m in by_inspection.values()),
        )
        interval = clustered_interval(short, total, clusters)
        assert interval is not None  # five or more inspections, each with a mark
        rates.append(
            ThemeRate(
                theme, len(by_inspection), total, short, short / total, interval.low, interval.high
            )
        )
    return sorted(rates, key=lambda r: (-r.rate, -r.marks, r.theme))
