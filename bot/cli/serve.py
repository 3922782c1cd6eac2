"""`dipsample serve [--http] [--port N] [--host H]`: run the bot and its periodic jobs.

Socket Mode when SLACK_APP_TOKEN is set (and --http is not given): Slack is reached over an
outgoing WebSocket, no public endpoint needed. Otherwise HTTP mode: Slack posts to
/slack/events. Either way waitress serves /healthz and /intake/case-reviews on the port, and
the scheduler runs the outbox dispatch, reminder sweep and assignment retries.
"""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import sys
from types import FrameType

from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import (
    APP_LOGGER,
    SOCKET_LOGGER,
    build_bot,
    open_database,
    scheduler_for,
    socket_mode_handler,
)
from bot.clock import system_clock
from bot.http.server import serve_forever
from bot.services.intake.policy_file import InvalidSamplingPolicy
from bot.services.intake.sampling import policy_from_settings
from bot.settings import Settings
from storage import trend_rollup
from storage.db import open_connections
from storage.models import Base
from storage.sampling_policies import conflict_of
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

EXIT_MISCONFIGURED = 2
# PostgreSQL connections opened before listening: about as many clicks as can be recorded at
# once (waitress has 8 threads; Socket Mode's handler 10). More are opened when needed.
WARM_CONNECTIONS = 8


def missing_settings(settings: Settings, *, socket_mode: bool) -> list[str]:
    missing = []
    if not settings.slack_bot_token:
        missing.append("SLACK_BOT_TOKEN (the bot token, xoxb-...)")
    if not socket_mode and not settings.slack_signing_secret:
        missing.append("SLACK_SIGNING_SECRET (HTTP mode checks every request's signature)")
    return missing


def sampling_policy_problem(settings: Settings, sessions: sessionmaker[Session]) -> str | None:
    """Why the configured sampling policy cannot be used, found at start-up rather than by the
    first review to arrive: a faulty file, or changed rules under a version already used."""
    try:
        policy = policy_from_settings(settings)
    except InvalidSamplingPolicy as invalid:
        return f"the sampling policy is not valid:\n{invalid}"
    with UnitOfWork(sessions) as uow:
        conflict = conflict_of(uow.session, policy)
    return None if conflict is None else str(conflict)


def run(args: argparse.Namespace, settings: Settings) -> int:
    socket_mode = bool(settings.slack_app_token) and not args.http
    missing = missing_settings(settings, socket_mode=socket_mode)
    if missing:
        print("dipsample serve: missing settings:", file=sys.stderr)
        for name in missing:
            print(f"  {name}", file=sys.stderr)
        print(
            "Set them in the environment. SLACK_APP_TOKEN (xapp-...) selects Socket Mode.",
            file=sys.stderr,
        )
        return EXIT_MISCONFIGURED
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Every run of every job would be logged at INFO: keep only its warnings and failures.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # Bolt logs every request it refuses, body and all, at INFO on the app's logger: the body
    # can hold URNs and names, which do not belong in a log. Its warnings and errors stay.
    logging.getLogger(APP_LOGGER).setLevel(logging.WARNING)
    # A stop from the service manager ends the server loop the way Ctrl-C does.
    signal.signal(signal.SIGTERM, _exit_on_signal)

    with open_database(settings.database_url) as database:
        problem = sampling_policy_problem(settings, database.sessions)
        if problem is not None:
            print(f"dipsample serve: {problem}", file=sys.stderr)
            return EXIT_MISCONFIGURED
        rollups_rebuilt = ensure_trend_rollups(settings, database.sessions)
        if rollups_rebuilt is not None:
            log.info(
                "trend roll-ups rebuilt for %s: %d months", settings.timezone.key, rollups_rebuilt
            )
        # In Socket Mode Slack sends nothing over HTTP, so /slack/events is not served.
        bot = build_bot(settings, database, slack_over_http=not socket_mode)
        scheduler = scheduler_for(bot, database)
        open_connections(
            database.engine, count=WARM_CONNECTIONS, tables=Base.metadata.sorted_tables
        )
        settle_garbage_collector()
        socket = None
        scheduler.start()
        try:
            if socket_mode:
                socket = socket_mode_handler(bot.app, settings)
                socket.connect()
                logging.getLogger(SOCKET_LOGGER).info("connected to Slack in Socket Mode")
            serve_forever(bot.wsgi, host=args.host, port=args.port)
        finally:
            if socket is not None:
                socket.close()
            scheduler.shutdown()
    return 0


def ensure_trend_rollups(settings: Settings, sessions: sessionmaker[Session]) -> int | None:
    """Builds the monthly trend roll-ups when they are missing or cut in another time zone than
    the deployment's; the months counted, or None when they were already right."""
    with UnitOfWork(sessions) as uow:
        months = trend_rollup.ensure(uow.session, settings.timezone, system_clock())
        uow.commit()
    return months


def settle_garbage_collector() -> None:
    """Move everything built at start-up (modules, the app, SQLAlchemy's mappers) out of the
    collector's sight. Otherwise each full collection walks all of it again, and on a 2-core
    machine that stopped every thread for about 100 ms, in the middle of inspectors' clicks."""
    gc.collect()
    gc.freeze()


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
