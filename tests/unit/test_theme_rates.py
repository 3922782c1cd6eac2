"""Themes ranked by the share of marks short of Fully met, with intervals that allow for marks
being grouped by inspection (inspections.themes), checked by hand."""

from __future__ import annotations

import pytest

from inspections.themes import theme_rates

# Five inspections, two action-plan marks each; marks short of Fully met per inspection:
# 0, 1, 2, 0, 1. So 4 short of 10 marks: p = 0.4. Over inspections (y short of m marks):
# sum y^2 = 6, sum y m = 8, sum m^2 = 20; spread = 6 - 2(0.4)(8) + 0.16(20) = 2.8;
# variance = 5/4 x 2.8 / 10^2 = 0.035; effective marks = 0.4 x 0.6 / 0.035 = 6.857;
# Wilson's interval on 6.857 trials with Student's t on 4 degrees of freedom (2.7764):
# 0.0926 to 0.8132. (Ten independent marks would give the narrower 0.168 to 0.687.)
ACTION_PLANS = [
    (inspection, "action_plans", fully_met)
    for inspection, short in zip((1, 2, 3, 4, 5), (0, 1, 2, 0, 1), strict=True)
    for fully_met in (short < 1, short < 2)
]


def test_a_themes_rate_and_its_clustered_interval_by_hand() -> None:
    [rate] = theme_rates(ACTION_PLANS)

    assert (rate.theme, rate.inspections, rate.marks, rate.short) == ("action_plans", 5, 10, 4)
    assert rate.rate == pytest.approx(0.4)
    assert (rate.low, rate.high) == (
        pytest.approx(0.0926, abs=5e-5),
        pytest.approx(0.8132, abs=5e-5),
    )


def test_themes_are_ranked_by_rate_not_by_count_and_small_ones_are_hidden() -> None:
    # Language: 1 short of 5 marks in 5 inspections (20%), fewer short than action plans'
    # 4 but from half the marks; action plans 40%. Victim letters: 4 inspections, hidden.
    language = [(n, "written_language", n != 1) for n in range(1, 6)]
    letters = [(n, "victim_communication", False) for n in range(1, 5)]

    ranked = theme_rates([*language, *ACTION_PLANS, *letters])

    assert [(r.theme, r.short, r.marks) for r in ranked] == [
        ("action_plans", 4, 10),
        ("written_language", 1, 5),
    ]


def test_a_theme_whose_marks_are_all_fully_met_has_a_zero_rate_and_an_interval() -> None:
    [rate] = theme_rates([(n, "cps_direct", True) for n in range(1, 7)])

    assert (rate.rate, rate.low) == (0.0, 0.0)
    assert 0 < rate.high < 1
