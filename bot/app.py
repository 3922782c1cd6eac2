"""The one place the Bolt app is wired: its WebClient, the database, the context and every
listener. Nothing is built at import time."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.acknowledgement import AcknowledgingRegistrar, Unanswered
from bot.clock import Clock, system_clock
from bot.context import BotContext
from bot.http_server import THREADS as HTTP_THREADS
from bot.listeners import commands, decline, feedback, home, inspection
from bot.settings import Settings
from bot.slack_client import make_web_client
from storage.db import make_engine
from storage.db import session_factory as make_session_factory

LISTENER_MODULES = (inspection, commands, home, decline, feedback)
# Listeners and the Slack calls they make after acknowledging run on this many threads: twice
# waitress's, as headroom for listeners that, after acknowledging, wait a moment for other clicks
# to acknowledge (bot/acknowledgement.py) or for Slack; new clicks seldom queue behind them.
LISTENER_THREADS = 2 * HTTP_THREADS


def database_sessions(settings: Settings) -> sessionmaker[Session]:
    return make_session_factory(make_engine(settings.database_url))


def create_app(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    client: WebClient | None = None,
    session_factory: sessionmaker[Session] | None = None,
    unanswered: Unanswered | None = None,
) -> App:
    """The Bolt app for either transport. Building it calls auth.test once with the bot token,
    so a wrong token or an unreachable Slack fails here, at start-up.

    ``unanswered`` counts the clicks still at work before their acknowledgement; `dipsample
    serve` shares it with the outbox dispatcher, which waits before each send until there are
    none (bot/acknowledgement.py)."""
    if client is None:
        client = make_web_client(settings)
    if session_factory is None:
        session_factory = database_sessions(settings)
    ctx = BotContext(settings=settings, session_factory=session_factory, clock=clock)
    pool = ThreadPoolExecutor(max_workers=LISTENER_THREADS, thread_name_prefix="listener")
    app = App(
        client=client,
        # Empty in Socket Mode, where requests are not signed; over HTTP an empty secret
        # matches no signature, so every request is refused.
        signing_secret=settings.slack_signing_secret or "",
        # Slack is answered when a listener acknowledges (an answer is committed first), not
        # at Bolt's next 10 ms look: see bot/acknowledgement.py.
        process_before_response=True,
        listener_executor=pool,
        logger=logging.getLogger("bot.app"),
    )
    if unanswered is None:
        unanswered = Unanswered()
    registrar = AcknowledgingRegistrar(app, pool, unanswered)
    for module in LISTENER_MODULES:
        module.register(registrar, ctx)
    return app
