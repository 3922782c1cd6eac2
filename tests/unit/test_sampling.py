import hashlib
import hmac
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from inspections.sampling import (
    AlwaysSelect,
    FloorSelection,
    LawyerMonth,
    MonthlyFloor,
    RateOverride,
    Rates,
    ReviewFacts,
    ReviewRef,
    Rule,
    SamplingDecision,
    SamplingPolicy,
    decide,
    draw,
    floor_top_up,
    month_window,
)

SECRET = b"test-sampling-secret"
EARLY_IN_MONTH = date(2026, 11, 3)
LATE_IN_MONTH = date(2026, 11, 20)


def policy(
    *,
    early_advice: float = 0.0,
    pre_charge_decision: float = 0.0,
    always_select: AlwaysSelect | None = None,
    monthly_floor: MonthlyFloor | None = None,
    area_rates: dict[str, RateOverride] | None = None,
) -> SamplingPolicy:
    return SamplingPolicy(
        version="2026-11-1",
        rates=Rates(early_advice=early_advice, pre_charge_decision=pre_charge_decision),
        always_select=always_select or AlwaysSelect(),
        monthly_floor=monthly_floor or MonthlyFloor(enabled=True, by_day=15),
        area_rates=area_rates or {},
    )


def review(**overrides: object) -> ReviewFacts:
    facts = ReviewFacts(
        identity="source:CMS-000001",
        urn="42AB1234525",
        review_type="pre_charge_decision",
        area="Wessex",
        unit="Wessex RASSO 1",
        lawyer_email="lawyer.one@example.test",
        completed_at=datetime(2026, 11, 3, 10, 15, tzinfo=UTC),
        action_plan_count=0,
        outcome="charge",
    )
    return replace(facts, **overrides)  # type: ignore[arg-type]


def decision_for(
    sampling_policy: SamplingPolicy,
    facts: ReviewFacts,
    *,
    sampled: bool = False,
    local_date: date = EARLY_IN_MONTH,
) -> SamplingDecision:
    return decide(
        sampling_policy,
        facts,
        secret=SECRET,
        lawyer_sampled_this_month=sampled,
        local_date=local_date,
    )


def test_draw_is_the_first_eight_bytes_of_the_hmac_over_two_to_the_64() -> None:
    digest = hmac.new(SECRET, b"source:CMS-000001", hashlib.sha256).digest()
    expected = int.from_bytes(digest[:8], "big") / 2**64

    assert draw(SECRET, "source:CMS-000001") == expected


def test_draw_is_reproducible_and_depends_on_secret_and_identity() -> None:
    first = draw(SECRET, "source:CMS-000001")

    assert draw(SECRET, "source:CMS-000001") == first
    assert draw(b"another-secret", "source:CMS-000001") != first
    assert draw(SECRET, "source:CMS-000002") != first


def test_draws_are_spread_evenly_over_zero_to_one() -> None:
    draws = [draw(SECRET, f"source:CMS-{n:06d}") for n in range(10_000)]
    deciles = [0] * 10
    for value in draws:
        deciles[int(value * 10)] += 1

    assert all(0.0 <= value < 1.0 for value in draws)
    assert 0.49 <= sum(draws) / len(draws) <= 0.51
    assert all(800 <= count <= 1200 for count in deciles), deciles


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        draw(b"", "source:CMS-000001")


def test_pre_charge_decision_with_three_action_plans_is_always_selected() -> None:
    result = decision_for(policy(), review(action_plan_count=3))

    assert result == SamplingDecision(
        selected=True,
        rule=Rule.PCD_ACTION_PLANS,
        draw=draw(SECRET, "source:CMS-000001"),
        policy_version="2026-11-1",
    )


def test_two_action_plans_or_an_early_advice_do_not_trigger_the_action_plan_rule() -> None:
    two_plans = decision_for(policy(), review(action_plan_count=2))
    early_advice = decision_for(
        policy(), review(review_type="early_advice", action_plan_count=5, outcome="advice_given")
    )

    assert (two_plans.selected, two_plans.rule) == (False, Rule.NOT_SELECTED)
    assert (early_advice.selected, early_advice.rule) == (False, Rule.NOT_SELECTED)


def test_action_plan_threshold_comes_from_the_policy() -> None:
    rules = AlwaysSelect(action_plan_threshold=5)

    assert decision_for(policy(always_select=rules), review(action_plan_count=4)).selected is False
    assert decision_for(policy(always_select=rules), review(action_plan_count=5)).rule == (
        Rule.PCD_ACTION_PLANS
    )


@pytest.mark.parametrize(
    ("outcome", "rule"),
    [
        ("threshold_charge", Rule.THRESHOLD_CHARGE),
        ("no_further_action", Rule.NO_FURTHER_ACTION),
    ],
)
def test_outcome_rules_always_select(outcome: str, rule: Rule) -> None:
    result = decision_for(policy(), review(outcome=outcome))

    assert (result.selected, result.rule) == (True, rule)


@pytest.mark.parametrize(
    ("rules", "facts"),
    [
        (AlwaysSelect(pcd_action_plans=False), {"action_plan_count": 4}),
        (AlwaysSelect(threshold_charge=False), {"outcome": "threshold_charge"}),
        (AlwaysSelect(no_further_action=False), {"outcome": "no_further_action"}),
    ],
)
def test_a_switched_off_rule_does_not_select(rules: AlwaysSelect, facts: dict[str, object]) -> None:
    result = decision_for(policy(always_select=rules), review(**facts))

    assert (result.selected, result.rule) == (False, Rule.NOT_SELECTED)


def test_action_plan_rule_is_checked_before_the_outcome_rules() -> None:
    result = decision_for(policy(), review(action_plan_count=3, outcome="threshold_charge"))

    assert result.rule == Rule.PCD_ACTION_PLANS


def test_always_select_rules_come_before_the_monthly_floor() -> None:
    result = decision_for(policy(), review(outcome="no_further_action"), local_date=LATE_IN_MONTH)

    assert result.rule == Rule.NO_FURTHER_ACTION


def test_monthly_floor_selects_an_unsampled_lawyers_review_from_by_day() -> None:
    on_the_day = decision_for(policy(), review(), local_date=date(2026, 11, 15))
    later = decision_for(policy(), review(), local_date=LATE_IN_MONTH)

    assert (on_the_day.selected, on_the_day.rule) == (True, Rule.MONTHLY_FLOOR)
    assert (later.selected, later.rule) == (True, Rule.MONTHLY_FLOOR)


def test_monthly_floor_waits_until_by_day() -> None:
    result = decision_for(policy(), review(), local_date=date(2026, 11, 14))

    assert (result.selected, result.rule) == (False, Rule.NOT_SELECTED)


def test_monthly_floor_does_not_select_when_the_lawyer_was_already_sampled() -> None:
    result = decision_for(policy(), review(), sampled=True, local_date=LATE_IN_MONTH)

    assert (result.selected, result.rule) == (False, Rule.NOT_SELECTED)


def test_monthly_floor_can_be_switched_off() -> None:
    off = policy(monthly_floor=MonthlyFloor(enabled=False, by_day=15))

    assert decision_for(off, review(), local_date=LATE_IN_MONTH).rule == Rule.NOT_SELECTED


def test_monthly_floor_comes_before_the_random_rate() -> None:
    result = decision_for(policy(pre_charge_decision=1.0), review(), local_date=LATE_IN_MONTH)

    assert result.rule == Rule.MONTHLY_FLOOR


def test_random_rate_selects_when_the_draw_is_below_the_rate() -> None:
    value = draw(SECRET, "source:CMS-000001")
    above = decision_for(policy(pre_charge_decision=value + 1e-9), review())
    at = decision_for(policy(pre_charge_decision=value), review())

    assert (above.selected, above.rule) == (True, Rule.RANDOM_RATE)
    assert (at.selected, at.rule) == (False, Rule.NOT_SELECTED)


def test_every_decision_stores_the_draw_and_policy_version() -> None:
    facts = [
        review(identity="source:A", action_plan_count=3),
        review(identity="source:B", outcome="threshold_charge"),
        review(identity="source:C"),
    ]

    results = [decision_for(policy(), f, local_date=LATE_IN_MONTH) for f in facts]
    results.append(decision_for(policy(), review(identity="source:D")))

    assert [r.draw for r in results] == [
        draw(SECRET, i) for i in ("source:A", "source:B", "source:C", "source:D")
    ]
    assert {r.policy_version for r in results} == {"2026-11-1"}


def test_observed_rate_matches_the_policy_rate_per_review_type() -> None:
    rates = policy(early_advice=0.2, pre_charge_decision=0.25)
    base = review(outcome=None)

    def observed(review_type: str) -> float:
        selected = sum(
            decision_for(
                rates, replace(base, identity=f"source:{review_type}-{n}", review_type=review_type)
            ).selected
            for n in range(10_000)
        )
        return selected / 10_000

    assert 0.18 <= observed("early_advice") <= 0.22
    assert 0.23 <= observed("pre_charge_decision") <= 0.27


def test_area_override_replaces_only_the_review_types_it_names() -> None:
    overridden = policy(
        early_advice=0.0,
        pre_charge_decision=0.0,
        area_rates={"London North": RateOverride(pre_charge_decision=1.0)},
    )

    assert overridden.rate_for("pre_charge_decision", "London North") == 1.0
    assert overridden.rate_for("early_advice", "London North") == 0.0
    assert overridden.rate_for("pre_charge_decision", "Wessex") == 0.0
    assert decision_for(overridden, review(area="London North")).rule == Rule.RANDOM_RATE
    assert decision_for(overridden, review(area="Wessex")).rule == Rule.NOT_SELECTED


def test_area_override_can_lower_a_rate_to_zero() -> None:
    overridden = policy(
        pre_charge_decision=1.0, area_rates={"CPS Direct": RateOverride(pre_charge_decision=0.0)}
    )

    assert decision_for(overridden, review(area="CPS Direct")).rule == Rule.NOT_SELECTED
    assert decision_for(overridden, review(area="Wessex")).rule == Rule.RANDOM_RATE


@pytest.mark.parametrize("rate", [-0.1, 1.5, float("nan")])
def test_policy_refuses_a_rate_outside_zero_to_one(rate: float) -> None:
    with pytest.raises(ValueError, match="rate"):
        Rates(early_advice=rate, pre_charge_decision=0.25)


def test_policy_refuses_a_floor_day_that_some_months_lack() -> None:
    with pytest.raises(ValueError, match="by_day"):
        MonthlyFloor(enabled=True, by_day=29)


def test_review_facts_refuse_a_naive_completion_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        review(completed_at=datetime(2026, 11, 3, 10, 15))


def test_review_facts_refuse_an_unknown_review_type() -> None:
    with pytest.raises(ValueError, match="review type"):
        review(review_type="charging")


def test_floor_top_up_selects_each_unsampled_lawyers_most_recent_review() -> None:
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    lawyers = [
        LawyerMonth(
            "lawyer.two@example.test",
            has_sampled_review=False,
            not_selected=[
                ReviewRef("source:T1", start),
                ReviewRef("source:T3", start + timedelta(days=3)),
                ReviewRef("source:T2", start + timedelta(days=1)),
            ],
        ),
        LawyerMonth(
            "lawyer.one@example.test",
            has_sampled_review=False,
            not_selected=[ReviewRef("source:O1", start)],
        ),
        LawyerMonth(
            "lawyer.three@example.test",
            has_sampled_review=True,
            not_selected=[ReviewRef("source:H1", start)],
        ),
        LawyerMonth("lawyer.four@example.test", has_sampled_review=False, not_selected=[]),
    ]

    result = floor_top_up(policy(), local_date=date(2026, 11, 15), lawyers=lawyers)

    assert result == [
        FloorSelection("lawyer.one@example.test", "source:O1", Rule.MONTHLY_FLOOR, "2026-11-1"),
        FloorSelection("lawyer.two@example.test", "source:T3", Rule.MONTHLY_FLOOR, "2026-11-1"),
    ]


def test_floor_top_up_does_nothing_before_by_day_or_when_switched_off() -> None:
    lawyers = [
        LawyerMonth(
            "lawyer.one@example.test",
            has_sampled_review=False,
            not_selected=[ReviewRef("source:O1", datetime(2026, 11, 2, 9, 0, tzinfo=UTC))],
        )
    ]
    off = policy(monthly_floor=MonthlyFloor(enabled=False, by_day=15))

    assert floor_top_up(policy(), local_date=date(2026, 11, 14), lawyers=lawyers) == []
    assert floor_top_up(off, local_date=LATE_IN_MONTH, lawyers=lawyers) == []


def test_month_window_is_the_local_calendar_month_in_utc() -> None:
    london = ZoneInfo("Europe/London")

    assert month_window(date(2026, 10, 20), london) == (
        datetime(2026, 9, 30, 23, 0, tzinfo=UTC),  # 1 October 00:00 BST
        datetime(2026, 11, 1, 0, 0, tzinfo=UTC),
    )
    assert month_window(date(2026, 12, 31), london) == (
        datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
        datetime(2027, 1, 1, 0, 0, tzinfo=UTC),
    )


def test_policy_refuses_an_override_for_an_unknown_area() -> None:
    with pytest.raises(ValueError, match="Londn North"):
        policy(area_rates={"Londn North": RateOverride(early_advice=0.5)})
