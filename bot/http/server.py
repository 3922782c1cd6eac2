"""HTTP mode: one WSGI application, served by waitress (a production server, not Bolt's own).

- ``POST /slack/events``: events, interactivity and slash commands, through Bolt's adapter
  (which checks each request's signature and timestamp);
- ``GET /healthz``: 200 ``{"ok": true}`` when the database answers, else 503;
- ``POST /intake/case-reviews``: handed to the intake endpoint;
- anything else: 404.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock, system_clock
from bot.http import request_log
from bot.http.intake import IntakeApp
from bot.settings import Settings
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
INTAKE_PATH = "/intake/case-reviews"
THREADS = 8  # waitress worker threads; each waits while Bolt runs its listener up to ack()
STOP_TIMEOUT_SECONDS = 5.0
SIGNATURE_PATTERN = re.compile(r"v0=[0-9a-f]{64}")


class DipsampleWsgi:
    def __init__(
        self,
        app: App | None,
        *,
        engine: Engine,
        intake: WSGIApplication | None = None,
    ) -> None:
        """``app`` None: no /slack/events (Socket Mode); ``intake`` None: no intake path."""
        self._slack = SlackRequestHandler(app, path=SLACK_PATH) if app is not None else None
        self._engine = engine
        self._intake = intake

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path == SLACK_PATH and self._slack is not None:
            if method != "POST":
                return _json(start_response, 405, {"ok": False, "error": "POST only"}, "POST")
            if not signature_headers_well_formed(environ):
                return _json(start_response, 401, {"ok": False, "error": "invalid signature"})
            return self._slack_request(environ, start_response)
        if path == HEALTH_PATH:
            if method not in ("GET", "HEAD"):
                return _json(start_response, 405, {"ok": False, "error": "GET only"}, "GET, HEAD")
            return self._health(start_response)
        if path == INTAKE_PATH and self._intake is not None:
            return self._intake(environ, start_response)
        return _json(start_response, 404, {"ok": False, "error": "not found"})

    def _slack_request(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Bolt's, logged in one line (request_log); the body is read once and handed on."""
        assert self._slack is not None
        started = time.perf_counter()
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length > 0 else b""
        environ["wsgi.input"] = io.BytesIO(body)
        answered: list[str] = []

        def noting(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            answered.append(status.split(" ", 1)[0])
            return start_response(status, headers, *exc)

        seen = request_log.described(body)
        result: Iterable[bytes]
        if seen.kind == "unreadable":
            # Bolt parses the body before it checks the signature, and a body it cannot parse
            # (not UTF-8, not JSON, nested past decoding) would be a 500 from inside it.
            result = _json(noting, 400, {"ok": False, "error": "unreadable request"})
        else:
            result = self._slack(environ, noting)
        request_log.record(seen, answered[0] if answered else "none", time.perf_counter() - started)
        return result

    def _health(self, start_response: StartResponse) -> Iterable[bytes]:
        driver_error = self._engine.dialect.loaded_dbapi.Error
        try:
            # A bare DBAPI connection: through SQLAlchemy, SQLite would BEGIN IMMEDIATE and
            # wait behind any writer, reporting a busy database as a dead one.
            connection = self._engine.raw_connection()
            try:
                cursor = connection.cursor()
                cursor.execute("SELECT 1")
                cursor.close()
            finally:
                connection.close()
        except (SQLAlchemyError, OSError, driver_error) as error:
            log.warning("health check: the database did not answer: %s", error)
            return _json(start_response, 503, {"ok": False, "error": "database unavailable"})
        return _json(start_response, 200, {"ok": True})


def signature_headers_well_formed(environ: WSGIEnvironment) -> bool:
    """Slack signs with a Unix time in whole seconds and ``v0=`` and 64 hex digits. Anything
    else is refused here, before Bolt parses the headers (it raised on a timestamp that is not
    a whole number, and Slack was answered 500). Whether the signature is right is Bolt's to
    check."""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    return (
        timestamp.isascii()
        and timestamp.isdigit()
        and len(timestamp) <= 12
        and SIGNATURE_PATTERN.fullmatch(signature) is not None
    )


def build_wsgi(
    app: App | None,
    *,
    settings: Settings,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: Clock = system_clock,
) -> DipsampleWsgi:
    """Slack's endpoint (unless in Socket Mode), the health check and the intake endpoint."""
    intake = IntakeApp(
        settings=settings, uow_factory=lambda: UnitOfWork(session_factory), clock=clock
    )
    return DipsampleWsgi(app, engine=engine, intake=intake)


def _json(
    start_response: StartResponse, status: int, body: Any, allow: str | None = None
) -> list[bytes]:
    data = json.dumps(body).encode("utf-8")
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    if allow is not None:
        headers.append(("Allow", allow))
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [data]


def serve_forever(application: WSGIApplication, *, host: str, port: int) -> None:
    """Blocks until interrupted."""
    waitress.serve(application, host=host, port=port, threads=THREADS, ident="dipsample")


def serve_in_thread(
    application: WSGIApplication, host: str = "127.0.0.1", port: int = 0
) -> tuple[str, Callable[[], None]]:
    """Serve on a background thread: (base URL without a trailing slash, stop)."""
    server = waitress.create_server(
        application, host=host, port=port, threads=THREADS, ident="dipsample"
    )
    thread = threading.Thread(target=server.run, name="dipsample-http", daemon=True)
    thread.start()
    url = f"http://{server.effective_host}:{server.effective_port}"

    stopped = threading.Event()

    def stop() -> None:
        if stopped.is_set():
            return
        stopped.set()

        # The asyncore map may only be touched from the loop's own thread: hand it the job
        # of closing every socket, after which the loop finds its map empty and returns.
        def close_all() -> None:
            for dispatcher in list(server._map.values()):
                dispatcher.close()

        # If the loop already closed its trigger, there is nothing left to close.
        with contextlib.suppress(OSError):
            server.trigger.pull_trigger(close_all)
        thread.join(timeout=STOP_TIMEOUT_SECONDS)
        server.task_dispatcher.shutdown(timeout=STOP_TIMEOUT_SECONDS)

    return url, stop
