"""The funnel plot's control limits, checked against the binomial formula by hand."""

from __future__ import annotations

import pytest

from inspections.funnel import Position, control_limits, position


@pytest.mark.parametrize(
    ("n", "low_95", "high_95", "low_998", "high_998"),
    [
        # p0 = 0.6: sqrt(0.24 / 20) = 0.109545; 1.96 x that = 0.214706, 3.09 x = 0.338520.
        (20, 0.385294, 0.814706, 0.261480, 0.938520),
        # sqrt(0.24 / 100) = 0.048990; x 1.96 = 0.096018; x 3.09 = 0.151390.
        (100, 0.503982, 0.696018, 0.448610, 0.751390),
    ],
)
def test_limits_are_the_binomial_ones_for_two_group_sizes(
    n: int, low_95: float, high_95: float, low_998: float, high_998: float
) -> None:
    narrow = control_limits(0.6, n, 1.959963984540054)
    wide = control_limits(0.6, n, 3.090232306167813)

    assert (narrow.low, narrow.high) == (
        pytest.approx(low_95, abs=1e-5),
        pytest.approx(high_95, abs=1e-5),
    )
    assert (wide.low, wide.high) == (
        pytest.approx(low_998, abs=1e-5),
        pytest.approx(high_998, abs=1e-5),
    )


def test_an_area_is_placed_by_the_limits_of_its_own_size() -> None:
    assert position(0.60, 0.6, 20) is Position.WITHIN
    assert position(0.36, 0.6, 20) is Position.BEYOND_95  # under 0.3853, over 0.2615
    assert position(0.20, 0.6, 20) is Position.BEYOND_998
    assert position(0.50, 0.6, 100) is Position.BEYOND_95  # a bigger Area: narrower limits


def test_limits_stay_within_zero_and_one() -> None:
    found = control_limits(0.95, 5, 3.09)
    assert (found.low, found.high) == (pytest.approx(0.6488, abs=1e-4), 1.0)
