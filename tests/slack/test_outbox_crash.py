"""A dispatcher killed (SIGKILL) between Slack's accepting a message and its recording that it
did: the message still reaches Slack exactly once, through one restarted dispatcher or two at
once (on PostgreSQL, two instances claiming with SKIP LOCKED)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker
from support.scheduling_data import add_person

from bot.jobs.outbox import DispatchReport, dispatch_due
from bot.offline.standin import SlackStandIn
from bot.settings import Settings
from bot.slack.client import make_outbox_client
from storage import outbox
from storage.models import OutboxMessage
from storage.uow import UnitOfWork

NOW = datetime(2027, 5, 4, 9, 0, tzinfo=UTC)
INSPECTOR = "U0INSPECT1"
TOKEN = "xoxb-test-token"
DISPATCH_ONCE = """
import sys
from datetime import datetime
from bot.bootstrap import open_database
from bot.jobs.outbox import dispatch_due
from bot.settings import Settings
from bot.slack.client import make_outbox_client
url, api, now = sys.argv[1:4]
settings = Settings(database_url=url, slack_api_url=api, slack_bot_token="xoxb-test-token")
with open_database(url) as database:
    dispatch_due(database.sessions, make_outbox_client(settings), now=datetime.fromisoformat(now))
"""


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(tokens={TOKEN}) as running:
        running.add_user(INSPECTOR, email="ivy.inspector@example.test", name="Ivy Inspector")
        yield running


def _enqueue(session_factory: sessionmaker[Session], count: int) -> list[int]:
    with UnitOfWork(session_factory) as uow:
        person = add_person(
            uow.session,
            email="ivy.inspector@example.test",
            name="Ivy Inspector",
            roles=["inspector"],
            now=NOW,
            slack_user_id=INSPECTOR,
        )
        ids = [
            outbox.enqueue(
                uow.session,
                dedupe_key=f"crash:{n}",
                kind="assignment",
                recipient_person_id=person.id,
                payload={"text": f"Message {n}"},
                now=NOW,
            )
            for n in range(count)
        ]
        uow.commit()
    return [i for i in ids if i is not None]


def _killed_after_slack_took_the_first(database_url: str, standin: SlackStandIn) -> int:
    """Runs a dispatcher in its own process and kills it with SIGKILL the moment the stand-in
    has stored its first post, before answering it. The process's exit code."""
    started: list[subprocess.Popen[bytes]] = []
    standin.after_next("chat.postMessage", lambda: os.kill(started[0].pid, signal.SIGKILL))
    process = subprocess.Popen(
        [sys.executable, "-c", DISPATCH_ONCE, database_url, standin.api_url, NOW.isoformat()]
    )
    started.append(process)
    return process.wait(timeout=60)


def _texts(standin: SlackStandIn) -> list[str]:
    return sorted(m.text for m in standin.messages_to(INSPECTOR))


def _statuses(session_factory: sessionmaker[Session]) -> list[str]:
    with UnitOfWork(session_factory) as uow:
        return [m.status for m in uow.session.query(OutboxMessage).order_by(OutboxMessage.id)]


def test_a_restarted_dispatcher_sends_what_the_killed_one_left_each_exactly_once(
    database_url: str, session_factory: sessionmaker[Session], standin: SlackStandIn
) -> None:
    _enqueue(session_factory, 3)

    assert _killed_after_slack_took_the_first(database_url, standin) == -signal.SIGKILL
    assert _texts(standin) == ["Message 0"]  # Slack has it; the database does not know

    later = NOW + outbox.DEFAULT_LEASE + timedelta(seconds=1)  # the dead one's claims lapsed
    client = make_outbox_client(Settings(slack_api_url=standin.api_url, slack_bot_token=TOKEN))
    report = dispatch_due(session_factory, client, now=later)

    assert report == DispatchReport(claimed=3, sent=3)
    assert _texts(standin) == ["Message 0", "Message 1", "Message 2"]
    assert _statuses(session_factory) == ["sent", "sent", "sent"]


def test_two_dispatchers_after_the_kill_still_send_each_message_once(
    database_url: str, session_factory: sessionmaker[Session], standin: SlackStandIn
) -> None:
    _enqueue(session_factory, 6)
    assert _killed_after_slack_took_the_first(database_url, standin) == -signal.SIGKILL

    later = NOW + outbox.DEFAULT_LEASE + timedelta(seconds=1)
    settings = Settings(slack_api_url=standin.api_url, slack_bot_token=TOKEN)
    reports: list[DispatchReport] = []

    def instance() -> None:
        reports.append(
            dispatch_due(session_factory, make_outbox_client(settings), now=later, batch=3)
        )

    threads = [threading.Thread(target=instance) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    dispatch_due(session_factory, make_outbox_client(settings), now=later)  # whatever is left

    assert _texts(standin) == [f"Message {n}" for n in range(6)]
    assert _statuses(session_factory) == ["sent"] * 6
    assert sum(r.sent for r in reports) >= 3
