"""The outbox: messages written with the change that causes them, delivered later with retries.

A message is enqueued once per dedupe key, claimed for a while (a lease) by one dispatcher,
then marked sent with where it landed, or failed with a growing delay. After MAX_ATTEMPTS
failures, or a failure that retrying cannot fix, it is dead-lettered (status "failed") and
audited, so an admin can see what never arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, event, exists, or_, select, text, update
from sqlalchemy.orm import Session, SessionTransaction, aliased, sessionmaker

from storage import audit
from storage.models import JsonDocument, OutboxMessage, UtcDateTime

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 8
# A dispatcher renews its claim on each message just before sending it, and a send is bounded
# by the client's timeout, so a live one keeps its claims; a dead one's lapse after this, and
# the next run (here or on another instance) takes them over, checking Slack first for what
# the dead one may have sent.
DEFAULT_LEASE = timedelta(seconds=20)
WRITTEN = "outbox_messages_written"  # in Session.info, until the transaction ends


# SQLAlchemy never caches the dialects' INSERT ... ON CONFLICT constructs (their classes set
# inherit_cache = False), so building one per message compiled it afresh each time, several
# times per submission. As text it is compiled once; both databases take this syntax.
_INSERT_UNLESS_KEY_EXISTS = text(
    "INSERT INTO outbox_messages (dedupe_key, kind, recipient_person_id, channel, payload,"
    " created_at, available_at, attempts, status)"
    " VALUES (:dedupe_key, :kind, :recipient_person_id, :channel, :payload, :created_at,"
    " :available_at, 0, 'pending')"
    " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
).bindparams(
    bindparam("payload", type_=JsonDocument),
    bindparam("created_at", type_=UtcDateTime()),
    bindparam("available_at", type_=UtcDateTime()),
)


def enqueue(
    session: Session,
    *,
    dedupe_key: str,
    kind: str,
    recipient_person_id: int | None = None,
    channel: str | None = None,
    payload: Mapping[str, Any],
    now: datetime,
    available_at: datetime | None = None,
) -> int | None:
    """The new message's id, or None when one with this dedupe key already exists.

    INSERT ... ON CONFLICT DO NOTHING rather than catching IntegrityError: a conflict then
    neither aborts a PostgreSQL transaction nor needs a savepoint, and a concurrent writer of
    the same key is waited for instead of raced.
    """
    if (recipient_person_id is None) == (channel is None):
        raise ValueError("give exactly one of recipient_person_id and channel")
    values = {
        "dedupe_key": dedupe_key,
        "kind": kind,
        "recipient_person_id": recipient_person_id,
        "channel": channel,
        "payload": dict(payload),
        "created_at": now,
        "available_at": available_at or now,
    }
    new_id = session.execute(_INSERT_UNLESS_KEY_EXISTS, values).scalar_one_or_none()
    if new_id is not None:
        session.info[WRITTEN] = True
    return None if new_id is None else int(new_id)


def on_commit_of_messages(sessions: sessionmaker[Session], callback: Callable[[], None]) -> None:
    """Call ``callback`` after each commit, by a session of ``sessions``, that wrote an outbox
    message: the dispatcher can then send it at once instead of at its next look."""

    def committed(session: Session) -> None:
        if session.info.get(WRITTEN):
            callback()

    def ended(session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:  # committed (and called back) or rolled back
            session.info.pop(WRITTEN, None)

    event.listen(sessions, "after_commit", committed)
    event.listen(sessions, "after_transaction_end", ended)


def existing_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of these dedupe keys have a message already (sent or not)."""
    query = select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(list(keys)))
    return set(session.scalars(query))


@dataclass(frozen=True)
class Claimed:
    message: OutboxMessage
    # An earlier attempt may have reached Slack without our hearing so: it failed (the answer
    # may have been lost after Slack took the message), or its claim lapsed unresolved (the
    # sender died between Slack's answer and the mark). Check Slack before sending it again.
    may_have_landed: bool


def claim_for_delivery(
    session: Session, *, now: datetime, limit: int, lease: timedelta = DEFAULT_LEASE
) -> list[Claimed]:
    """Pending messages that are due and not claimed by anyone else, now claimed until
    now + lease. The caller commits at once, so that other instances skip them.

    Messages to one person (or channel) arrive in the order written: one is held back while
    an earlier one to the same recipient is being sent elsewhere or waits to be tried again."""
    earlier = aliased(OutboxMessage)
    held_back = exists().where(
        earlier.status == "pending",
        earlier.id < OutboxMessage.id,
        or_(
            and_(
                OutboxMessage.recipient_person_id.is_not(None),
                earlier.recipient_person_id == OutboxMessage.recipient_person_id,
            ),
            and_(OutboxMessage.channel.is_not(None), earlier.channel == OutboxMessage.channel),
        ),
        or_(
            and_(earlier.last_error.is_not(None), earlier.available_at > now),
            earlier.claimed_until >= now,
        ),
    )
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.available_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            ~held_back,
        )
        .order_by(OutboxMessage.id)  # in the order written
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Rows another instance is claiming right now are passed over, not waited for.
        query = query.with_for_update(skip_locked=True)
    # SQLite needs nothing more: each transaction starts with BEGIN IMMEDIATE (storage/db.py).
    claimed = []
    for message in session.scalars(query):
        # mark_sent and mark_failed clear the claim: one still set was never resolved.
        unresolved = message.claimed_until is not None
        claimed.append(Claimed(message, may_have_landed=unresolved or message.attempts > 0))
        message.claimed_until = now + lease
    session.flush()
    return claimed


def release(session: Session, held: Mapping[int, datetime]) -> None:
    """Give up claims this dispatcher took and did not try (they go in the next run): each
    message id with the claim it took, released only if that claim is still the one held."""
    for message_id, held_until in held.items():
        session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == "pending",
                OutboxMessage.claimed_until == held_until,
            )
            .values(claimed_until=None)
            .execution_options(synchronize_session=False)
        )


def renew_claim(
    session: Session, message_id: int, *, held_until: datetime, until: datetime
) -> bool:
    """Extend this dispatcher's claim on a message to ``until``, if it still holds it (the
    claim is the one it took, ``held_until``); False when another has taken it meanwhile.
    The caller commits at once."""
    renewed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "pending",
            OutboxMessage.claimed_until == held_until,
        )
        .values(claimed_until=until)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    return renewed.first() is not None


def claim_due(
    session: Session, *, now: datetime, limit: int, lease: timedelta = DEFAULT_LEASE
) -> list[OutboxMessage]:
    """claim_for_delivery's messages alone."""
    return [c.message for c in claim_for_delivery(session, now=now, limit=limit, lease=lease)]


def delivered(session: Session, dedupe_key: str) -> tuple[str, str] | None:
    """Where the message with this key landed (channel, ts), once it has been sent."""
    found = session.execute(
        select(OutboxMessage.delivered_channel, OutboxMessage.delivered_ts).where(
            OutboxMessage.dedupe_key == dedupe_key, OutboxMessage.status == "sent"
        )
    ).first()
    if found is None or found.delivered_channel is None or found.delivered_ts is None:
        return None
    return found.delivered_channel, found.delivered_ts


def mark_sent(
    session: Session, message_id: int, *, channel: str, ts: str, now: datetime
) -> OutboxMessage:
    message = _get(session, message_id)
    message.status = "sent"
    message.sent_at = now
    message.delivered_channel = channel
    message.delivered_ts = ts
    message.claimed_until = None
    message.attempts += 1
    message.last_error = None
    audit.record(
        session,
        actor=audit.SYSTEM,
        action="outbox.delivered",
        entity_type="outbox_message",
        entity_id=message.id,
        details={
            "kind": message.kind,
            "dedupe_key": message.dedupe_key,
            "channel": channel,
            "ts": ts,
        },
        now=now,
    )
    return message


def retry_delay(
    attempts: int, *, base: timedelta = BACKOFF_BASE, cap: timedelta = BACKOFF_CAP
) -> timedelta:
    """The wait after the attempts-th failure (1, 2, ...): base, 2 base, 4 base, ... up to cap."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1: {attempts}")
    # The exponent is bounded so that a huge attempt count cannot overflow timedelta.
    return min(base * 2 ** min(attempts - 1, 20), cap)


def mark_failed(
    session: Session,
    message_id: int,
    *,
    error: str,
    now: datetime,
    permanent: bool = False,
    retry_after: timedelta | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    base: timedelta = BACKOFF_BASE,
    cap: timedelta = BACKOFF_CAP,
) -> OutboxMessage:
    """Try again after an exponential delay (or Slack's own ``retry_after``, for a rate limit);
    dead-letter after max_attempts or at once when permanent (a failure that retrying cannot
    fix, such as a recipient with no Slack id)."""
    message = _get(session, message_id)
    message.last_error = error
    message.claimed_until = None
    if retry_after is not None:
        # Slack refused it without doing anything (a rate limit): not a failed attempt, so
        # neither a step towards the dead letters nor a reason to look for it before retrying.
        message.available_at = now + min(retry_after, cap)
        return message
    message.attempts += 1
    if permanent or message.attempts >= max_attempts:
        message.status = "failed"
        audit.record(
            session,
            actor=audit.SYSTEM,
            action="outbox.dead_lettered",
            entity_type="outbox_message",
            entity_id=message.id,
            details={
                "kind": message.kind,
                "dedupe_key": message.dedupe_key,
                "recipient_person_id": message.recipient_person_id,
                "attempts": message.attempts,
                "error": error,
            },
            now=now,
        )
    else:
        message.available_at = now + retry_delay(message.attempts, base=base, cap=cap)
    return message


def _get(session: Session, message_id: int) -> OutboxMessage:
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise LookupError(f"no outbox message {message_id}")
    return message
