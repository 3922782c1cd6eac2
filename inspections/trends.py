"""Trend statistics: shares with 95% intervals, means, changes between periods, and the rule
that hides small groups.

Marks within one inspection are not independent (one inspector, one review), so a share of
marks is the ratio estimator sum(y_i) / sum(m_i) over inspections i (y_i marks fully met of m_i),
with the cluster-robust (sandwich) variance n/(n-1) * sum((y_i - p m_i)^2) / (sum m_i)^2; its
interval is Wilson's with the effective number of marks p(1-p)/variance (between the number of
inspections and of marks) and Student's t on n-1 degrees of freedom in place of the normal
quantile. A share of reviews (one per inspection), or of marks on one question, is a plain
Wilson interval. tests/unit/test_trend_statistics.py checks the variance against statsmodels
and the coverage by simulation.

A change is flagged only when the two periods' intervals do not overlap: a conservative test
(two overlapping 95% intervals can still differ significantly), chosen so that a manager is
not sent chasing noise in groups of a few dozen inspections.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from scipy.stats import t as student_t

MIN_GROUP = 5
FEWER_THAN_MIN = "fewer than 5"
Z_95 = 1.959963984540054  # the standard normal quantile for a two-sided 95% interval


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def overlaps(self, other: Interval) -> bool:
        return self.low <= other.high and other.low <= self.high


def wilson_interval(successes: float, trials: float, *, z: float = Z_95) -> Interval | None:
    """The Wilson score interval for a proportion; None when there were no trials.

    Unlike the normal approximation it stays inside [0, 1] and is sensible at 0 and n successes,
    which small teams reach often.
    """
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials, got {successes} of {trials}")
    if trials == 0:
        return None
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    # At 0 and n successes the bound is exactly 0 or 1; rounding would leave it a hair inside.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(low, high)


@dataclass(frozen=True)
class Clusters:
    """What the marks' grouping into inspections adds: the number of inspections with marks,
    and the sums over them of y_i^2, y_i m_i and m_i^2 (y_i fully met of m_i marks)."""

    n: int = 0
    yy: int = 0
    ym: int = 0
    mm: int = 0

    def __add__(self, other: Clusters) -> Clusters:
        return Clusters(
            self.n + other.n, self.yy + other.yy, self.ym + other.ym, self.mm + other.mm
        )


def t_quantile(degrees_of_freedom: int) -> float:
    """Student's t for a two-sided 95% interval (scipy)."""
    return float(student_t.ppf(0.975, degrees_of_freedom))


def clustered_interval(successes: int, trials: int, clusters: Clusters) -> Interval | None:
    """The interval of a share of marks grouped into inspections (see the module docstring)."""
    if trials == 0 or clusters.n == 0:
        return None
    n, p = clusters.n, successes / trials
    if n == 1:  # one inspection: as much as one trial, and no spread to estimate
        return wilson_interval(p, 1.0, z=Z_95)
    spread = clusters.yy - 2 * p * clusters.ym + p * p * clusters.mm
    variance = n / (n - 1) * max(spread, 0.0) / (trials * trials)
    effective = float(n) if variance <= 0 else p * (1 - p) / variance
    effective = min(float(trials), max(float(n), effective))
    return wilson_interval(p * effective, effective, z=t_quantile(n - 1))


@dataclass(frozen=True)
class Share:
    """successes out of trials, e.g. marks fully met out of marks given. With clusters, the
    trials are marks grouped into inspections and the interval allows for it; with only
    `at_least` (the inspections the marks come from, when nothing finer is known) it is the
    cautious interval that counts each inspection as one trial."""

    successes: int = 0
    trials: int = 0
    # How the interval is worked out, not part of what the share is: equal counts are equal.
    clusters: Clusters | None = field(default=None, compare=False)
    at_least: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.trials < 0 or not 0 <= self.successes <= self.trials:
            raise ValueError(f"need 0 <= successes <= trials, got {self.successes}/{self.trials}")

    @property
    def value(self) -> float | None:
        return self.successes / self.trials if self.trials else None

    @property
    def interval(self) -> Interval | None:
        if self.clusters is not None:
            return clustered_interval(self.successes, self.trials, self.clusters)
        if self.at_least is not None and self.trials:
            p = self.successes / self.trials
            n = float(max(1, min(self.at_least, self.trials)))
            return wilson_interval(p * n, n)
        return wilson_interval(self.successes, self.trials)

    def __add__(self, other: Share) -> Share:
        """Counts add up; what is known of the grouping is kept only when both sides know it."""
        clusters = (
            self.clusters + other.clusters
            if self.clusters is not None and other.clusters is not None
            else None
        )
        return Share(self.successes + other.successes, self.trials + other.trials, clusters)


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    NONE = "none"  # no flagged change: intervals overlap, or a period had nothing to compare


@dataclass(frozen=True)
class Change:
    difference: float | None  # current share minus previous share
    direction: Direction

    @property
    def flagged(self) -> bool:
        return self.direction is not Direction.NONE


def change_between(current: Share, previous: Share) -> Change:
    now, before = current.interval, previous.interval
    if now is None or before is None or current.value is None or previous.value is None:
        return Change(None, Direction.NONE)
    difference = current.value - previous.value
    if now.overlaps(before):
        return Change(difference, Direction.NONE)
    return Change(difference, Direction.UP if difference > 0 else Direction.DOWN)


@dataclass(frozen=True)
class Spread:
    """The median and the 90th percentile of some durations (hours, days)."""

    median: float
    p90: float


def spread_of(values: Sequence[float]) -> Spread | None:
    """None without values. The 90th percentile interpolates between the observed values
    (statistics.quantiles' "inclusive" method, R's type 7)."""
    if not values:
        return None
    if len(values) == 1:
        return Spread(values[0], values[0])
    p90 = statistics.quantiles(values, n=10, method="inclusive")[-1]
    return Spread(statistics.median(values), p90)


def mean(total: float, count: int) -> float | None:
    if count < 0:
        raise ValueError(f"count must not be negative: {count}")
    return total / count if count else None


def is_suppressed(inspections: int) -> bool:
    """Groups of fewer than MIN_GROUP inspections are shown only as "fewer than 5": with so
    few, a figure would point at individual reviews and lawyers."""
    return inspections < MIN_GROUP


def shown_count(inspections: int) -> str:
    return FEWER_THAN_MIN if is_suppressed(inspections) else str(inspections)
