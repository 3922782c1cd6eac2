"""The real dipsample Bolt app, served over HTTP on loopback, against the local Slack stand-in.

- ``standin``: the Slack Web API stand-in, knowing every person of the directory below;
- ``clock``: a ManualClock the app reads (Slack's signatures use the real time);
- ``serve_bot()``: builds the app with create_app and serves it with bot.http.server, as
  `dipsample serve --http` does; call it again (after ``bot.stop()``) for an app rebuilt on
  the same database;
- ``bot``: one served app; ``driver``: a SlackDriver posting signed requests to it;
- ``directory``: the synthetic people, imported through the people service;
- ``assigned``: one sampled review assigned by the assignment service, its message delivered
  through the outbox dispatcher to the inspector it went to;
- ``deliver_outbox()``: runs the outbox dispatcher once, as the scheduler would.

The people, tokens and ``seed_review`` are in tests/support/slack_world.py, for tests to import.

After every test that used a stand-in (this one or a module's own ``standin`` fixture), the
stand-in must have recorded no Block Kit violation: a payload Slack would refuse fails the test
that sent it. A test that provokes violations on purpose says so with
``@pytest.mark.expects_violations``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from support.slack_world import (
    BOT_TOKEN,
    DIRECTORY,
    INSPECTOR_A,
    INSPECTOR_B,
    INTAKE_TOKEN,
    SIGNING_SECRET,
    START,
    STRANGER,
    URN,
    Assigned,
    Member,
    RunningBot,
    seed_review,
)

from bot.bootstrap import build_bot, open_database
from bot.clock import ManualClock
from bot.http.server import serve_in_thread
from bot.jobs.outbox import DispatchReport, dispatch_due
from bot.offline.driver import SlackDriver
from bot.offline.standin import SlackStandIn
from bot.services.assignment.assign import retry_queued_assignments
from bot.services.people.directory import import_people
from bot.settings import Settings
from bot.slack.client import make_web_client
from storage import trend_rollup
from storage.models import Inspection

EXPECTS_VIOLATIONS = "expects_violations"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{EXPECTS_VIOLATIONS}: the test sends payloads Slack would refuse on purpose, so the "
        "stand-in's violations are not checked after it",
    )


@pytest.fixture(autouse=True)
def _no_block_kit_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    if "standin" not in request.fixturenames or request.node.get_closest_marker(EXPECTS_VIOLATIONS):
        yield
        return
    # Set up before the test's own fixtures, so it is still there to be read afterwards.
    running: SlackStandIn = request.getfixturevalue("standin")
    yield
    violations = running.violations
    if violations:
        listing = "\n".join(
            f"  {number}. {v.method}: " + "; ".join(v.errors)
            for number, v in enumerate(violations, start=1)
        )
        pytest.fail(
            f"the Slack stand-in recorded {len(violations)} Block Kit violation(s), "
            f"payloads Slack would refuse:\n{listing}",
            pytrace=False,
        )


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(tokens={BOT_TOKEN}) as running:
        for member in DIRECTORY:
            running.add_user(member.slack_id, email=member.email, name=member.name)
        running.add_user(STRANGER, email="sam.stranger@example.test", name="Sam Stranger")
        yield running


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(database_url: str, standin: SlackStandIn) -> Settings:
    return Settings(
        database_url=database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.api_url,
        intake_token=INTAKE_TOKEN,
    )


@pytest.fixture
def serve_bot(settings: Settings, clock: ManualClock) -> Iterator[Callable[[], RunningBot]]:
    stops: list[Callable[[], None]] = []

    def serve() -> RunningBot:
        database = ExitStack()
        opened = database.enter_context(open_database(settings.database_url))
        bot = build_bot(settings, opened, clock=clock)
        url, stop_serving = serve_in_thread(bot.wsgi)

        def stop() -> None:
            stop_serving()
            database.close()

        stops.append(stop)
        return RunningBot(bot.app, url, settings, opened.sessions, stop)

    yield serve
    for stop in reversed(stops):
        stop()


@pytest.fixture
def bot(serve_bot: Callable[[], RunningBot]) -> RunningBot:
    return serve_bot()


@pytest.fixture
def trend_rollups(bot: RunningBot, clock: ManualClock) -> None:
    """The monthly trend roll-ups built (empty) as `dipsample serve` builds them at start-up,
    so that what the bot does from here on must keep them."""
    with bot.uow() as uow:
        trend_rollup.rebuild(uow.session, bot.settings.timezone, clock())
        uow.commit()


@pytest.fixture
def driver(bot: RunningBot, standin: SlackStandIn) -> SlackDriver:
    return SlackDriver(bot.events_url, signing_secret=SIGNING_SECRET, standin=standin)


@pytest.fixture
def deliver_outbox(bot: RunningBot, clock: ManualClock) -> Callable[[], DispatchReport]:
    client = make_web_client(bot.settings)
    return lambda: dispatch_due(bot.session_factory, client, now=clock())


@pytest.fixture
def directory(bot: RunningBot, clock: ManualClock) -> tuple[Member, ...]:
    rows = [
        (
            number,
            {
                "email": m.email,
                "name": m.name,
                "roles": m.roles,
                "area": m.area,
                "unit": m.unit,
                "manager_email": m.manager_email,
                "slack_user_id": m.slack_id,
            },
        )
        for number, m in enumerate(DIRECTORY, start=2)
    ]
    with bot.uow() as uow:
        report = import_people(uow, rows, now=clock())
    assert report.problems == []
    return DIRECTORY


@pytest.fixture
def review_outcome() -> str:
    """The outcome intake gave the review under inspection; a test may parametrize it."""
    return "charge"


@pytest.fixture
def assigned(
    bot: RunningBot,
    directory: tuple[Member, ...],
    clock: ManualClock,
    standin: SlackStandIn,
    deliver_outbox: Callable[[], DispatchReport],
    review_outcome: str,
) -> Assigned:
    inspection_id = seed_review(bot, urn=URN, now=clock(), outcome=review_outcome)
    with bot.uow() as uow:
        outcome = retry_queued_assignments(uow, now=clock(), settings=bot.settings)
    assert outcome.assigned == 1
    assert deliver_outbox().sent == 1
    with bot.uow() as uow:
        inspection = uow.session.get(Inspection, inspection_id)
        assert inspection is not None and inspection.inspector is not None
        email = inspection.inspector.email
    inspector, other = (
        (INSPECTOR_A, INSPECTOR_B) if email == INSPECTOR_A.email else (INSPECTOR_B, INSPECTOR_A)
    )
    return Assigned(inspection_id, inspector, other, standin.last_message_to(inspector.slack_id))
