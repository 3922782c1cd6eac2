"""Which questions the inspector is asked follows the outcome intake gave the review: walked
through the real app against the stand-in, answering every mark Fully met and every gate No."""

from __future__ import annotations

import pytest
from support.inspection_support import start
from support.slack_world import Assigned

from bot.offline.driver import SlackDriver
from bot.offline.standin import SlackStandIn

THE_CHARGING_DECISION = {
    "charge_decision_correct",
    "full_code_test_reasoned",
    "charges_reflect_offending",
    "charge_rationale_recorded",
}
ACTION_PLAN = {"action_plan_proportionate", "action_plan_dates", "action_plan_dcp_review"}


def asked(assigned: Assigned, driver: SlackDriver, standin: SlackStandIn) -> list[str]:
    talk = start(assigned, driver, standin)
    seen: list[str] = []
    talk.answer_all_passing(seen)
    assert standin.violations == []
    return seen


@pytest.mark.parametrize("review_outcome", ["action_plan"])
def test_an_action_plan_is_never_asked_about_the_charges_or_the_code_test_decision(
    review_outcome: str, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    seen = set(asked(assigned, driver, standin))

    assert seen & THE_CHARGING_DECISION == set()
    assert "nfa_decision_correct" not in seen and "victim_communication" not in seen
    # The second action plan's review is behind a gate answered No.
    assert ACTION_PLAN - seen == {"action_plan_dcp_review"}


@pytest.mark.parametrize("review_outcome", ["charge"])
def test_a_charge_is_asked_about_the_decision_and_the_charges(
    review_outcome: str, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    seen = set(asked(assigned, driver, standin))

    assert seen >= THE_CHARGING_DECISION
    assert seen & ACTION_PLAN == set() and "nfa_decision_correct" not in seen


@pytest.mark.parametrize("review_outcome", ["no_further_action"])
def test_no_further_action_is_asked_whether_the_decision_was_correct(
    review_outcome: str, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    seen = asked(assigned, driver, standin)

    assert {"nfa_decision_correct", "nfa_meeting_held"} <= set(seen)
    assert "charge_decision_correct" not in seen and "charges_reflect_offending" not in seen
    assert seen[-3:] == ["overall_mark", "key_learning_point", "good_practice"]
