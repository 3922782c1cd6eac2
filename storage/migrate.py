"""Alembic, driven from code: the migrations ship inside the package, no alembic.ini needed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine

from storage.db import make_engine, normalize_url

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    # Percent signs (e.g. in an escaped password) are interpolation syntax to configparser.
    config.set_main_option(
        "sqlalchemy.url",
        normalize_url(url).render_as_string(hide_password=False).replace("%", "%%"),
    )
    return config


def upgrade(url: str, revision: str = "head") -> None:
    _run(url, lambda config: command.upgrade(config, revision))


def downgrade(url: str, revision: str = "base") -> None:
    _run(url, lambda config: command.downgrade(config, revision))


def current(url: str) -> str | None:
    """The revision the database is at; None when it has never been migrated (or is at base)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _run(url: str, action: Callable[[Config], None]) -> None:
    engine = make_engine(url)
    try:
        with migrating(engine) as connection:
            config = alembic_config(url)
            # env.py runs on this connection, so the SQLite pragmas of make_engine apply.
            config.attributes["connection"] = connection
            action(config)
    finally:
        engine.dispose()


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction, committed at the end. On SQLite foreign keys are off
    while it runs, as SQLite's own procedure for changing a table asks: batch mode copies a
    table and drops the old one, which the enforcement would refuse while other tables refer to
    it (0011 copies inspections). They are checked before the commit instead, and any row left
    pointing nowhere fails the migration."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection
        if sqlite and raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")  # outside a transaction, where it applies
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"rows refer to rows that do not exist: {broken[:5]}")
        finally:
            if sqlite and raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")
