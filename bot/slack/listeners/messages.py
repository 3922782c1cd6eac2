"""A message typed into the app's DM: nothing reads it, so the person is told at once what to
use instead. What they typed is neither stored nor logged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import App, Say

from bot import refusals
from bot.slack.context import BotContext


def register(app: App, ctx: BotContext) -> None:
    app.event("message")(on_message)


def on_message(event: Mapping[str, Any], say: Say) -> None:
    """Only a person's own new message in a DM with the app: not the app's posts (which carry a
    bot id), and not edits, deletions or other subtypes."""
    if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
        return
    say(text=refusals.TYPED_MESSAGE)
