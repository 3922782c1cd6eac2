"""Socket Mode as `dipsample serve` runs it (bootstrap.socket_mode_handler), against a local
WebSocket server: requests are acknowledged, and after Slack asks for a reconnect the client
opens a new connection and answers on it; the log says so, one line a request and one for the
reconnect."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker
from support.socket_mode import SocketModeServer

from bot.bootstrap import SOCKET_LOGGER, create_app, socket_mode_handler
from bot.offline.standin import SlackStandIn
from bot.settings import Settings

BOT_TOKEN, APP_TOKEN = "xoxb-socket-tests", "xapp-1-socket-tests"
STRANGER = "U0STRANGE1"


@pytest.fixture
def server() -> Iterator[SocketModeServer]:
    with SocketModeServer() as running:
        yield running


@pytest.fixture
def standin(server: SocketModeServer) -> Iterator[SlackStandIn]:
    with SlackStandIn(tokens={BOT_TOKEN, APP_TOKEN}) as running:
        running.add_user(STRANGER, email="sam.stranger@example.test", name="Sam Stranger")
        running.serve_socket_mode_at(server.url)
        yield running


def _home_opened() -> dict[str, object]:
    return {
        "type": "event_callback",
        "team_id": "T0STANDIN",
        "api_app_id": "A0DIPSAMPLE",
        "event": {"type": "app_home_opened", "user": STRANGER, "tab": "home"},
        "event_id": "Ev0SOCKET1",
        "event_time": 1700000000,
    }


@pytest.mark.slow  # closing slack_sdk's client waits out its socket's 3 s read timeout
def test_requests_are_answered_before_and_after_slack_asks_for_a_reconnect(
    server: SocketModeServer,
    standin: SlackStandIn,
    session_factory: sessionmaker[Session],
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(
        slack_bot_token=BOT_TOKEN, slack_app_token=APP_TOKEN, slack_api_url=standin.api_url
    )
    handler = socket_mode_handler(create_app(settings, session_factory=session_factory), settings)
    caplog.set_level(logging.INFO, logger="bot.requests")
    with caplog.at_level(logging.INFO, logger=SOCKET_LOGGER):
        handler.connect()
        try:
            server.wait_for_connections(1)
            before = server.acknowledged_after(*server.envelope("events_api", _home_opened()))
            # slack_sdk's client takes a lock while it connects: ask once it has settled.
            standin.wait_for(handler.client.is_connected)
            server.ask_to_reconnect()
            server.wait_for_connections(2)
            after = server.acknowledged_after(*server.envelope("events_api", _home_opened()))
            standin.wait_for(lambda: len(standin.calls_to("views.publish")) == 2)
            opened = len(standin.calls_to("apps.connections.open"))
            logged = list(caplog.messages)
            socket_lines = [r.getMessage() for r in caplog.records if r.name == SOCKET_LOGGER]
        finally:
            handler.close()

    assert before >= 0 and after >= 0  # both acknowledged (how fast: bench/socket_mode.py)
    # One connection at start and at least one more once Slack asked (slack_sdk's client may
    # open another as the old socket closes).
    assert opened >= 2
    requests = [m for m in logged if m.startswith("slack request")]
    assert len(requests) == 2
    assert all("kind=event_callback action=app_home_opened user=U0STRANGE1" in m for m in requests)
    assert socket_lines == [
        "Slack asked for a new Socket Mode connection (refresh_requested): reconnecting"
    ]
