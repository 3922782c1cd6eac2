"""The one place things are wired: the database, the Bolt app and its listeners, the WSGI app
and the periodic jobs. Nothing is built at import time; `dipsample serve`, the demo, the
commands and the tests all build through here."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, system_clock
from bot.http import request_log
from bot.http.server import THREADS as HTTP_THREADS
from bot.http.server import DipsampleWsgi, build_wsgi
from bot.jobs.periodic import OUTBOX_DISPATCH
from bot.jobs.scheduler import PeriodicJob, Scheduler, standard_jobs
from bot.settings import Settings
from bot.slack.client import make_outbox_client, make_web_client
from bot.slack.context import BotContext
from bot.slack.listeners import (
    challenges,
    commands,
    consistency,
    decline,
    feedback,
    home,
    inspection,
    interventions,
    messages,
    rjoim_record,
)
from storage import outbox
from storage.db import make_engine
from storage.db import session_factory as make_session_factory
from storage.uow import UnitOfWork

LISTENER_MODULES = (
    inspection,
    commands,
    home,
    decline,
    feedback,
    challenges,
    consistency,
    interventions,
    rjoim_record,
    messages,
)
# Bolt runs each listener on this pool while the request thread waits for its ack(); what a
# listener does after acknowledging (showing the next card) keeps its thread a little longer,
# so the pool has room for every waitress thread and as many finishing their Slack calls.
LISTENER_THREADS = 2 * HTTP_THREADS
APP_LOGGER = "bot.app"  # the Bolt app's logger, and its listeners' errors
SOCKET_LOGGER = "bot.socket_mode"  # connections and reconnects in Socket Mode
# How long the receiving thread may still wait on a socket Slack asked us to leave (slack_sdk's
# is 3 s): the new connection is read from only once that wait ends.
RETIRING_SOCKET_TIMEOUT = 0.01


@dataclass(frozen=True)
class Database:
    engine: Engine
    sessions: sessionmaker[Session]

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)


@contextmanager
def open_database(database_url: str) -> Iterator[Database]:
    """An engine and its session factory, disposed of on the way out (an undisposed pool
    leaves its connections open until collected)."""
    engine = make_engine(database_url)
    try:
        yield Database(engine, make_session_factory(engine))
    finally:
        engine.dispose()


@contextmanager
def unit_of_work(database_url: str) -> Iterator[UnitOfWork]:
    """One unit of work on a database opened for it: for a command that runs one transaction."""
    with open_database(database_url) as database, database.uow() as uow:
        yield uow


def create_app(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    client: WebClient | None = None,
    session_factory: sessionmaker[Session] | None = None,
) -> App:
    """The Bolt app for either transport, on Bolt's defaults: each listener runs on the pool
    and Slack is answered once it calls ``ack()`` (Bolt looks every 10 ms), while the listener
    carries on to show the result. Building it calls auth.test once with the bot token, so a
    wrong token or an unreachable Slack fails here, at start-up."""
    if client is None:
        client = make_web_client(settings)
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    ctx = BotContext(settings=settings, session_factory=session_factory, clock=clock)
    app = App(
        client=client,
        # Empty in Socket Mode, where requests are not signed; over HTTP an empty secret
        # matches no signature, so every request is refused.
        signing_secret=settings.slack_signing_secret or "",
        listener_executor=ThreadPoolExecutor(
            max_workers=LISTENER_THREADS, thread_name_prefix="listener"
        ),
        logger=logging.getLogger(APP_LOGGER),
    )
    for module in LISTENER_MODULES:
        module.register(app, ctx)
    return app


@dataclass(frozen=True)
class Bot:
    """Everything `dipsample serve` runs: the Bolt app, the WSGI app waitress serves (Slack's
    endpoint unless in Socket Mode, the health check, intake) and the periodic jobs."""

    app: App
    wsgi: DipsampleWsgi
    jobs: list[PeriodicJob]


def build_bot(
    settings: Settings,
    database: Database,
    *,
    clock: Clock = system_clock,
    client: WebClient | None = None,
    slack_over_http: bool = True,
) -> Bot:
    app = create_app(settings, clock=clock, client=client, session_factory=database.sessions)
    wsgi = build_wsgi(
        app if slack_over_http else None,
        settings=settings,
        engine=database.engine,
        session_factory=database.sessions,
        clock=clock,
    )
    jobs = standard_jobs(
        settings=settings,
        session_factory=database.sessions,
        client=app.client,
        outbox_client=make_outbox_client(settings) if client is None else client,
    )
    return Bot(app=app, wsgi=wsgi, jobs=jobs)


def scheduler_for(bot: Bot, database: Database, *, clock: Clock = system_clock) -> Scheduler:
    """The scheduler of the bot's periodic jobs. A commit that writes an outbox message wakes
    the dispatcher at once, so an alert reaches Slack within moments, not at the next look."""
    scheduler = Scheduler(bot.jobs, clock=clock)
    if OUTBOX_DISPATCH in scheduler.job_names:
        outbox.on_commit_of_messages(database.sessions, lambda: scheduler.run_soon(OUTBOX_DISPATCH))
    return scheduler


class LoggedSocketModeHandler(SocketModeHandler):
    """Bolt's Socket Mode handler (slack_sdk's builtin client), with the one request log line
    HTTP requests get, one line per reconnect, and no 3 s wait after Slack asks for one.

    When Slack sends ``{"type": "disconnect"}``, the client opens a new connection and then
    closes the old one (slack_sdk socket_mode/builtin/client.py, ``connect``). Closing takes
    the old connection's receive lock (builtin/connection.py, ``disconnect``), which the
    client's one receiving thread holds while it waits in ``recv`` on the old socket
    (builtin/internals.py, ``_receive_messages``) for up to the socket's 3 s timeout, and
    Slack sends nothing more there. Only then does that thread move to the new connection,
    so the first request on it waited about 3 s. slack_sdk has no setting for that timeout;
    the receiving thread calls our message listener right after reading the "disconnect",
    before it waits again, so the listener shortens the old socket's timeout there.
    """

    def __init__(self, app: App, app_token: str | None, *, web_client: WebClient) -> None:
        super().__init__(app, app_token, web_client=web_client)
        self.client.on_message_listeners.append(self._on_message)
        self.client.on_close_listeners.append(self._on_close)

    def handle(self, client: BaseSocketModeClient, req: SocketModeRequest) -> None:
        started = time.perf_counter()
        assert isinstance(client, SocketModeClient)  # the client this handler builds
        super().handle(client, req)
        seen = request_log.described_envelope(req.type, req.payload)
        request_log.record(seen, "acked", time.perf_counter() - started)

    def _on_message(self, raw_message: str) -> None:
        # Runs on the receiving thread for every message: parse only a likely "disconnect".
        if not raw_message.startswith("{") or '"disconnect"' not in raw_message:
            return
        message = json.loads(raw_message)
        if message.get("type") != "disconnect":
            return
        logging.getLogger(SOCKET_LOGGER).info(
            "Slack asked for a new Socket Mode connection (%s): reconnecting",
            message.get("reason"),
        )
        # The connection read from is still the current one: the client replaces it only
        # after opening the new one, which takes a call to Slack first.
        session = self.client.current_session
        sock = session.sock if session is not None else None
        if sock is not None:
            with suppress(OSError):  # already closed: nothing to wait for
                sock.settimeout(RETIRING_SOCKET_TIMEOUT)

    def _on_close(self, code: int, reason: str | None) -> None:
        # Slack closed the socket (a close frame). slack_sdk calls this before it drops the
        # socket, so its own reconnect attempt here finds it still open and does nothing; its
        # monitor reconnects at its next look (Bolt's ping_interval, 10 s).
        logging.getLogger(SOCKET_LOGGER).warning(
            "Socket Mode connection closed (code %s): reconnecting", code
        )


def socket_mode_handler(app: App, settings: Settings) -> SocketModeHandler:
    """Socket Mode on slack_sdk's builtin adapter, which answers the first request after Slack
    asks for a reconnect in about 130 ms (bench/socket_mode.py; 3.1 s before the handler cut
    the old socket's 3 s read timeout, see LoggedSocketModeHandler). The websocket-client
    adapter answered in 12 ms but, in the same harness, sometimes did not reconnect at all,
    which is worse. Each reconnect is logged, one line: Slack asked for it, or the socket
    was closed."""
    return LoggedSocketModeHandler(
        app,
        settings.slack_app_token,
        web_client=WebClient(token=settings.slack_app_token, base_url=app.client.base_url),
    )
