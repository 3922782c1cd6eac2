"""Dates in the feedback follow DIPSAMPLE_TIMEZONE, not London's, when the Submit button is
clicked in the real app."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from support.slack_world import LAWYER, Assigned

from bot.jobs.outbox import DispatchReport
from bot.offline.demo.cast import Member as CastMember
from bot.offline.demo.players import Inspector
from bot.offline.driver import SlackDriver
from bot.offline.standin import SlackStandIn
from bot.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, timezone=ZoneInfo("America/Los_Angeles"))


def test_the_completed_time_in_the_feedback_is_in_the_configured_zone(
    assigned: Assigned,
    driver: SlackDriver,
    standin: SlackStandIn,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    inspector = Inspector(
        CastMember(**dataclasses.asdict(assigned.inspector)), driver, standin, seed=7
    )
    inspector.start(assigned.message)
    while not inspector.on_summary():
        inspector.answer_current(critical=True)
    inspector.answer("Submit")
    deliver_outbox()

    feedback = str(standin.messages_to(LAWYER.slack_id)[0].blocks)
    # The review was completed at 09:30 UTC on Monday 2 March: 01:30 in Los Angeles.
    assert "Mon 2 Mar 2026, 01:30" in feedback
    assert "09:30" not in feedback
