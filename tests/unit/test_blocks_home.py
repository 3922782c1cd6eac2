from __future__ import annotations

from datetime import timedelta

from test_blocks_support import (
    NOW,
    all_text,
    assert_valid_message,
    assert_valid_view,
    buttons,
    review,
)

from bot.slack.blocks import actions
from bot.slack.blocks.actions import ActionValue, Click, read_click
from bot.slack.blocks.home import EMPTY_QUEUE, home_view, queue_message
from bot.slack.blocks.viewmodels import QueueItem
from inspections.lifecycle import Status


def items(count: int) -> list[QueueItem]:
    """Due a day apart from two days ago; new, started and paused in turn."""
    statuses: tuple[Status, ...] = (Status.ASSIGNED, Status.IN_PROGRESS, Status.PAUSED)
    made = []
    for n in range(count):
        status = statuses[n % 3]
        made.append(
            QueueItem(
                inspection_id=100 + n,
                card_version=n,
                review=review(urn=f"42AB{n:05d}25", due_at=NOW + timedelta(days=n - 2)),
                status=status,
                answered=0 if status == "assigned" else 4,
                total=0 if status == "assigned" else 19,
            )
        )
    return made


def test_queue_lists_each_inspection_with_its_due_date_and_progress() -> None:
    payload = queue_message(items(3), now=NOW)
    assert_valid_message(payload)
    sections = [b["text"]["text"] for b in payload["blocks"] if "accessory" in b]
    assert sections == [
        "*42AB0000025* · Pre-charge decision · Thames and Chiltern\nLawyer: Sam Example\n"
        "Due Sun 22 Nov 2026, 09:30 · *overdue*\nNot started",
        "*42AB0000125* · Pre-charge decision · Thames and Chiltern\nLawyer: Sam Example\n"
        "Due Mon 23 Nov 2026, 09:30 · *overdue*\n4 of 19 questions answered",
        "*42AB0000225* · Pre-charge decision · Thames and Chiltern\nLawyer: Sam Example\n"
        "Due Tue 24 Nov 2026, 09:30\n4 of 19 questions answered · paused",
    ]
    assert payload["text"] == "You have 3 open inspections."


def test_queue_offers_start_for_new_inspections_and_resume_for_started_ones() -> None:
    clicks = [read_click(b) for b in buttons(queue_message(items(3), now=NOW)["blocks"])]
    assert clicks == [
        Click(actions.START, ActionValue(100, 0)),
        Click(actions.RESUME, ActionValue(101, 1)),
        Click(actions.RESUME, ActionValue(102, 2)),
    ]


def test_queue_shows_the_soonest_due_first_and_undated_last() -> None:
    undated = QueueItem(99, 0, review(urn="42AB9999925", due_at=None), status=Status.ASSIGNED)
    given = [undated, *reversed(items(3))]
    shown = [
        read_click(b).value.inspection_id for b in buttons(queue_message(given, now=NOW)["blocks"])
    ]
    assert shown == [100, 101, 102, 99]


def test_an_empty_queue_says_so_kindly() -> None:
    payload = queue_message([], now=NOW)
    assert_valid_message(payload)
    assert payload["text"] == EMPTY_QUEUE
    assert buttons(payload["blocks"]) == []


def test_a_queue_of_thirty_fits_one_message_with_a_button_each() -> None:
    payload = queue_message(items(30), now=NOW)
    assert_valid_message(payload)
    assert len(buttons(payload["blocks"])) == 30


def test_a_queue_longer_than_a_message_holds_says_how_many_are_not_shown() -> None:
    payload = queue_message(items(70), now=NOW)
    assert_valid_message(payload)
    shown = len(buttons(payload["blocks"]))
    assert f"…and {70 - shown} more inspections, not shown here." in all_text(payload["blocks"])


def test_home_shows_the_same_queue_and_a_short_help() -> None:
    view = home_view(items(30), now=NOW)
    assert_valid_view(view)
    assert view["type"] == "home"
    assert len(buttons(view["blocks"])) == 30
    text = all_text(view["blocks"])
    assert "`/dip queue`" in text and "`/dip away FROM TO`" in text


def test_home_with_a_very_long_queue_stays_within_a_hundred_blocks() -> None:
    view = home_view(items(150), now=NOW)
    assert_valid_view(view)
    assert "more inspections, not shown here." in all_text(view["blocks"])


def test_home_with_nothing_open_still_shows_the_help() -> None:
    view = home_view([], now=NOW)
    assert_valid_view(view)
    text = all_text(view["blocks"])
    assert EMPTY_QUEUE in text and "*How it works*" in text
