"""With the stand-in holding each channel to Slack's one post a second and one channel told to
wait 30 s, messages to the other channels keep flowing at Slack's pace, and every channel's
messages arrive in the order written."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker
from support.scheduling_data import add_person

from bot.jobs.outbox import dispatch_due
from bot.offline.standin import SlackStandIn
from bot.settings import Settings
from bot.slack.client import make_outbox_client
from storage import outbox
from storage.uow import UnitOfWork

NOW = datetime(2027, 5, 4, 9, 0, tzinfo=UTC)
TOKEN = "xoxb-test-token"
USERS = {"held": "U0HELD0001", "b": "U0FLOWB001", "c": "U0FLOWC001"}
EACH = 4


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(tokens={TOKEN}) as running:
        for name, slack_id in USERS.items():
            running.add_user(slack_id, email=f"{name}@example.test", name=name.title())
        running.limit_posts_per_channel(1.0)
        yield running


def _write(session_factory: sessionmaker[Session]) -> None:
    with UnitOfWork(session_factory) as uow:
        for name, slack_id in USERS.items():
            person = add_person(
                uow.session,
                email=f"{name}@example.test",
                name=name.title(),
                roles=["lawyer"],
                now=NOW,
                slack_user_id=slack_id,
            )
            for n in range(EACH):
                outbox.enqueue(
                    uow.session,
                    dedupe_key=f"{name}:{n}",
                    kind="feedback",
                    recipient_person_id=person.id,
                    payload={"text": f"{name} {n}"},
                    now=NOW,
                )
        uow.commit()


def _texts(standin: SlackStandIn, name: str) -> list[str]:
    return [m.text for m in standin.messages_to(USERS[name])]


@pytest.mark.slow
def test_a_channel_told_to_wait_holds_up_no_other_and_order_is_kept(
    standin: SlackStandIn, session_factory: sessionmaker[Session]
) -> None:
    _write(session_factory)
    standin.fail_next("chat.postMessage", status=429, retry_after=30)  # the first post: held's
    client = make_outbox_client(Settings(slack_api_url=standin.api_url, slack_bot_token=TOKEN))

    # The dispatcher's clock runs two seconds a turn, while the stand-in's limit counts real
    # time: a message put back for Slack's one second is due at the next turn.
    for turn in range(EACH + 1):
        dispatch_due(session_factory, client, now=NOW + timedelta(seconds=2 * turn))
        time.sleep(1.05)  # Slack's pace: one post a second to each channel
    # Ten seconds in by the dispatcher's clock, with the held channel's 30 s still to run:
    meanwhile = {name: _texts(standin, name) for name in USERS}
    for turn in range(16, 16 + EACH + 1):  # 32 s on: the held channel's wait is over
        dispatch_due(session_factory, client, now=NOW + timedelta(seconds=2 * turn))
        time.sleep(1.05)

    assert meanwhile == {
        "held": [],
        "b": [f"b {n}" for n in range(EACH)],
        "c": [f"c {n}" for n in range(EACH)],
    }
    assert _texts(standin, "held") == [f"held {n}" for n in range(EACH)]
    refused = [c for c in standin.calls_to("chat.postMessage") if c.status == 429]
    assert refused  # the pace was enforced, and met by putting messages back
