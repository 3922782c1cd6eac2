"""Alembic, driven from code: the migrations ship inside the package, no alembic.ini needed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

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
        with engine.begin() as connection:
            config = alembic_config(url)
            # env.py runs on this connection, so the SQLite pragmas of make_engine apply.
            config.attributes["connection"] = connection
            action(config)
    finally:
        engine.dispose()
