from __future__ import annotations

from datetime import timedelta

import pytest
from test_blocks_support import (
    NOW,
    all_text,
    assert_valid_message,
    assert_valid_view,
    buttons,
    review,
)

from bot.slack.blocks import actions
from bot.slack.blocks.actions import ActionValue, ModalContext, decode_metadata, read_click
from bot.slack.blocks.assignment import (
    assignment_message,
    decline_modal,
    escalation_message,
    reminder_message,
    unassigned_alert,
)
from bot.slack.blocks.viewmodels import AssignmentCard, AssignmentState, QueueItem
from inspections.lifecycle import Status


def test_assignment_message_shows_the_review_with_local_due_time() -> None:
    payload = assignment_message(AssignmentCard(11, 1, review()))
    assert_valid_message(payload)
    assert payload["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "New inspection"},
    }
    fields = next(b["fields"] for b in payload["blocks"] if "fields" in b)
    assert [f["text"] for f in fields] == [
        "*URN*\n42AB1234525",
        "*Review type*\nPre-charge decision",
        "*Area*\nThames and Chiltern",
        "*Lawyer*\nSam Example",
        "*Completed*\nTue 17 Nov 2026, 10:00",
        "*Due*\nTue 24 Nov 2026, 14:00",
    ]
    assert payload["text"] == (
        "New inspection: 42AB1234525 (Pre-charge decision), due Tue 24 Nov 2026, 14:00"
    )


def test_assignment_message_offers_start_and_decline_carrying_the_card_version() -> None:
    payload = assignment_message(AssignmentCard(11, 4, review()))
    start, decline = buttons(payload["blocks"])
    assert (start["text"]["text"], start.get("style")) == ("Start inspection", "primary")
    assert (decline["text"]["text"], decline.get("style")) == ("Decline", None)
    assert read_click(start) == actions.Click(actions.START, ActionValue(11, 4))
    assert read_click(decline) == actions.Click(actions.DECLINE, ActionValue(11, 4))


@pytest.mark.parametrize(
    ("state", "words"), [("started", "You started"), ("declined", "You declined")]
)
def test_after_start_or_decline_the_message_has_no_buttons_and_says_what_happened(
    state: AssignmentState, words: str
) -> None:
    payload = assignment_message(AssignmentCard(11, 2, review(), state=state))
    assert_valid_message(payload)
    assert buttons(payload["blocks"]) == []
    assert words in all_text(payload["blocks"])


def test_the_lawyers_name_is_escaped_not_read_as_a_mention() -> None:
    payload = assignment_message(AssignmentCard(11, 1, review(lawyer_name="<!channel> & co")))
    assert "*Lawyer*\n&lt;!channel&gt; &amp; co" in all_text(payload["blocks"])


def test_decline_modal_requires_a_reason_and_remembers_the_card() -> None:
    view = decline_modal(AssignmentCard(11, 4, review()), channel="D01", ts="1.000200")
    assert_valid_view(view)
    assert view["callback_id"] == actions.DECLINE_MODAL
    reason = next(b for b in view["blocks"] if b["type"] == "input")
    assert reason["block_id"] == actions.REASON_BLOCK
    assert reason["element"]["action_id"] == actions.INPUT_ACTION
    assert reason.get("optional", False) is False
    assert decode_metadata(view["private_metadata"]) == ModalContext(
        11, 4, channel="D01", ts="1.000200"
    )


def test_reminder_before_the_due_date_offers_to_start() -> None:
    item = QueueItem(11, 2, review(), status=Status.ASSIGNED)
    payload = reminder_message(item, now=NOW)
    assert_valid_message(payload)
    assert "is due by Tue 24 Nov 2026, 14:00" in all_text(payload["blocks"])
    assert [b["action_id"] for b in buttons(payload["blocks"])] == [actions.START]


def test_reminder_after_the_due_date_says_how_overdue_and_offers_to_resume() -> None:
    item = QueueItem(11, 2, review(), status=Status.IN_PROGRESS, answered=4, total=19)
    payload = reminder_message(item, now=NOW + timedelta(days=3))
    assert_valid_message(payload)
    text = all_text(payload["blocks"])
    assert "is now 2 days overdue" in text
    assert "You have answered 4 of 19 questions." in text
    assert [b["action_id"] for b in buttons(payload["blocks"])] == [actions.RESUME]


def test_escalation_names_the_urn_inspector_due_date_and_lateness() -> None:
    payload = escalation_message(
        review(), inspector_name="Alex Inspector", now=NOW + timedelta(days=3)
    )
    assert_valid_message(payload)
    fields = [f["text"] for b in payload["blocks"] if "fields" in b for f in b["fields"]]
    assert "*URN*\n42AB1234525" in fields
    assert "*Inspector*\nAlex Inspector" in fields
    assert "*Due*\nTue 24 Nov 2026, 14:00" in fields
    assert "*Overdue by*\n2 days" in fields
    assert buttons(payload["blocks"]) == []


def test_unassigned_alert_explains_the_review_is_waiting() -> None:
    payload = unassigned_alert(review(due_at=None), reason="Everyone eligible is away.")
    assert_valid_message(payload)
    text = all_text(payload["blocks"])
    assert "no inspector is eligible" in text
    assert "Everyone eligible is away." in text
    assert "*Due*\nNot set yet" in text


def test_very_long_names_are_shortened_not_rejected() -> None:
    long = review(area="A" * 5000, lawyer_name="B" * 5000)
    for payload in (
        assignment_message(AssignmentCard(11, 1, long)),
        escalation_message(long, inspector_name="C" * 5000, now=NOW),
        unassigned_alert(long, reason="D" * 5000),
    ):
        assert_valid_message(payload)
