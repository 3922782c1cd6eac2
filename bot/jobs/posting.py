"""Posting one outbox message to Slack, exactly once: the post carries its outbox id in the
message metadata, and one whose earlier attempt may have landed unheard is first looked for in
the conversation's recent history. The claim is renewed just before Slack is asked
(``keep_claim``); a message another dispatcher took meanwhile is left to it (ClaimLost)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack.files import upload_payload_files

log = logging.getLogger(__name__)

FILES_KIND = "files"  # the files of a message already posted, for its thread

# Slack errors that the same request will meet again however often it is retried.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "user_not_found",
        "users_not_found",
        "is_archived",
        "cannot_dm_bot",
        "user_disabled",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
    }
)


# The message metadata that marks a post as an outbox message's, and how far back to look.
METADATA_EVENT = "dipsample_outbox_message"
HISTORY_LOOKBACK = 200


@dataclass(frozen=True)
class Delivery:
    message_id: int
    dedupe_key: str
    kind: str
    channel: str | None
    recipient_person_id: int | None
    slack_user_id: str | None
    payload: dict[str, Any]
    claimed_until: datetime
    may_have_landed: bool


class Undeliverable(Exception):
    def __init__(
        self, error: str, *, permanent: bool, retry_after: timedelta | None = None
    ) -> None:
        super().__init__(error)
        self.error = error
        self.permanent = permanent
        self.retry_after = retry_after


class ClaimLost(Exception):
    """Another dispatcher took the message over: this one leaves it alone."""


def send(
    client: WebClient,
    delivery: Delivery,
    dm_channels: dict[str, str],
    keep_claim: Callable[[], bool],
) -> tuple[str, str]:
    try:
        channel = delivery.channel or dm_channel(client, delivery, dm_channels)
        if delivery.kind == FILES_KIND:
            thread_ts = str(delivery.payload["thread_ts"])
            if not keep_claim():
                raise ClaimLost
            upload_payload_files(client, delivery.payload, channel=channel, thread_ts=thread_ts)
            return channel, thread_ts
        if delivery.may_have_landed:
            found = landed(client, channel, delivery.message_id)
            if found is not None:
                log.info("outbox message %s had reached Slack already", delivery.message_id)
                return channel, found
        if not keep_claim():
            raise ClaimLost
        response = client.chat_postMessage(
            channel=channel,
            text=str(delivery.payload.get("text") or ""),
            blocks=delivery.payload.get("blocks"),
            metadata={
                "event_type": METADATA_EVENT,
                "event_payload": {"outbox_id": delivery.message_id},
            },
        )
    except SlackApiError as exc:
        code = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
        raise Undeliverable(
            code, permanent=code in PERMANENT_ERRORS, retry_after=retry_after_of(exc)
        ) from exc
    except (SlackClientError, OSError) as exc:
        # Connection refused, reset or timed out after the client's own retries.
        raise Undeliverable(f"{type(exc).__name__}: {exc}", permanent=False) from exc
    return str(response["channel"]), str(response["ts"])


def landed(client: WebClient, channel: str, message_id: int) -> str | None:
    """The ts of the outbox message in the conversation's recent history, if an earlier
    attempt posted it."""
    history = client.conversations_history(
        channel=channel, limit=HISTORY_LOOKBACK, include_all_metadata=True
    )
    for message in history.get("messages") or []:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") == METADATA_EVENT and payload.get("outbox_id") == message_id:
            return str(message["ts"])
    return None


def retry_after_of(exc: SlackApiError) -> timedelta | None:
    """Slack's Retry-After on a 429: that message waits so long, the others go on."""
    if exc.response.status_code != 429:
        return None
    headers = {str(k).lower(): v for k, v in (exc.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return timedelta(seconds=max(1, int(str(value))))
    except ValueError:
        return timedelta(seconds=1)


def dm_channel(client: WebClient, delivery: Delivery, dm_channels: dict[str, str]) -> str:
    user_id = delivery.slack_user_id
    if user_id is None:
        raise Undeliverable(
            f"person {delivery.recipient_person_id} has no Slack user id: "
            "add it to the people directory (or let the import look it up by email)",
            permanent=True,
        )
    if user_id not in dm_channels:
        opened = client.conversations_open(users=user_id)
        dm_channels[user_id] = str(opened["channel"]["id"])
    return dm_channels[user_id]
