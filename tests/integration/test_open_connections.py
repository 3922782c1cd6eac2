"""storage.db.open_connections: `dipsample serve` opens its connections before it listens."""

from __future__ import annotations

import logging
from contextlib import ExitStack

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, event, literal, select
from support.scheduling_data import ON_POSTGRES

from storage.db import open_connections
from storage.models import Base


def _opened_connections(engine: Engine) -> list[object]:
    """Grows by one each time the engine opens a new database connection."""
    opened: list[object] = []
    event.listen(engine, "connect", lambda dbapi_connection, record: opened.append(record))
    return opened


@pytest.mark.skipif(not ON_POSTGRES, reason="only PostgreSQL connections are opened ahead")
def test_the_connections_opened_are_kept_and_serve_that_many_requests_at_once(
    engine: Engine,
) -> None:
    opened = _opened_connections(engine)

    open_connections(engine, count=3, tables=Base.metadata.sorted_tables)
    after_warm_up = len(opened)
    with ExitStack() as held:  # three requests in flight at once
        for _ in range(3):
            held.enter_context(engine.connect())

    assert after_warm_up == 3
    assert len(opened) == 3, "a request had to open a new connection"


@pytest.mark.skipif(not ON_POSTGRES, reason="only PostgreSQL connections are opened ahead")
def test_a_failed_look_is_logged_naming_the_table_and_start_up_goes_on(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    missing = Table("no_such_table_here", MetaData(), Column("id", Integer, primary_key=True))

    with caplog.at_level(logging.WARNING, logger="storage.db"):
        open_connections(engine, count=2, tables=[*Base.metadata.sorted_tables, missing])
    with engine.connect() as connection:  # the pool is still fit for use
        answered = connection.scalar(select(literal(1)))

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith("connections not opened ahead: ")
    assert 'relation "no_such_table_here" does not exist' in warnings[0]
    assert answered == 1


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite")
def test_on_sqlite_nothing_is_opened_ahead(engine: Engine) -> None:
    # Held at once, SQLite connections would lock each other out (each begins with BEGIN
    # IMMEDIATE), and there is no backend to start: nothing to gain.
    opened = _opened_connections(engine)

    open_connections(engine, count=3, tables=Base.metadata.sorted_tables)

    assert opened == []
