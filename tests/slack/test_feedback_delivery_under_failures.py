"""Feedback is never lost and never doubled, with Slack failing 30% of calls.

200 inspections are submitted through the service layer (as the Submit button does), and the
outbox dispatcher runs, with the clock moved past each retry's backoff, until nothing is
pending. The stand-in then holds exactly one feedback message per inspection for each lawyer
and one copy for each line manager.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from support.feedback_support import submit_inspections
from support.slack_world import BOT_TOKEN

from bot.clock import ManualClock
from bot.jobs.outbox import dispatch_due
from bot.offline.standin import SlackStandIn
from bot.services.people.directory import import_people
from bot.slack.client import AnyServerErrorRetryHandler
from storage import outbox
from storage.models import OutboxMessage
from storage.uow import UnitOfWork

INSPECTIONS = 200
LAWYERS = 8  # 25 inspections each
MANAGERS = 2  # four lawyers each


def _person(email: str, name: str, roles: str, manager_email: str, slack_id: str) -> dict[str, str]:
    return {
        "email": email,
        "name": name,
        "roles": roles,
        "area": "Wessex",
        "unit": "RASSO Wessex",
        "manager_email": manager_email,
        "slack_user_id": slack_id,
    }


def _directory() -> list[dict[str, str]]:
    people = [_person("ina.inspector@example.test", "Ina Inspector", "inspector", "", "U0INSPECT9")]
    people += [
        _person(f"manager{m}@example.test", f"Manager {m}", "manager", "", f"U0MANAGER{m}")
        for m in range(MANAGERS)
    ]
    people += [
        _person(
            f"lawyer{n}@example.test",
            f"Lawyer {n}",
            "lawyer",
            f"manager{n % MANAGERS}@example.test",
            f"U0LAWYER0{n}",
        )
        for n in range(LAWYERS)
    ]
    return people


def _client(standin: SlackStandIn) -> WebClient:
    """Connection errors and 5xx are retried within a call, as the bot's client does, but
    without waiting. 429s are left to the outbox's own backoff: slack_sdk sleeps up to a second
    on each whatever Retry-After says (and its backoff adds up to a second of jitter), and
    the hundred or so failures here would take more than a minute."""
    interval = FixedValueRetryIntervalCalculator(0.0)
    return WebClient(
        token=BOT_TOKEN,
        base_url=standin.api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=3, interval_calculator=interval),
            AnyServerErrorRetryHandler(max_retry_count=3, interval_calculator=interval),
        ],
    )


def _pending(session_factory: sessionmaker[Session]) -> int:
    with session_factory() as session:
        query = select(func.count()).where(OutboxMessage.status == "pending")
        return session.scalar(query) or 0


@pytest.mark.slow
def test_200_submissions_deliver_exactly_200_feedback_messages_and_200_manager_copies(
    session_factory: sessionmaker[Session],
    uow_factory: Callable[[], UnitOfWork],
    standin: SlackStandIn,
    clock: ManualClock,
) -> None:
    directory = _directory()
    for person in directory:
        standin.add_user(person["slack_user_id"], email=person["email"], name=person["name"])
    with uow_factory() as uow:
        assert import_people(uow, list(enumerate(directory, 2)), now=clock()).problems == []
    reviews = [(f"lawyer{n % LAWYERS}@example.test", f"42AB{n:05d}25") for n in range(INSPECTIONS)]
    submit_inspections(
        uow_factory, reviews=reviews, inspector_email="ina.inspector@example.test", now=clock()
    )

    standin.set_failure_rate(0.3, seed=5, statuses=(429, 500), retry_after=0)
    client = _client(standin)
    rounds = 0
    # Each person's messages go in order, so one that fails holds back that person's later
    # ones until it is retried: a manager's 100 copies at a 30% failure rate take many rounds.
    while _pending(session_factory) and rounds < 300:
        # Everything due now, batch after batch; then past the longest backoff for the retries.
        while dispatch_due(session_factory, client, now=clock()).claimed:
            pass
        clock.advance(outbox.BACKOFF_CAP)
        rounds += 1

    assert _pending(session_factory) == 0
    with session_factory() as session:
        statuses = Counter(session.scalars(select(OutboxMessage.status)))
    assert statuses == {"sent": 2 * INSPECTIONS}
    faults = Counter(call.status for call in standin.calls if not call.ok)
    assert faults[429] > 0 and faults[500] > 0  # the failures did happen

    def received(role: str) -> dict[str, list[str]]:
        return {
            p["email"]: [m.text for m in standin.messages_to(p["slack_user_id"])]
            for p in directory
            if p["roles"] == role
        }

    lawyers, managers = received("lawyer"), received("manager")
    assert {email: len(texts) for email, texts in lawyers.items()} == {
        f"lawyer{n}@example.test": INSPECTIONS // LAWYERS for n in range(LAWYERS)
    }
    assert {email: len(texts) for email, texts in managers.items()} == {
        f"manager{m}@example.test": INSPECTIONS // MANAGERS for m in range(MANAGERS)
    }
    urns = sorted(urn for _, urn in reviews)
    assert sorted(_urn(text) for texts in lawyers.values() for text in texts) == urns
    assert sorted(_urn(text) for texts in managers.values() for text in texts) == urns


def _urn(text: str) -> str:
    """The URN in "Feedback on your review of URN: …" or "Feedback copy: name, URN, score"."""
    return next(word.strip(":,") for word in text.split() if word.startswith("42AB"))
