"""Database fixtures shared by every test that touches storage.

The database under test comes from TEST_DATABASE_URL (as .ci/run and the README set it), never
from DATABASE_URL, which may name real data; unset or any sqlite URL means SQLite. A
PostgreSQL database named there is WIPED: point it only at a database made for the tests.

- SQLite: the schema is migrated once into a template file; each test gets a copy of it.
- PostgreSQL: the schema is dropped and migrated once per run; each test starts from
  TRUNCATE of every table.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session, sessionmaker

from storage import migrate
from storage.db import make_engine, normalize_url
from storage.db import session_factory as make_session_factory
from storage.uow import UnitOfWork

TRUNCATE_LOCK_TIMEOUT = "10s"


def _configured_url() -> URL | None:
    """The PostgreSQL URL under test, or None for SQLite."""
    raw = os.environ.get("TEST_DATABASE_URL") or ""
    if not raw.strip() or raw.strip().startswith("sqlite"):
        return None
    url = normalize_url(raw.strip())
    if url.get_backend_name() != "postgresql":
        raise pytest.UsageError(f"tests run on SQLite or PostgreSQL, not {url.drivername}")
    return url


POSTGRES_URL = _configured_url()


def _url_text(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def pytest_report_header(config: pytest.Config) -> str:
    if POSTGRES_URL is None:
        return "database: SQLite (a freshly migrated file per test)"
    shown = POSTGRES_URL.render_as_string(hide_password=True)
    return f"database: PostgreSQL {shown} (migrated once, truncated before each test)"


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    template = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{template}")
    # migrate disposes its engine; closing the last connection folds the WAL into the file,
    # so copying the one file copies the whole database.
    return template


@pytest.fixture(scope="session")
def _migrated_postgres() -> Iterator[Engine]:
    assert POSTGRES_URL is not None
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        # Start from nothing, so a database left by an earlier run is fine.
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(_url_text(POSTGRES_URL))
    yield engine
    engine.dispose()


def _truncate_all(engine: Engine) -> None:
    with engine.begin() as connection:
        # A test that left a transaction open would otherwise make the next one hang.
        connection.execute(text(f"SET LOCAL lock_timeout = '{TRUNCATE_LOCK_TIMEOUT}'"))
        tables = connection.scalars(
            text(
                "SELECT quote_ident(tablename) FROM pg_tables "
                "WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
            )
        ).all()
        if tables:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A clean database at the latest migration, for this test alone."""
    if POSTGRES_URL is None:
        template: Path = request.getfixturevalue("_migrated_sqlite_template")
        copy = tmp_path / "test.db"
        shutil.copyfile(template, copy)
        return f"sqlite:///{copy}"
    _truncate_all(request.getfixturevalue("_migrated_postgres"))
    return _url_text(POSTGRES_URL)


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, for migration tests."""
    if POSTGRES_URL is None:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"dipsample_tmp_{uuid.uuid4().hex[:12]}"
    # CREATE/DROP DATABASE cannot run in a transaction, nor from inside the database itself.
    maintenance = make_engine(POSTGRES_URL.set(database="postgres"))
    autocommit = maintenance.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _url_text(POSTGRES_URL.set(database=name))
    finally:
        with autocommit.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        maintenance.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def uow_factory(session_factory: sessionmaker[Session]) -> Callable[[], UnitOfWork]:
    """Call it for a new UnitOfWork on the test's database: `with uow_factory() as uow: ...`."""
    return lambda: UnitOfWork(session_factory)
