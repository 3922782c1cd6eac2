"""Shared checks for the Block Kit renderer tests, and tests that those checks do catch errors.

A payload passes when slack_sdk parses every block back to exactly what we rendered (so no
field was misspelt or silently dropped), its validators pass, and the local Slack stand-in's
limit checks, which the Slack tests also use, find nothing wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.offline.standin.limits import message_errors, view_errors
from bot.slack.blocks.viewmodels import ReviewInfo

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)


def review(**changes: Any) -> ReviewInfo:
    fields: dict[str, Any] = {
        "urn": "42AB1234525",
        "review_type": "pre_charge_decision",
        "area": "Thames and Chiltern",
        "lawyer_name": "Sam Example",
        "completed_at": datetime(2026, 11, 17, 10, 0, tzinfo=UTC),
        "due_at": datetime(2026, 11, 24, 14, 0, tzinfo=UTC),
        "timezone": "Europe/London",
    }
    fields.update(changes)
    return ReviewInfo(**fields)


def check_blocks(blocks: list[dict[str, Any]]) -> None:
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        assert parsed.to_dict() == block  # to_dict() also runs validate_json()


def assert_valid_message(payload: dict[str, Any]) -> None:
    assert set(payload) == {"text", "blocks"}
    assert isinstance(payload["text"], str) and payload["text"].strip()
    assert 1 <= len(payload["blocks"]) <= 50
    check_blocks(payload["blocks"])
    assert message_errors(payload) == []


def assert_valid_view(view: dict[str, Any]) -> None:
    assert 1 <= len(view["blocks"]) <= 100
    check_blocks(view["blocks"])
    View(**view).validate_json()
    assert view_errors(view) == []


def elements(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every interactive element: in actions blocks, as accessories, and in inputs."""
    for block in blocks:
        yield from block.get("elements", []) if block["type"] == "actions" else ()
        if "accessory" in block:
            yield block["accessory"]
        if "element" in block:
            yield block["element"]


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in elements(blocks) if e["type"] == "button"]


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Every piece of text in the blocks, to look for words without caring where they are."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(found)


def test_the_check_rejects_a_button_label_over_slacks_limit() -> None:
    button = {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "x" * 76}}
    with pytest.raises(SlackObjectFormationError):
        check_blocks([{"type": "actions", "elements": [button]}])


def test_the_check_rejects_a_misspelt_field_that_slack_would_drop() -> None:
    with pytest.raises(AssertionError):
        check_blocks([{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "acessory": 1}])


def test_the_check_rejects_a_message_of_more_than_fifty_blocks() -> None:
    with pytest.raises(AssertionError):
        assert_valid_message({"text": "x", "blocks": [{"type": "divider"}] * 51})
