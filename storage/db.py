"""Engines and sessions for SQLite (the default) and PostgreSQL (production)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from contextlib import ExitStack
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, literal, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000
POSTGRES_POOL_SIZE = 20


def normalize_url(url: str | URL) -> URL:
    """The one place that picks the PostgreSQL driver: plain `postgresql://` means psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL) -> Engine:
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed)
        _configure_sqlite(engine, write_turn_for(parsed.database))
        return engine
    # Enough kept-open connections for the HTTP threads, Bolt's listener threads and the
    # scheduler's jobs together: a connection beyond the pool is opened for one use and
    # closed again, and opening one costs PostgreSQL a new backend process. Last in, first
    # out: the connection just used goes out again, with its backend's caches and psycopg's
    # prepared statements warm, and quiet hours leave the rest idle instead of each in turn.
    return create_engine(
        parsed, pool_pre_ping=True, pool_size=POSTGRES_POOL_SIZE, pool_use_lifo=True
    )


def open_connections(engine: Engine, *, count: int, tables: Iterable[Table]) -> None:
    """On PostgreSQL, open ``count`` pooled connections (at most the pool's size) and have each
    look at every table, so that the first clicks after a start wait neither for PostgreSQL to
    start a backend nor for a backend's first look at a table and its indexes. Only a head
    start: a failure is logged and the connections are opened later, when needed. On SQLite
    there is nothing to warm, and connections held at once would lock each other out (each
    begins with BEGIN IMMEDIATE)."""
    if not is_postgres(engine):
        return
    looks = [select(literal(1)).select_from(table).limit(0) for table in tables]
    try:
        with ExitStack() as held:  # held at once: one after another would reuse the first
            for _ in range(min(count, POSTGRES_POOL_SIZE)):
                connection = held.enter_context(engine.connect())
                for look in looks:
                    connection.execute(look)
    except DBAPIError as failed:
        log.warning("connections not opened ahead: %s", str(failed.orig).strip())


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def is_postgres(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "postgresql"


class WriteTurn:
    """Writers of one SQLite file in this process take turns on a lock.

    SQLite's own busy handler makes a blocked writer sleep in growing steps (up to 100 ms),
    so under load a click could wait far longer than the transaction it waits for. Waiting
    on a lock first hands the file over as soon as it is free (to one of the waiters: a
    threading.Lock promises no order). SQLite's lock still does the
    real work: other processes, and a thread that gave up waiting here, rely on it alone.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: int | None = None  # id() of the DBAPI connection holding the turn

    @property
    def held(self) -> bool:
        return self._lock.locked()

    def take(self, dbapi_connection: Any) -> None:
        if self._holder == id(dbapi_connection):
            return  # a second transaction before the connection went back to the pool
        if self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            self._holder = id(dbapi_connection)
        else:
            # SQLite's own busy timeout decides now; a turn held this long is worth a look.
            log.warning(
                "no SQLite write turn after %d ms; going on without it", SQLITE_BUSY_TIMEOUT_MS
            )

    def give_back(self, dbapi_connection: Any) -> None:
        if dbapi_connection is not None and self._holder == id(dbapi_connection):
            self._holder = None
            self._lock.release()


_write_turns: dict[str, WriteTurn] = {}
_write_turns_guard = threading.Lock()


def write_turn_for(database: str | None) -> WriteTurn | None:
    """One turn per database file, shared by every engine on it in this process."""
    if not database or database == ":memory:":
        return None
    with _write_turns_guard:
        return _write_turns.setdefault(database, WriteTurn())


def _configure_sqlite(engine: Engine, turn: WriteTurn | None) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module (it would only BEGIN before
        # writes and breaks SAVEPOINT); the "begin" listener below issues BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # IMMEDIATE takes the write lock up front: a transaction that reads and then writes
        # waits for the lock (busy_timeout) instead of failing with SQLITE_BUSY halfway, and
        # claim-then-update jobs are serialised, as SKIP LOCKED would do on PostgreSQL.
        if turn is not None:
            turn.take(connection.connection.dbapi_connection)
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    if turn is None:
        return

    # The turn is held until the connection goes back to the pool (after its COMMIT or
    # ROLLBACK), or is thrown away.
    @event.listens_for(engine, "checkin")
    def on_checkin(dbapi_connection: Any, _record: Any) -> None:
        turn.give_back(dbapi_connection)

    @event.listens_for(engine, "invalidate")
    def on_invalidate(dbapi_connection: Any, _record: Any, _error: Any) -> None:
        turn.give_back(dbapi_connection)

    @event.listens_for(engine, "close_detached")
    def on_close_detached(dbapi_connection: Any) -> None:
        turn.give_back(dbapi_connection)
