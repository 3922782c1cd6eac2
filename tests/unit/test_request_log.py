"""What the one-line request log says of a Slack request: never its contents."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest

from bot.http.request_log import described, record

URN = "42AB1234525"


def test_a_click_is_its_kind_action_and_user() -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": "U0INSPEC01"},
        "actions": [{"action_id": "inspection.answer", "value": URN}],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    assert described(body) == ("block_actions", "inspection.answer", "U0INSPEC01")


def test_a_modal_is_its_callback_id() -> None:
    payload = {"type": "view_submission", "user": {"id": "U1"}, "view": {"callback_id": "m"}}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    assert described(body) == ("view_submission", "m", "U1")


def test_a_command_and_an_event() -> None:
    command = urlencode({"command": "/dip", "text": f"away {URN}", "user_id": "U2"}).encode()
    event = json.dumps({"type": "event_callback", "event": {"type": "message", "user": "U3"}})
    assert described(command) == ("command", "/dip", "U2")
    assert described(event.encode()) == ("event_callback", "message", "U3")


@pytest.mark.parametrize(
    "body", [b"\xff\xfe", b"[" * 100_000, b"payload=%7Bnot-json", b"{}garbage", b"payload=[1]"]
)
def test_anything_else_is_unreadable(body: bytes) -> None:
    assert described(body) == ("unreadable", "", "")


def test_the_line_names_no_urn_and_no_text(caplog: pytest.LogCaptureFixture) -> None:
    command = urlencode({"command": "/dip", "text": f"away {URN} private", "user_id": "U2"})
    with caplog.at_level(logging.INFO, logger="bot.requests"):
        record(described(command.encode()), "200", 0.0123)
    assert caplog.messages == ["slack request kind=command action=/dip user=U2 status=200 ms=12.3"]


def test_a_forged_value_cannot_write_a_second_log_line(caplog: pytest.LogCaptureFixture) -> None:
    forged = urlencode({"command": "/dip\nslack request kind=forged", "user_id": "U2\r\nX"})
    with caplog.at_level(logging.INFO, logger="bot.requests"):
        record(described(forged.encode()), "401", 0.001)
    [line] = caplog.messages
    assert "\n" not in line and "\r" not in line
    assert "action=/dip?slack?request?kind?forged user=U2??X" in line
