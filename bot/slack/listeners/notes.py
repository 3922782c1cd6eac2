"""Short notes only the user who acted sees (where they clicked, else in their DM with the app),
which message was clicked, the words of a refusal, and a message updated in place.

Slack refuses an ephemeral message to someone who is not in the conversation: a card lives in
the inspector's (or lawyer's) DM with the app, so a click on it by anyone else (a forwarded
card, a forged payload) cannot be answered there. Their own DM with the app always can, so
the note goes there instead of being lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import refusals
from bot.slack.blocks.actions import StaleOrMalformedAction

Body = Mapping[str, Any]

# chat.postEphemeral's errors for a user (or the app) not in the conversation.
NOT_IN_CONVERSATION = frozenset({"user_not_in_channel", "channel_not_found", "not_in_channel"})


def message_of(body: Body) -> tuple[str | None, str | None]:
    """The (channel, ts) of the message clicked; (None, None) for a view or the App Home."""
    container = body.get("container") or {}
    if container.get("type") != "message":
        return None, None
    return container.get("channel_id"), container.get("message_ts")


def updatable_message_of(body: Body) -> tuple[str | None, str | None]:
    """The (channel, ts) of the message clicked when the app can update it: an ephemeral
    message (the queue shown where `/dip queue` was typed) cannot be."""
    if (body.get("container") or {}).get("is_ephemeral"):
        return None, None
    return message_of(body)


def tell_clicker(client: WebClient, body: Body, text: str) -> None:
    """A note to whoever clicked, beside the message they clicked."""
    tell(client, str(body["user"]["id"]), message_of(body)[0], text)


def tell(client: WebClient, user_id: str, channel: str | None, text: str) -> None:
    """A note to `user_id` in `channel` when they are in it, else in their DM with the app."""
    if channel is not None:
        try:
            client.chat_postEphemeral(channel=channel, user=user_id, text=text)
            return
        except SlackApiError as refused:
            if refused.response.get("error") not in NOT_IN_CONVERSATION:
                raise
    direct = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postEphemeral(channel=direct, user=user_id, text=text)


def refusal_text(refusal: Exception) -> str:
    """What the person who acted is told: a click that cannot be read gets one plain sentence."""
    if isinstance(refusal, StaleOrMalformedAction):
        return refusals.UNREADABLE
    return str(refusal)


def update_message(client: WebClient, channel: str, ts: str, payload: Mapping[str, Any]) -> None:
    client.chat_update(channel=channel, ts=ts, text=payload["text"], blocks=payload["blocks"])
