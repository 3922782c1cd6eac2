"""bot/acknowledgement.py on a real Bolt app served over HTTP: Slack's answer goes out when a
listener acknowledges, while the listener is still at work; errors reach Slack or the log."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_world import BOT_TOKEN, INSPECTOR_A, SIGNING_SECRET

from bot.acknowledgement import AcknowledgingRegistrar, Unanswered
from bot.http_server import serve_in_thread
from bot.slack_driver import Response, SlackDriver
from bot.slack_standin import SlackStandIn

WAIT_SECONDS = 5.0
USER = INSPECTOR_A.slack_id


class Served:
    def __init__(self, standin: SlackStandIn) -> None:
        self.client = WebClient(token=BOT_TOKEN, base_url=standin.api_url)
        self.app = App(
            client=self.client, signing_secret=SIGNING_SECRET, process_before_response=True
        )
        self.pool = ThreadPoolExecutor(max_workers=2)
        self.registrar = AcknowledgingRegistrar(self.app, self.pool, Unanswered())
        self.standin = standin
        self.url = ""

    def click(self, action_id: str = "go") -> Response:
        """Click the one button of a message posted to USER."""
        posted = self.client.chat_postMessage(
            channel=USER,
            text="Go",
            blocks=[
                {
                    "type": "actions",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": action_id,
                            "text": {"type": "plain_text", "text": "Go"},
                        }
                    ],
                }
            ],
        )
        message = next(m for m in self.standin.messages_to(USER) if m.ts == posted["ts"])
        return self.driver().click(USER, message, action_id=action_id)

    def driver(self) -> SlackDriver:
        return SlackDriver(self.url, signing_secret=SIGNING_SECRET, standin=self.standin)


@pytest.fixture
def served(standin: SlackStandIn) -> Iterator[Callable[[], Served]]:
    """``served()`` serves the app after the test has registered its listeners."""
    built = Served(standin)
    stops: list[Callable[[], None]] = []

    def serve() -> Served:
        base, stop = serve_in_thread(SlackRequestHandler(built.app, path="/slack/events"))
        stops.append(stop)
        built.url = f"{base}/slack/events"
        return built

    yield serve
    for stop in stops:
        stop()
    built.pool.shutdown(wait=True, cancel_futures=True)


def test_slack_is_answered_when_the_listener_acknowledges_not_when_it_finishes(
    standin: SlackStandIn, served: Callable[[], Served]
) -> None:
    release, finished = threading.Event(), threading.Event()
    seen: dict[str, Any] = {}

    def on_go(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        seen["user"], seen["client"] = body["user"]["id"], client
        ack()
        release.wait(WAIT_SECONDS)  # work after the acknowledgement, e.g. the next card
        finished.set()

    bot = served()
    bot.registrar.action("go")(on_go)
    response = bot.click()
    try:
        assert response.status == 200
        assert not finished.is_set()  # answered while the listener was still at work
        # Bolt's argument injection reached the wrapped listener.
        assert seen["user"] == USER
        assert isinstance(seen["client"], WebClient) and seen["client"].token == BOT_TOKEN
    finally:
        release.set()
    assert finished.wait(WAIT_SECONDS)


def test_an_error_before_the_acknowledgement_reaches_slack_as_a_500(
    standin: SlackStandIn, served: Callable[[], Served]
) -> None:
    def on_go(ack: Ack) -> None:
        raise RuntimeError("the commit failed")

    bot = served()
    bot.registrar.action("go")(on_go)
    assert bot.click().status == 500


def test_an_error_after_the_acknowledgement_is_logged_and_slack_still_gets_its_200(
    standin: SlackStandIn, served: Callable[[], Served], caplog: pytest.LogCaptureFixture
) -> None:
    raised = threading.Event()

    def on_go(ack: Ack) -> None:
        ack()
        raised.set()
        raise RuntimeError("chat.update failed")

    bot = served()
    bot.registrar.action("go")(on_go)
    with caplog.at_level(logging.ERROR, logger="bot.app"):
        assert bot.click().status == 200
        assert raised.wait(WAIT_SECONDS)
        bot.pool.shutdown(wait=True)  # the failure has been logged once the pool is idle
    failures = [r for r in caplog.records if r.message == "listener failed after acknowledging"]
    assert len(failures) == 1
    assert failures[0].exc_info is not None and "chat.update failed" in str(failures[0].exc_info[1])


def test_an_event_is_answered_at_once_and_handled_on_the_pool(
    standin: SlackStandIn, served: Callable[[], Served]
) -> None:
    release, finished = threading.Event(), threading.Event()

    def on_home(event: dict[str, Any]) -> None:
        release.wait(WAIT_SECONDS)
        finished.set()

    bot = served()
    bot.registrar.event("app_home_opened")(on_home)
    response = bot.driver().app_home_opened(USER)
    try:
        assert response.status == 200
        assert not finished.is_set()
    finally:
        release.set()
    assert finished.wait(WAIT_SECONDS)


# Long enough that a listener going on by itself (it would, 2 ms after acknowledging) is seen.
WATCH_SECONDS = 0.5


def _held_click(bot: Served, release: threading.Event, log: list[str]) -> Callable[[], Response]:
    """Click "hold", whose listener acknowledges only once ``release`` is set; returns a function
    that waits for that click's answer."""
    holding = threading.Event()
    answers: list[Response] = []

    def on_hold(ack: Ack) -> None:
        holding.set()
        release.wait(WAIT_SECONDS)
        log.append("hold acknowledged")
        ack()

    bot.registrar.action("hold")(on_hold)
    clicking = threading.Thread(target=lambda: answers.append(bot.click("hold")))
    clicking.start()
    assert holding.wait(WAIT_SECONDS)

    def answered() -> Response:
        clicking.join(WAIT_SECONDS)
        assert not clicking.is_alive(), "the held click was not answered"
        return answers[0]

    return answered


class GoBesideHold:
    """A "go" listener that acknowledges and goes on (e.g. to send the next card), registered
    beside a "hold" click that is already waiting for ``release`` to acknowledge."""

    def __init__(self, bot: Served, *, yield_seconds: float) -> None:
        bot.registrar = AcknowledgingRegistrar(bot.app, bot.pool, Unanswered(yield_seconds))
        self.release, self.continued = threading.Event(), threading.Event()
        self.log: list[str] = []
        bot.registrar.action("go")(self.on_go)
        self.hold_answered = _held_click(bot, self.release, self.log)

    def on_go(self, ack: Ack) -> None:
        ack()
        self.log.append("go continues")
        self.continued.set()


def test_work_after_an_acknowledgement_waits_until_other_clicks_are_answered(
    standin: SlackStandIn, served: Callable[[], Served]
) -> None:
    bot = served()
    # A yield far longer than the test: "go" goes on only because "hold" acknowledged.
    go = GoBesideHold(bot, yield_seconds=60.0)
    try:
        assert bot.click("go").status == 200  # answered, although its listener is waiting
        assert not go.continued.wait(WATCH_SECONDS)  # "hold" has not been answered yet
    finally:
        go.release.set()
    assert go.hold_answered().status == 200
    assert go.continued.wait(WAIT_SECONDS)
    assert go.log == ["hold acknowledged", "go continues"]


def test_the_wait_for_other_clicks_is_bounded(
    standin: SlackStandIn, served: Callable[[], Served]
) -> None:
    bot = served()
    go = GoBesideHold(bot, yield_seconds=0.05)
    try:
        assert bot.click("go").status == 200
        assert go.continued.wait(WAIT_SECONDS)  # went on while "hold" was still unanswered
    finally:
        go.release.set()
    assert go.hold_answered().status == 200
    assert go.log == ["go continues", "hold acknowledged"]
