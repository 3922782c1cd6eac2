"""The outbox dispatcher delivering to the Slack stand-in through the bot's own WebClient."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.jobs.outbox import DispatchReport, dispatch_due
from bot.offline.standin import SlackStandIn
from bot.settings import Settings
from bot.slack.blocks.assignment import assignment_message
from bot.slack.blocks.viewmodels import AssignmentCard, ReviewInfo
from bot.slack.client import make_outbox_client, make_web_client
from storage import outbox
from storage.models import OutboxMessage, Person
from storage.uow import UnitOfWork

NOW = datetime(2027, 5, 4, 9, 0, tzinfo=UTC)
INSPECTOR = "U0INSPECT1"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        running.add_user(INSPECTOR, email="ivy.inspector@example.test", name="Ivy Inspector")
        yield running


def _settings(standin: SlackStandIn) -> Settings:
    return Settings(slack_api_url=standin.api_url, slack_bot_token="xoxb-test-token")


def _client(standin: SlackStandIn, *, max_retries: int = 3) -> WebClient:
    # No backoff between retries within a call: only Retry-After's own sleep remains.
    return make_web_client(_settings(standin), max_retries=max_retries, backoff_factor=0.0)


def _assignment_payload() -> dict[str, Any]:
    review = ReviewInfo(
        urn="42AB1234525",
        review_type="pre_charge_decision",
        area="Wessex",
        lawyer_name="Lee Lawyer",
        completed_at=NOW - timedelta(hours=2),
        due_at=NOW + timedelta(days=2),
    )
    return assignment_message(AssignmentCard(inspection_id=7, card_version=1, review=review))


def _enqueue_for(
    session_factory: sessionmaker[Session], *, slack_user_id: str | None, key: str = "a:7:1"
) -> int:
    with UnitOfWork(session_factory) as uow:
        person = Person(
            email="ivy.inspector@example.test",
            name="Ivy Inspector",
            area="Wessex",
            unit="Magistrates",
            slack_user_id=slack_user_id,
            created_at=NOW,
            updated_at=NOW,
        )
        uow.session.add(person)
        uow.session.flush()
        message_id = outbox.enqueue(
            uow.session,
            dedupe_key=key,
            kind="assignment",
            recipient_person_id=person.id,
            payload=_assignment_payload(),
            now=NOW,
        )
        assert message_id is not None
        uow.commit()
        return message_id


def _stored(session_factory: Callable[[], Session], message_id: int) -> OutboxMessage:
    with UnitOfWork(session_factory) as uow:
        message = uow.session.get(OutboxMessage, message_id)
        assert message is not None
        return message


def test_an_assignment_is_delivered_exactly_once_through_a_429_and_a_500(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    message_id = _enqueue_for(session_factory, slack_user_id=INSPECTOR)
    standin.fail_next("chat.postMessage", status=429, retry_after=0)
    standin.fail_next("chat.postMessage", status=500)
    client = _client(standin)

    first = dispatch_due(session_factory, client, now=NOW)
    later = [dispatch_due(session_factory, client, now=NOW + timedelta(minutes=m)) for m in (1, 10)]

    assert first == DispatchReport(claimed=1, sent=1)
    assert later == [DispatchReport()] * 2
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [429, 500, 200]
    delivered = standin.messages_to(INSPECTOR)
    assert [m.text for m in delivered] == [_assignment_payload()["text"]]
    stored = _stored(session_factory, message_id)
    assert (stored.status, stored.delivered_channel, stored.delivered_ts, stored.sent_at) == (
        "sent",
        standin.dm_channel(INSPECTOR),
        delivered[0].ts,
        NOW,
    )
    assert standin.violations == []


def test_a_failure_beyond_the_clients_retries_backs_off_and_then_delivers_once(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    message_id = _enqueue_for(session_factory, slack_user_id=INSPECTOR)
    standin.fail_next("chat.postMessage", status=503)
    client = _client(standin, max_retries=0)

    failed = dispatch_due(session_factory, client, now=NOW)
    waiting = dispatch_due(session_factory, client, now=NOW + timedelta(seconds=29))
    retried = dispatch_due(session_factory, client, now=NOW + timedelta(seconds=30))

    assert failed == DispatchReport(claimed=1, retrying=1)
    assert waiting == DispatchReport()
    assert retried == DispatchReport(claimed=1, sent=1)
    assert len(standin.messages_to(INSPECTOR)) == 1
    stored = _stored(session_factory, message_id)
    assert (stored.status, stored.attempts, stored.last_error) == ("sent", 2, None)


def test_a_dropped_connection_is_retried_by_the_client(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    _enqueue_for(session_factory, slack_user_id=INSPECTOR)
    standin.drop_next("chat.postMessage")

    report = dispatch_due(session_factory, _client(standin), now=NOW)

    assert report == DispatchReport(claimed=1, sent=1)
    assert len(standin.messages_to(INSPECTOR)) == 1


def test_a_recipient_without_a_slack_id_is_dead_lettered_with_a_clear_error(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    message_id = _enqueue_for(session_factory, slack_user_id=None)
    client = _client(standin)

    report = dispatch_due(session_factory, client, now=NOW)
    much_later = dispatch_due(session_factory, client, now=NOW + timedelta(days=7))

    assert report == DispatchReport(claimed=1, dead=1)
    assert much_later == DispatchReport()
    assert standin.calls == []
    stored = _stored(session_factory, message_id)
    assert stored.status == "failed"
    assert stored.last_error is not None
    assert stored.last_error.startswith("person ") and "has no Slack user id" in stored.last_error


def test_a_slack_user_that_does_not_exist_is_dead_lettered_not_retried(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    message_id = _enqueue_for(session_factory, slack_user_id="U0NOBODY")

    report = dispatch_due(session_factory, _client(standin), now=NOW)

    assert report == DispatchReport(claimed=1, dead=1)
    assert _stored(session_factory, message_id).last_error == "user_not_found"


def test_a_message_for_a_channel_is_posted_there(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    with UnitOfWork(session_factory) as uow:
        message_id = outbox.enqueue(
            uow.session,
            dedupe_key="digest:2027-05",
            kind="digest",
            channel="C0LEADS",
            payload={"text": "Monthly digest", "blocks": []},
            now=NOW,
        )
        assert message_id is not None
        uow.commit()

    report = dispatch_due(session_factory, _client(standin), now=NOW)

    assert report == DispatchReport(claimed=1, sent=1)
    assert [m.text for m in standin.messages_in("C0LEADS")] == ["Monthly digest"]
    assert standin.calls_to("conversations.open") == []
    assert _stored(session_factory, message_id).delivered_channel == "C0LEADS"


def test_the_web_client_uses_the_configured_api_url_with_a_trailing_slash() -> None:
    settings = Settings(slack_api_url="http://127.0.0.1:9/api", slack_bot_token="xoxb-t")
    client = make_web_client(settings)
    default = make_web_client(Settings(slack_bot_token="xoxb-t"))

    assert client.base_url == "http://127.0.0.1:9/api/"
    assert client.token == "xoxb-t"
    assert default.base_url == "https://slack.com/api/"
    assert [type(h).__name__ for h in client.retry_handlers] == [
        "ConnectionErrorRetryHandler",
        "RateLimitErrorRetryHandler",
        "AnyServerErrorRetryHandler",
    ]


def _outbox_client(standin: SlackStandIn) -> WebClient:
    return make_outbox_client(_settings(standin))


def test_a_post_slack_took_but_never_answered_is_found_not_posted_again(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    message_id = _enqueue_for(session_factory, slack_user_id=INSPECTOR)
    standin.do_then_drop_next("chat.postMessage")  # posted, but the answer never comes back
    client = _outbox_client(standin)

    first = dispatch_due(session_factory, client, now=NOW)
    again = dispatch_due(session_factory, client, now=NOW + timedelta(hours=1))

    assert first == DispatchReport(claimed=1, retrying=1)
    assert again == DispatchReport(claimed=1, sent=1)
    [posted] = standin.messages_to(INSPECTOR)
    stored = _stored(session_factory, message_id)
    assert (stored.status, stored.delivered_ts) == ("sent", posted.ts)
    assert [c.method for c in standin.calls].count("chat.postMessage") == 1
    assert "conversations.history" in [c.method for c in standin.calls]


def test_a_message_that_never_reached_slack_is_posted_after_looking(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    _enqueue_for(session_factory, slack_user_id=INSPECTOR)
    standin.drop_next("chat.postMessage")  # dropped before Slack did anything
    client = _outbox_client(standin)

    dispatch_due(session_factory, client, now=NOW)
    again = dispatch_due(session_factory, client, now=NOW + timedelta(hours=1))

    assert again == DispatchReport(claimed=1, sent=1)
    assert len(standin.messages_to(INSPECTOR)) == 1


def test_a_lapsed_claim_is_taken_over_and_its_first_holder_can_neither_renew_nor_release_it(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    message_id = _enqueue_for(session_factory, slack_user_id=INSPECTOR)
    lease = outbox.DEFAULT_LEASE
    with UnitOfWork(session_factory) as uow:  # a dispatcher claims it, then stalls
        [first] = outbox.claim_for_delivery(uow.session, now=NOW, limit=1, lease=lease)
        uow.commit()
    later = NOW + lease * 2
    with UnitOfWork(session_factory) as uow:  # its claim lapsed: another takes it
        [second] = outbox.claim_for_delivery(uow.session, now=later, limit=1, lease=lease)
        uow.commit()
    with UnitOfWork(session_factory) as uow:  # the first wakes up and tries to go on
        renewed = outbox.renew_claim(
            uow.session, message_id, held_until=NOW + lease, until=later + lease * 2
        )
        outbox.release(uow.session, {message_id: NOW + lease})
        uow.commit()
    with UnitOfWork(session_factory) as uow:  # the second still holds it, and can renew it
        still_theirs = outbox.renew_claim(
            uow.session, message_id, held_until=later + lease, until=later + lease * 2
        )
        uow.commit()

    assert (first.may_have_landed, second.may_have_landed) == (False, True)
    assert renewed is False
    assert still_theirs is True
    assert _stored(session_factory, message_id).claimed_until == later + lease * 2


def test_a_rate_limited_message_waits_its_retry_after_without_holding_up_the_run(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    message_id = _enqueue_for(session_factory, slack_user_id=INSPECTOR)
    standin.fail_next("chat.postMessage", status=429, retry_after=30)

    report = dispatch_due(session_factory, _outbox_client(standin), now=NOW)

    assert report == DispatchReport(claimed=1, retrying=1)
    waits_until = _stored(session_factory, message_id).available_at
    assert NOW + timedelta(seconds=30) <= waits_until < NOW + timedelta(seconds=31)
    assert standin.messages_to(INSPECTOR) == []


def test_a_message_put_back_is_not_overtaken_by_a_later_one_to_the_same_person(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    first = _enqueue_for(session_factory, slack_user_id=INSPECTOR, key="first")
    with UnitOfWork(session_factory) as uow:
        second = outbox.enqueue(
            uow.session,
            dedupe_key="second",
            kind="assignment",
            recipient_person_id=_stored(session_factory, first).recipient_person_id,
            payload={"text": "Second"},
            now=NOW,
        )
        uow.commit()
    standin.fail_next("chat.postMessage", status=429, retry_after=30)
    client = _outbox_client(standin)

    run = dispatch_due(session_factory, client, now=NOW)
    too_soon = dispatch_due(session_factory, client, now=NOW + timedelta(seconds=10))
    after = dispatch_due(session_factory, client, now=NOW + timedelta(seconds=31))

    assert run == DispatchReport(claimed=2, retrying=1, deferred=1)
    assert too_soon == DispatchReport()
    assert after == DispatchReport(claimed=2, sent=2)
    assert [m.text for m in standin.messages_to(INSPECTOR)][-1] == "Second"
    assert second is not None and _stored(session_factory, second).status == "sent"


def test_the_outbox_client_repeats_a_dropped_read_but_never_a_dropped_post(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    _enqueue_for(session_factory, slack_user_id=INSPECTOR)
    standin.drop_next("conversations.open")  # safe to ask again: the client does
    standin.drop_next("chat.postMessage")  # not safe: left to the dispatcher's look

    report = dispatch_due(session_factory, _outbox_client(standin), now=NOW)

    methods = [c.method for c in standin.calls]
    assert methods.count("conversations.open") == 2
    assert methods.count("chat.postMessage") == 1
    assert report == DispatchReport(claimed=1, retrying=1)
