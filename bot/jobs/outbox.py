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
there, it is marked sent where it landed instead of being posted again (bot/jobs/posting.py).
The dispatcher's client (bot.slack.client.make_outbox_client) never repeats a post on its own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.jobs.posting import FILES_KIND, ClaimLost, Delivery, Undeliverable, send
from bot.slack.files import FILES_KEY
from storage import outbox
from storage.models import Person
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

DEFAULT_BATCH = 50


@dataclass(frozen=True)
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0  # failed this time, to be tried again later
    dead: int = 0  # failed for good: dead-lettered
    deferred: int = 0  # claimed but not tried, to keep within the lease: taken up again later


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

        def keep_claim(delivery: Delivery = delivery) -> bool:
            """Renewed just before Slack is asked, so the claim outlives the call."""
            return _renew(session_factory, delivery, until=clock() + lease)

        result = _attempt(client, delivery, dm_channels, keep_claim)
        if result is None:  # our claim lapsed and another dispatcher holds it: theirs now
            stalled.add(recipient)
            continue
        if isinstance(result, Undeliverable):
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


def _attempt(
    client: WebClient,
    delivery: Delivery,
    dm_channels: dict[str, str],
    keep_claim: Callable[[], bool],
) -> tuple[str, str] | Undeliverable | None:
    """Where the message landed, why it did not, or None when the claim was lost first."""
    try:
        return send(client, delivery, dm_channels, keep_claim)
    except ClaimLost:
        return None
    except Undeliverable as failure:
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
        return Undeliverable(f"{type(exc).__name__}: {exc}", permanent=False)


def _record_failure(
    session_factory: Callable[[], Session],
    delivery: Delivery,
    failure: Undeliverable,
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
) -> list[Delivery]:
    with UnitOfWork(session_factory) as uow:
        claimed = outbox.claim_for_delivery(uow.session, now=now, limit=batch, lease=lease)
        deliveries = [
            Delivery(
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


def _renew(session_factory: Callable[[], Session], delivery: Delivery, *, until: datetime) -> bool:
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
    session: Session, delivery: Delivery, *, channel: str, ts: str, now: datetime
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
