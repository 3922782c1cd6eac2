"""Trend statistics and reporting periods: Wilson intervals, changes, suppression, periods."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from inspections.periods import (
    BadPeriod,
    PeriodKind,
    custom,
    month_of,
    months_covering,
    parse_period,
    quarter_of,
    range_period,
    week_of,
)
from inspections.trends import (
    FEWER_THAN_MIN,
    Clusters,
    Direction,
    Interval,
    Share,
    change_between,
    clustered_interval,
    is_suppressed,
    mean,
    shown_count,
    t_quantile,
    wilson_interval,
)

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Published values for the Wilson score interval at 95% (z = 1.96).
        (5, 10, 0.2366, 0.7634),
        (81, 263, 0.2553, 0.3662),  # Newcombe's worked example
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
    ],
)
def test_wilson_interval_matches_published_values(
    successes: int, trials: int, low: float, high: float
) -> None:
    interval = wilson_interval(successes, trials)

    assert interval is not None
    assert (round(interval.low, 4), round(interval.high, 4)) == (low, high)


def test_wilson_interval_is_exactly_zero_and_one_at_the_ends() -> None:
    assert wilson_interval(0, 7) == Interval(0.0, pytest.approx(0.3543, abs=1e-4))
    interval = wilson_interval(7, 7)
    assert interval is not None and interval.high == 1.0


def test_no_trials_give_no_interval_and_no_share() -> None:
    assert wilson_interval(0, 0) is None
    assert (Share().value, Share().interval) == (None, None)


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        Share(3, 2)


def test_shares_add_up() -> None:
    assert Share(3, 10) + Share(4, 5) == Share(7, 15)


def test_a_change_is_flagged_only_when_the_intervals_do_not_overlap() -> None:
    # 90/100 against 60/100: intervals about 83-94% and 50-69%, far apart.
    up = change_between(Share(90, 100), Share(60, 100))
    # 70/100 against 60/100: intervals overlap although the shares differ by 10 points.
    unclear = change_between(Share(70, 100), Share(60, 100))
    down = change_between(Share(60, 100), Share(90, 100))

    assert (up.direction, up.flagged, up.difference) == (Direction.UP, True, pytest.approx(0.3))
    assert (unclear.direction, unclear.flagged) == (Direction.NONE, False)
    assert unclear.difference == pytest.approx(0.1)
    assert down.direction is Direction.DOWN


def test_nothing_to_compare_is_no_change() -> None:
    change = change_between(Share(9, 10), Share())

    assert (change.direction, change.difference) == (Direction.NONE, None)


def test_mean_of_nothing_is_none() -> None:
    assert mean(0.0, 0) is None
    assert mean(3.0, 4) == 0.75


def test_groups_of_fewer_than_five_are_suppressed() -> None:
    assert [is_suppressed(n) for n in (0, 4, 5, 6)] == [True, True, False, False]
    assert (shown_count(4), shown_count(5)) == (FEWER_THAN_MIN, "5")
    assert FEWER_THAN_MIN == "fewer than 5"


def test_months_and_quarters_know_the_one_before() -> None:
    assert month_of(date(2026, 1, 15)).previous() == month_of(date(2025, 12, 1))
    assert quarter_of(date(2026, 2, 3)).previous() == quarter_of(date(2025, 11, 30))
    assert quarter_of(date(2026, 2, 3)).label == "2026-Q1"
    assert week_of(date(2026, 3, 4)).label == "2026-W10"
    assert week_of(date(2026, 3, 4)).previous().label == "2026-W09"


def test_a_custom_range_is_compared_with_as_many_days_before_it() -> None:
    period = custom(date(2026, 1, 10), date(2026, 1, 19))

    assert period.previous() == custom(date(2025, 12, 31), date(2026, 1, 9))
    assert period.label == "2026-01-10..2026-01-19"


def test_a_range_that_is_exactly_a_quarter_is_that_quarter() -> None:
    assert range_period(date(2026, 1, 1), date(2026, 3, 31)).kind is PeriodKind.QUARTER
    assert range_period(date(2026, 2, 1), date(2026, 2, 28)).kind is PeriodKind.MONTH
    assert range_period(date(2026, 1, 1), date(2026, 3, 30)).kind is PeriodKind.CUSTOM


def test_period_bounds_are_local_midnights_in_utc() -> None:
    # April starts at 00:00 BST, which is 23:00 UTC on 31 March.
    start, end = month_of(date(2026, 4, 1)).utc_bounds(LONDON)

    assert start == datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 4, 30, 23, 0, tzinfo=UTC)
    assert quarter_of(date(2026, 1, 1)).utc_bounds(LONDON)[0] == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quarter", quarter_of(date(2026, 5, 20))),
        ("last-quarter", quarter_of(date(2026, 3, 1))),
        ("month", month_of(date(2026, 5, 1))),
        ("last-month", month_of(date(2026, 4, 1))),
        ("2026-03", month_of(date(2026, 3, 1))),
        ("2025-Q4", quarter_of(date(2025, 10, 1))),
        ("2026-01-01..2026-02-15", custom(date(2026, 1, 1), date(2026, 2, 15))),
    ],
)
def test_periods_are_read_from_words(text: str, expected: object) -> None:
    assert parse_period(text, today=date(2026, 5, 20)) == expected


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026-02-30..2026-03-01", "fortnight"])
def test_unreadable_periods_say_so(text: str) -> None:
    with pytest.raises(BadPeriod):
        parse_period(text, today=date(2026, 5, 20))


def test_the_months_covering_a_range_include_both_ends() -> None:
    months = months_covering(date(2025, 11, 15), date(2026, 2, 1))

    assert [m.label for m in months] == ["2025-11", "2025-12", "2026-01"]


# Marks grouped by inspection ------------------------------------------------------------------


def clusters_of(pairs: list[tuple[int, int]]) -> Clusters:
    """(fully met, marks) per inspection."""
    return Clusters(
        n=sum(1 for _, m in pairs if m),
        yy=sum(y * y for y, _ in pairs),
        ym=sum(y * m for y, m in pairs),
        mm=sum(m * m for _, m in pairs),
    )


def test_students_t_is_the_published_value() -> None:
    # Tables of Student's t, two-sided 95%: 11 degrees of freedom 2.201, 5: 2.571, 30: 2.042.
    assert [round(t_quantile(df), 3) for df in (11, 5, 30)] == [2.201, 2.571, 2.042]


def test_the_clustered_interval_by_hand() -> None:
    # 3 inspections: 4 of 4, 2 of 4, 3 of 4 marks fully met: p = 9/12 = 0.75. Residuals
    # y - p m: 1, -1, 0, so the variance is 3/2 x 2 / 144 = 1/48, and the effective number of
    # marks p(1-p) / (1/48) = 9, inside [3 inspections, 12 marks]; Wilson on 6.75 of 9 with
    # t(2) = 4.303.
    found = clustered_interval(9, 12, clusters_of([(4, 4), (2, 4), (3, 4)]))

    expected = wilson_interval(6.75, 9, z=4.302652729911275)
    assert found is not None and expected is not None
    assert (found.low, found.high) == (pytest.approx(expected.low), pytest.approx(expected.high))
    # By hand: z^2 = 18.51; centre (0.75 + 18.51/18) / (1 + 18.51/9) = 0.5818, half 0.3930.
    assert (round(found.low, 4), round(found.high, 4)) == (0.1888, 0.9748)


def test_the_cluster_robust_variance_is_statsmodels_for_random_data() -> None:
    import random

    import numpy as np
    import statsmodels.api as sm

    rng = random.Random(7)
    for _ in range(20):
        pairs = [
            (rng.randint(0, m), m) for m in (rng.randint(3, 15) for _ in range(rng.randint(4, 30)))
        ]
        marks = [mark for y, m in pairs for mark in [1.0] * y + [0.0] * (m - y)]
        groups = [i for i, (_, m) in enumerate(pairs) for _ in range(m)]
        fit = sm.OLS(np.array(marks), np.ones((len(marks), 1))).fit(
            cov_type="cluster", cov_kwds={"groups": np.array(groups), "use_correction": True}
        )
        fully, total = sum(y for y, _ in pairs), sum(m for _, m in pairs)
        p, c = fully / total, clusters_of(pairs)
        ours = c.n / (c.n - 1) * (c.yy - 2 * p * c.ym + p * p * c.mm) / total**2
        assert fit.params[0] == pytest.approx(p)
        assert float(fit.cov_params()[0, 0]) == pytest.approx(ours, rel=1e-9, abs=1e-15)


def _simulated_coverage(
    *, groups: int, inspections: int, share: float, icc: float
) -> tuple[float, float]:
    """How often the nominal 95% intervals cover the true share, as this module computes them
    and as pooled Wilson intervals (every mark an independent trial) did. Each inspection's
    own rate is drawn from a beta distribution with the given intra-class correlation, its 9 to
    15 marks from that rate."""
    import random

    rng = random.Random(2026)
    a, b = share * (1 / icc - 1), (1 - share) * (1 / icc - 1)
    clustered = pooled = 0
    for _ in range(groups):
        pairs = []
        for _ in range(inspections):
            rate, m = rng.betavariate(a, b), rng.randint(9, 15)
            pairs.append((sum(rng.random() < rate for _ in range(m)), m))
        fully, total = sum(y for y, _ in pairs), sum(m for _, m in pairs)
        ours = Share(fully, total, clusters=clusters_of(pairs)).interval
        naive = wilson_interval(fully, total)
        assert ours is not None and naive is not None
        clustered += ours.low <= share <= ours.high
        pooled += naive.low <= share <= naive.high
    return clustered / groups, pooled / groups


def test_simulated_coverage_of_the_share_fully_met_is_near_95_percent() -> None:
    # An Area's quarter: 20 inspections of about 12 marks, 80% fully met, intra-class 0.3.
    ours, pooled = _simulated_coverage(groups=2000, inspections=20, share=0.8, icc=0.3)

    assert 0.93 <= ours <= 0.97, ours
    assert pooled < 0.75, pooled  # the pooled Wilson intervals, as before: far too narrow
