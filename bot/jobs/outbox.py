"""Delivers due outbox messages to Slack: claim briefly, send, then record each outcome.

Claims are committed before anything is sent, so no database transaction stays open across a
network call, and another instance passes over what this one holds. A message is marked sent
only once Slack has accepted it, with the channel and ts it got; a failure that survives the
WebClient's own retries goes back with a growing delay (storage.outbox.mark_failed).
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


@dataclass(frozen=True)
class _Delivery:
    message_id: int
    dedupe_key: str
    kind: str
    channel: str | None
    recipient_person_id: int | None
    slack_user_id: str | None
    payload: dict[str, Any]


class _Undeliverable(Exception):
    def __init__(self, error: str, *, permanent: bool) -> None:
        super().__init__(error)
        self.error = error
        self.permanent = permanent


def dispatch_due(
    session_factory: Callable[[], Session],
    client: WebClient,
    *,
    now: datetime,
    batch: int = DEFAULT_BATCH,
    lease: timedelta = outbox.DEFAULT_LEASE,
) -> DispatchReport:
    """Sends what is due."""
    deliveries = _claim(session_factory, now=now, batch=batch, lease=lease)
    # Measured on the real clock (now may be a test's or the demo's simulated time). One send
    # can take minutes at worst (timeouts, Retry-After sleeps), so no new send starts once half
    # the lease is gone: a claim must not lapse while its message is still being sent, or
    # another instance could send it too.
    deadline = time.monotonic() + lease.total_seconds() / 2
    sent = retrying = dead = 0
    dm_channels: dict[str, str] = {}  # one conversations.open per user per run
    for done, delivery in enumerate(deliveries):
        if time.monotonic() >= deadline:
            log.warning("outbox: %d messages left for the next run", len(deliveries) - done)
            break
        result = _attempt(client, delivery, dm_channels)
        if isinstance(result, _Undeliverable):
            if _record_failure(session_factory, delivery, result, now=now):
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
    return DispatchReport(
        claimed=len(deliveries),
        sent=sent,
        retrying=retrying,
        dead=dead,
        deferred=len(deliveries) - sent - retrying - dead,
    )


def _attempt(
    client: WebClient, delivery: _Delivery, dm_channels: dict[str, str]
) -> tuple[str, str] | _Undeliverable:
    try:
        return _send(client, delivery, dm_channels)
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
        )
        dead = message.status == "failed"
        uow.commit()
    return dead


def _claim(
    session_factory: Callable[[], Session], *, now: datetime, batch: int, lease: timedelta
) -> list[_Delivery]:
    with UnitOfWork(session_factory) as uow:
        messages = outbox.claim_due(uow.session, now=now, limit=batch, lease=lease)
        deliveries = [
            _Delivery(
                message_id=m.id,
                dedupe_key=m.dedupe_key,
                kind=m.kind,
                channel=m.channel,
                recipient_person_id=m.recipient_person_id,
                slack_user_id=_slack_user_id(uow.session, m.recipient_person_id),
                payload=dict(m.payload),
            )
            for m in messages
        ]
        uow.commit()
    return deliveries


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


def _send(client: WebClient, delivery: _Delivery, dm_channels: dict[str, str]) -> tuple[str, str]:
    try:
        channel = delivery.channel or _dm_channel(client, delivery, dm_channels)
        if delivery.kind == FILES_KIND:
            thread_ts = str(delivery.payload["thread_ts"])
            upload_payload_files(client, delivery.payload, channel=channel, thread_ts=thread_ts)
            return channel, thread_ts
        response = client.chat_postMessage(
            channel=channel,
            text=str(delivery.payload.get("text") or ""),
            blocks=delivery.payload.get("blocks"),
        )
    except SlackApiError as exc:
        code = str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
        raise _Undeliverable(code, permanent=code in PERMANENT_ERRORS) from exc
    except (SlackClientError, OSError) as exc:
        # Connection refused, reset or timed out after the client's own retries.
        raise _Undeliverable(f"{type(exc).__name__}: {exc}", permanent=False) from exc
    return str(response["channel"]), str(response["ts"])


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
