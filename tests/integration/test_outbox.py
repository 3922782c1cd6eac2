"""The outbox on the database under test: dedupe, claims and leases, backoff, dead letters."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from support.scheduling_data import ON_POSTGRES, add_person

from storage import outbox
from storage.models import AuditEvent, JobRun, OutboxMessage
from storage.uow import UnitOfWork

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
PAYLOAD = {"text": "hello", "blocks": []}

postgres_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="SKIP LOCKED and concurrent writers need PostgreSQL"
)


def _enqueue(
    session: Session,
    key: str,
    *,
    channel: str = "C0TEST",
    available_at: datetime | None = None,
) -> int | None:
    return outbox.enqueue(
        session,
        dedupe_key=key,
        kind="test",
        channel=channel,
        payload=PAYLOAD,
        now=NOW,
        available_at=available_at,
    )


def test_second_enqueue_with_the_same_key_is_a_no_op_that_keeps_the_transaction_usable(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    with uow_factory() as uow:
        first = _enqueue(uow.session, "assignment:1")
        again = _enqueue(uow.session, "assignment:1", channel="C0OTHER")
        other = _enqueue(uow.session, "assignment:2")
        uow.commit()
    with uow_factory() as uow:
        repeated_later = _enqueue(uow.session, "assignment:1")
        uow.commit()
        rows = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()

    assert first is not None and other is not None
    assert again is None
    assert repeated_later is None
    assert [(m.dedupe_key, m.channel, m.status, m.attempts) for m in rows] == [
        ("assignment:1", "C0TEST", "pending", 0),
        ("assignment:2", "C0TEST", "pending", 0),
    ]


def test_enqueue_needs_exactly_one_destination(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        person = add_person(uow.session, email="p@example.test", name="P", roles=[], now=NOW)
        with pytest.raises(ValueError, match="exactly one"):
            outbox.enqueue(
                uow.session,
                dedupe_key="x",
                kind="test",
                recipient_person_id=person.id,
                channel="C0TEST",
                payload=PAYLOAD,
                now=NOW,
            )
        with pytest.raises(ValueError, match="exactly one"):
            outbox.enqueue(uow.session, dedupe_key="y", kind="test", payload=PAYLOAD, now=NOW)


def test_claim_takes_due_unclaimed_messages_and_leases_them(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    with uow_factory() as uow:
        # To three channels: messages to one are taken in order (see the ordering test).
        _enqueue(uow.session, "due-1", channel="C01")
        _enqueue(uow.session, "due-2", channel="C02", available_at=NOW - timedelta(minutes=1))
        _enqueue(uow.session, "later", channel="C03", available_at=NOW + timedelta(minutes=1))
        uow.commit()

    with uow_factory() as uow:
        claimed = outbox.claim_due(uow.session, now=NOW, limit=10, lease=LEASE)
        uow.commit()
    with uow_factory() as uow:
        while_leased = outbox.claim_due(uow.session, now=NOW + LEASE, limit=10, lease=LEASE)
        uow.commit()
    with uow_factory() as uow:
        after_lease = outbox.claim_due(
            uow.session, now=NOW + LEASE + timedelta(seconds=1), limit=10, lease=LEASE
        )
        uow.commit()

    assert [m.dedupe_key for m in claimed] == ["due-1", "due-2"]  # in the order written
    assert {m.claimed_until for m in claimed} == {NOW + LEASE}
    # "later" fell due meanwhile; the leased two are only free again once the lease has run out.
    assert [m.dedupe_key for m in while_leased] == ["later"]
    assert [m.dedupe_key for m in after_lease] == ["due-1", "due-2"]


def test_claim_respects_the_limit(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        for n in range(5):
            _enqueue(uow.session, f"m{n}", channel=f"C{n}")
        uow.commit()
    with uow_factory() as uow:
        first = outbox.claim_due(uow.session, now=NOW, limit=3, lease=LEASE)
        uow.commit()
    with uow_factory() as uow:
        rest = outbox.claim_due(uow.session, now=NOW, limit=3, lease=LEASE)
        uow.commit()

    assert [m.dedupe_key for m in first] == ["m0", "m1", "m2"]
    assert [m.dedupe_key for m in rest] == ["m3", "m4"]


def _sent(uow_factory: Callable[[], UnitOfWork], key: str) -> int:
    """A message enqueued, claimed and marked sent to D0U1 at ts 1700000000.000100."""
    with uow_factory() as uow:
        message_id = _enqueue(uow.session, key)
        assert message_id is not None
        outbox.claim_due(uow.session, now=NOW, limit=1, lease=LEASE)
        outbox.mark_sent(uow.session, message_id, channel="D0U1", ts="1700000000.000100", now=NOW)
        uow.commit()
    return message_id


def test_where_a_message_landed_is_known_only_once_it_is_sent(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    _sent(uow_factory, "k")
    with uow_factory() as uow:
        _enqueue(uow.session, "waiting")
        uow.commit()
    with uow_factory() as uow:
        sent = outbox.delivered(uow.session, "k")
        pending = outbox.delivered(uow.session, "waiting")
        unknown = outbox.delivered(uow.session, "other")

    assert (pending, sent, unknown) == (None, ("D0U1", "1700000000.000100"), None)


def test_mark_sent_records_where_it_landed_and_audits(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    message_id = _sent(uow_factory, "k")
    with uow_factory() as uow:
        stored = uow.session.get(OutboxMessage, message_id)
        again = outbox.claim_due(uow.session, now=NOW + timedelta(days=1), limit=10, lease=LEASE)
        events = uow.session.scalars(select(AuditEvent.action)).all()

    assert stored is not None
    assert (stored.status, stored.delivered_channel, stored.delivered_ts, stored.sent_at) == (
        "sent",
        "D0U1",
        "1700000000.000100",
        NOW,
    )
    assert (stored.attempts, stored.claimed_until) == (1, None)
    assert again == []
    assert events == ["outbox.delivered"]


def test_retry_delay_doubles_from_the_base_up_to_the_cap() -> None:
    delays = [outbox.retry_delay(n) for n in range(1, 10)]
    assert delays == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
        timedelta(minutes=16),
        timedelta(minutes=32),
        timedelta(hours=1),
        timedelta(hours=1),
    ]
    assert outbox.retry_delay(10_000) == timedelta(hours=1)


def test_a_failed_message_waits_out_its_backoff_before_it_is_claimed_again(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    with uow_factory() as uow:
        message_id = _enqueue(uow.session, "k")
        assert message_id is not None
        uow.commit()
    now = NOW
    waits = []
    for _ in range(3):
        with uow_factory() as uow:
            [claimed] = outbox.claim_due(uow.session, now=now, limit=1, lease=LEASE)
            failed = outbox.mark_failed(uow.session, claimed.id, error="ratelimited", now=now)
            uow.commit()
        waits.append(failed.available_at - now)
        with uow_factory() as uow:
            too_soon = outbox.claim_due(
                uow.session, now=failed.available_at - timedelta(seconds=1), limit=1, lease=LEASE
            )
            uow.commit()
        assert too_soon == []
        now = failed.available_at

    with uow_factory() as uow:
        stored = uow.session.get(OutboxMessage, message_id)
    assert waits == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
    assert stored is not None
    assert (stored.status, stored.attempts, stored.last_error) == ("pending", 3, "ratelimited")


def test_a_message_is_dead_lettered_and_audited_after_the_last_attempt(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    with uow_factory() as uow:
        message_id = _enqueue(uow.session, "k")
        assert message_id is not None
        for attempt in range(outbox.MAX_ATTEMPTS):
            outbox.mark_failed(uow.session, message_id, error=f"boom {attempt}", now=NOW)
        uow.commit()
    with uow_factory() as uow:
        stored = uow.session.get(OutboxMessage, message_id)
        never = outbox.claim_due(uow.session, now=NOW + timedelta(days=30), limit=10, lease=LEASE)
        events = uow.session.scalars(select(AuditEvent)).all()

    assert stored is not None
    assert (stored.status, stored.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert never == []
    assert [(e.action, e.entity_type, e.entity_id) for e in events] == [
        ("outbox.dead_lettered", "outbox_message", str(message_id))
    ]
    assert events[0].details["error"] == f"boom {outbox.MAX_ATTEMPTS - 1}"


def test_a_permanent_failure_is_dead_lettered_at_once(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    with uow_factory() as uow:
        message_id = _enqueue(uow.session, "k")
        assert message_id is not None
        failed = outbox.mark_failed(
            uow.session, message_id, error="no Slack user id", now=NOW, permanent=True
        )
        uow.commit()
    assert (failed.status, failed.attempts) == ("failed", 1)


@postgres_only
def test_concurrent_claims_skip_each_others_rows_instead_of_waiting(
    session_factory: sessionmaker[Session],
) -> None:
    with UnitOfWork(session_factory) as uow:
        for n in range(10):
            _enqueue(uow.session, f"m{n}")
        uow.commit()

    with UnitOfWork(session_factory) as first, UnitOfWork(session_factory) as second:
        mine = outbox.claim_due(first.session, now=NOW, limit=4, lease=LEASE)
        # first has not committed: its rows are locked, and second must pass over them.
        theirs = outbox.claim_due(second.session, now=NOW, limit=10, lease=LEASE)
        first.commit()
        second.commit()

    assert [m.dedupe_key for m in mine] == ["m0", "m1", "m2", "m3"]
    assert [m.dedupe_key for m in theirs] == ["m4", "m5", "m6", "m7", "m8", "m9"]


@postgres_only
def test_a_concurrent_enqueue_of_the_same_key_waits_and_then_does_nothing(
    session_factory: sessionmaker[Session],
) -> None:
    results: list[OutboxMessage | None] = []
    with UnitOfWork(session_factory) as first:
        assert _enqueue(first.session, "same") is not None

        def second_writer() -> None:
            with UnitOfWork(session_factory) as second:
                results.append(_enqueue(second.session, "same", channel="C0SECOND"))
                second.commit()

        thread = threading.Thread(target=second_writer)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive()  # blocked on first's uncommitted row
        first.commit()
        thread.join(timeout=10)

    with UnitOfWork(session_factory) as uow:
        channels = uow.session.scalars(select(OutboxMessage.channel)).all()
    assert results == [None]
    assert channels == ["C0TEST"]


def test_a_commit_that_wrote_a_message_calls_back_and_others_do_not(
    session_factory: sessionmaker[Session],
) -> None:
    woken: list[str] = []
    outbox.on_commit_of_messages(session_factory, lambda: woken.append("wake"))

    with UnitOfWork(session_factory) as uow:
        uow.session.add(JobRun(job_name="nothing to send", last_run_at=NOW))
        uow.commit()
    assert woken == []

    with UnitOfWork(session_factory) as uow:
        _enqueue(uow.session, "rolled-back")  # never committed
    with UnitOfWork(session_factory) as uow:
        uow.session.add(JobRun(job_name="still nothing", last_run_at=NOW))
        uow.commit()
    assert woken == []

    with UnitOfWork(session_factory) as uow:
        _enqueue(uow.session, "sent-soon")
        _enqueue(uow.session, "sent-soon-too")
        uow.commit()
    assert woken == ["wake"]

    with UnitOfWork(session_factory) as uow:
        assert _enqueue(uow.session, "sent-soon") is None  # already there: nothing new
        uow.commit()
    assert woken == ["wake"]


def test_messages_to_one_recipient_wait_for_an_earlier_one_being_sent_or_put_back(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    with uow_factory() as uow:
        for key in ("first", "second", "third"):
            _enqueue(uow.session, key, channel="D0SAME")
        _enqueue(uow.session, "elsewhere", channel="D0OTHER")
        uow.commit()
    with uow_factory() as uow:  # one dispatcher takes the first alone
        taken = outbox.claim_due(uow.session, now=NOW, limit=1, lease=LEASE)
        uow.commit()
    with uow_factory() as uow:  # another, meanwhile: the later two wait behind it
        meanwhile = outbox.claim_due(uow.session, now=NOW, limit=10, lease=LEASE)
        uow.commit()
    with uow_factory() as uow:  # the first fails and goes back with a delay
        put_back = outbox.mark_failed(uow.session, taken[0].id, error="ratelimited", now=NOW)
        uow.commit()
    with uow_factory() as uow:
        while_it_waits = outbox.claim_due(uow.session, now=NOW, limit=10, lease=LEASE)
        uow.commit()
    with uow_factory() as uow:
        once_due = outbox.claim_due(uow.session, now=put_back.available_at, limit=10, lease=LEASE)
        uow.commit()

    assert [m.dedupe_key for m in taken] == ["first"]
    assert [m.dedupe_key for m in meanwhile] == ["elsewhere"]
    assert while_it_waits == []
    assert [m.dedupe_key for m in once_due] == ["first", "second", "third"]


def test_a_message_scheduled_for_later_holds_nothing_back(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    with uow_factory() as uow:
        _enqueue(uow.session, "tomorrow", channel="D0SAME", available_at=NOW + timedelta(days=1))
        _enqueue(uow.session, "now", channel="D0SAME")
        uow.commit()
    with uow_factory() as uow:
        claimed = outbox.claim_due(uow.session, now=NOW, limit=10, lease=LEASE)
        uow.commit()

    assert [m.dedupe_key for m in claimed] == ["now"]
