"""The board's funnel plot: each Area's share of reviews meeting the standard against its number
of inspected reviews, with control limits around the national share, so the board sees which
differences are more than chance.

Reviews are independent (one overall mark each), so the limits are the binomial ones, by the
normal approximation: p0 +/- z sqrt(p0 (1 - p0) / n), clipped to [0, 1], at z = 1.96 (95%) and
z = 3.09 (99.8%). An Area outside the 99.8% limits is unlikely to differ by chance alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

Z_95 = 1.959963984540054
Z_998 = 3.090232306167813  # two-sided 99.8%


class Position(StrEnum):
    WITHIN = "within the 95% limits"
    BEYOND_95 = "beyond the 95% limits"
    BEYOND_998 = "beyond the 99.8% limits"


@dataclass(frozen=True)
class Limits:
    low: float
    high: float


def control_limits(national: float, n: int, z: float) -> Limits:
    if n <= 0:
        raise ValueError(f"need at least one review, got {n}")
    half = z * math.sqrt(national * (1 - national) / n)
    return Limits(max(0.0, national - half), min(1.0, national + half))


def position(share: float, national: float, n: int) -> Position:
    wide, narrow = control_limits(national, n, Z_998), control_limits(national, n, Z_95)
    if not wide.low <= share <= wide.high:
        return Position.BEYOND_998
    if not narrow.low <= share <= narrow.high:
        return Position.BEYOND_95
    return Position.WITHIN
