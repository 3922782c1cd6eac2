"""Migrations on the configured database: empty to head, back to empty, and equal to the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from storage import migrate
from storage.db import is_postgres, make_engine
from storage.models import Base


def _head() -> str | None:
    return ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_current_head()


def _schema_objects(url: str) -> set[str]:
    """Every table, view, index, trigger, sequence and function in the database, by name."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if is_postgres(engine):
                query = """
                    SELECT 'relation ' || relname FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = current_schema()
                    UNION ALL
                    SELECT 'function ' || proname FROM pg_proc p
                    JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = current_schema()
                    UNION ALL
                    SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
                """
            else:
                query = (
                    "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
                )
            return set(connection.scalars(text(query)))
    finally:
        engine.dispose()


def _table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_an_empty_database_has_no_current_revision(empty_database_url: str) -> None:
    assert migrate.current(empty_database_url) is None


def test_upgrade_from_empty_creates_every_table_of_the_models(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)

    assert migrate.current(empty_database_url) == _head()
    assert _table_names(empty_database_url) == set(Base.metadata.tables) | {"alembic_version"}


def test_downgrade_to_base_leaves_only_alembic_version(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)

    migrate.downgrade(empty_database_url)

    assert migrate.current(empty_database_url) is None
    leftovers = {
        name for name in _schema_objects(empty_database_url) if "alembic_version" not in name
    }
    assert leftovers == set()


def test_upgrade_after_downgrade_rebuilds_the_same_schema(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    first = _schema_objects(empty_database_url)

    migrate.downgrade(empty_database_url)
    migrate.upgrade(empty_database_url)

    assert _schema_objects(empty_database_url) == first


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        differences = compare_metadata(context, Base.metadata)

    assert differences == []
