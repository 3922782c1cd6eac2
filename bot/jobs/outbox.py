"""Delivers due outbox messages to Slack: claim briefly, send, then record each outcome.

Claims are committed before anything is sent, so no database transaction stays open across a
network call, and another instance passes over what this one holds; each claim is renewed
just before its message is sent, so a live dispatcher keeps it and a dead one's lapses within
seconds. A message is marked sent only once Slack has accepted it, with the channel and ts it
got; a failure goes back with a growing delay, or for Slack's Retry-After when rate limited
(storage.outbox.mark_failed), while the others go on.

Exactly once: every post carries the outbox id in Slack's message metadata. A message whose
earlier attempt may have reached Slack unheard (its answer lost, or its sender killed between
Slack's answer and the mark) is first looked for in the conversation's recent history; if it is
there, it is marked sent where it landed instead of being posted again. The dispatcher's client
(bot.slack.client.make_outbox_client) never repeats a post on its own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.slack.files import FILES_KEY, upload_payload_files
from storage import outbox
from storage.models import Person
from storage.uow import UnitOfWork

FILES_KIND = "files"  # the files of a message already posted, for its thread

log = logging.getLogger(__name__)

DEFAULT_BATCH = 50
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


@dataclass(frozen=True)
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0  # failed this time, to be tried again later
    dead: int = 0  # failed for good: dead-lettered
    deferred: int = 0  # claimed but not tried, to keep within the lease: taken up again later


# The message metadata that marks a post as an outbox message's, and how far back to look.
METADATA_EVENT = "dipsample_outbox_message"
HISTORY_LOOKBACK = 200


@dataclass(frozen=True)
class _Delivery:
    message_id: int
    dedupe_key: str
    kind: str
    channel: str | None
    recipient_person_id: int | None
    slack_user_id: str | None
    payload: dict[str, Any]
    claimed_until: datetime
    may_have_landed: bool


class _Undeliverable(Exception):
    def __init__(
        self, error: str, *, permanent: bool, retry_after: timedelta | None = None
    ) -> None:
        super().__init__(error)
        self.error = error
        self.permanent = permanent
        self.retry_after = retry_after


def dispatch_due(
    session_factory: Callable[[], Session],
    client: WebClient,
    *,
    now: datetime,
    batch: int = DEFAULT_BATCH,
    lease: timedelta = outbox.DEFAULT_LEASE,
) -> DispatchReport:
    """Sends what is due."""
    started = time.monotonic()
    deliveries = _claim(session_factory, now=now, batch=batch, lease=lease)
    sent = retrying = dead = 0
    dm_channels: dict[str, str] = {}  # one conversations.open per user per run
    # Recipients whose message went back or was taken over: their later ones wait their turn.
    stalled: set[tuple[int | None, str | None]] = set()
    left: dict[int, datetime] = {}  # claims taken and not tried, to give up at the end

    def clock() -> datetime:
        # now may be a test's or the demo's time: the run's own time is added to it.
        return now + timedelta(seconds=time.monotonic() - started)

    for delivery in deliveries:
        recipient = (delivery.recipient_person_id, delivery.channel)
        if recipient in stalled:
            left[delivery.message_id] = delivery.claimed_until
            continue

        def keep_claim(delivery: _Delivery = delivery) -> bool:
            """Renewed just before Slack is asked, so the claim outlives the call."""
            return _renew(session_factory, delivery, until=clock() + lease)

        result = _attempt(client, delivery, dm_channels, keep_claim)
        if result is None:  # our claim lapsed and another dispatcher holds it: theirs now
            stalled.add(recipient)
            continue
        if isinstance(result, _Undeliverable):
            stalled.add(recipient)
            # A rate limit's wait runs from Slack's answer; a backoff from the run's now.
            at = clock() if result.retry_after is not None else now
            if _record_failure(session_factory, delivery, result, now=at):
                dead += 1
            else:
                retrying += 1
            continue
        channel, ts = result
        with UnitOfWork(session_factory) as uow:
            outbox.mark_sent(uow.session, delivery.message_id, channel=channel, ts=ts, now=now)
            _enqueue_files(uow.session, delivery, channel=channel, ts=ts, now=now)
            uow.commit()
        sent += 1
    if left:
        with UnitOfWork(session_factory) as uow:
            outbox.release(uow.session, left)
            uow.commit()
    return DispatchReport(
        claimed=len(deliveries),
        sent=sent,
        retrying=retrying,
        dead=dead,
        deferred=len(deliveries) - sent - retrying - dead,
    )


class _ClaimLost(Exception):
    """Another dispatcher took the message over: this one leaves it alone."""


def _attempt(
    client: WebClient,
    delivery: _Delivery,
    dm_channels: dict[str, str],
    keep_claim: Callable[[], bool],
) -> tuple[str, str] | _Undeliverable | None:
    """Where the message landed, why it did not, or None when the claim was lost first."""
    try:
        return _send(client, delivery, dm_channels, keep_claim)
    except _ClaimLost:
        return None
    except _Undeliverable as failure:
        log.warning(
            "outbox message %s (%s) not delivered: %s",
            delivery.message_id,
            delivery.kind,
            failure.error,
        )
        return failure
    except Exception as exc:
        # A bug or a payload the client cannot encode: counted as a failed attempt, so that
        # it ends in the dead letters instead of blocking the queue on every run.
        log.exception("outbox message %s (%s) failed", delivery.message_id, delivery.kind)
        return _Undeliverable(f"{type(exc).__name__}: {exc}", permanent=False)


def _record_failure(
    session_factory: Callable[[], Session],
    delivery: _Delivery,
    failure: _Undeliverable,
    *,
    now: datetime,
) -> bool:
    """Whether the message is now dead-lettered."""
    with UnitOfWork(session_factory) as uow:
        message = outbox.mark_failed(
            uow.session,
            delivery.message_id,
            error=failure.error,
            now=now,
            permanent=failure.permanent,
            retry_after=failure.retry_after,
        )
        dead = message.status == "failed"
        uow.commit()
    return dead


def _claim(
    session_factory: Callable[[], Session], *, now: datetime, batch: int, lease: timedelta
) -> list[_Delivery]:
    with UnitOfWork(session_factory) as uow:
        claimed = outbox.claim_for_delivery(uow.session, now=now, limit=batch, lease=lease)
        deliveries = [
            _Delivery(
                message_id=c.message.id,
                dedupe_key=c.message.dedupe_key,
                kind=c.message.kind,
                channel=c.message.channel,
                recipient_person_id=c.message.recipient_person_id,
                slack_user_id=_slack_user_id(uow.session, c.message.recipient_person_id),
                payload=dict(c.message.payload),
                claimed_until=now + lease,
                may_have_landed=c.may_have_landed,
            )
            for c in claimed
        ]
        uow.commit()
    return deliveries


def _renew(session_factory: Callable[[], Session], delivery: _Delivery, *, until: datetime) -> bool:
    with UnitOfWork(session_factory) as uow:
        held = outbox.renew_claim(
            uow.session, delivery.message_id, held_until=delivery.claimed_until, until=until
        )
        uow.commit()
    return held


def _slack_user_id(session: Session, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    return person.slack_user_id if person is not None else None


def _enqueue_files(
    session: Session, delivery: _Delivery, *, channel: str, ts: str, now: datetime
) -> None:
    """A message's files (the APR pack's CSV and chart) travel as their own outbox message,
    uploaded into the posted message's thread: a failed upload is then retried on its own,
    without posting the message twice."""
    files = delivery.payload.get(FILES_KEY)
    if not files or delivery.kind == FILES_KIND:
        return
    outbox.enqueue(
        session,
        dedupe_key=f"{delivery.dedupe_key}:files",
        kind=FILES_KIND,
        channel=channel,
        payload={FILES_KEY: files, "thread_ts": ts},
        now=now,
    )


def _send(
    client: WebClient,
    delivery: _Delivery,
    dm_channels: dict[str, str],
    keep_claim: Callable[[], bool],
) -> tuple[str, str]:
    try:
        channel = delivery.channel or _dm_channel(client, delivery, dm_channels)
        if delivery.kind == FILES_KIND:
            thread_ts = str(delivery.payload["thread_ts"])
            if not keep_claim():
                raise _ClaimLost
            upload_payload_files(client, delivery.payload, channel=channel, thread_ts=thread_ts)
            return channel, thread_ts
        if delivery.may_have_landed:
            landed = _landed(client, channel, delivery.message_id)
            if landed is not None:
                log.info("outbox message %s had reached Slack already", delivery.message_id)
                return channel, landed
        if not keep_claim():
            raise _ClaimLost
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
        raise _Undeliverable(
            code, permanent=code in PERMANENT_ERRORS, retry_after=_retry_after(exc)
        ) from exc
    except (SlackClientError, OSError) as exc:
        # Connection refused, reset or timed out after the client's own retries.
        raise _Undeliverable(f"{type(exc).__name__}: {exc}", permanent=False) from exc
    return str(response["channel"]), str(response["ts"])


def _landed(client: WebClient, channel: str, message_id: int) -> str | None:
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


def _retry_after(exc: SlackApiError) -> timedelta | None:
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


def _dm_channel(client: WebClient, delivery: _Delivery, dm_channels: dict[str, str]) -> str:
    user_id = delivery.slack_user_id
    if user_id is None:
        raise _Undeliverable(
            f"person {delivery.recipient_person_id} has no Slack user id: "
            "add it to the people directory (or let the import look it up by email)",
            permanent=True,
        )
    if user_id not in dm_channels:
        opened = client.conversations_open(users=user_id)
        dm_channels[user_id] = str(opened["channel"]["id"])
    return dm_channels[user_id]
