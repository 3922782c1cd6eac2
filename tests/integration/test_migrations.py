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


def test_0011_keeps_every_inspection_and_what_refers_to_it(empty_database_url: str) -> None:
    # 0011 copies the inspections table on SQLite (a unique constraint cannot be dropped
    # there): the rows, and the answers and assignments that refer to them, must survive.
    from datetime import UTC, datetime

    from sqlalchemy import MetaData

    migrate.upgrade(empty_database_url, "0009")
    engine = make_engine(empty_database_url)
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    try:
        tables = MetaData()
        tables.reflect(engine)
        with engine.begin() as connection:

            def add(table: str, **values: object) -> int:
                row = connection.execute(tables.tables[table].insert().values(**values))
                return int(row.inserted_primary_key[0])

            people = [
                add("people", email=f"p{n}@example.test", name=f"P{n}", area="Wessex",
                    unit="RASSO", active=True, created_at=now, updated_at=now)
                for n in range(2)
            ]  # fmt: skip
            review = add(
                "case_reviews", urn="42AB1234525", review_type="early_advice", area="Wessex",
                unit="RASSO", lawyer_id=people[0], completed_at=now, action_plan_count=0,
                identity_key="review:x", received_at=now,
            )  # fmt: skip
            version = add(
                "questionnaire_versions", questionnaire_id="q", version=1, content_hash="0" * 64,
                content={}, published_at=now,
            )  # fmt: skip
            inspection = add(
                "inspections", case_review_id=review, questionnaire_version_id=version,
                inspector_id=people[1], status="assigned", created_at=now, updated_at=now,
                lock_version=1,
            )  # fmt: skip
            add("assignments", inspection_id=inspection, inspector_id=people[1], assigned_at=now)
            add(
                "answers", inspection_id=inspection, question_id="q1", option_code="fully_met",
                answered_by=people[1], answered_at=now, revision=1,
            )  # fmt: skip
    finally:
        engine.dispose()

    migrate.upgrade(empty_database_url)

    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, purpose FROM inspections")).all()
            assert [tuple(r) for r in rows] == [(inspection, "primary")]
            joined = connection.execute(
                text(
                    "SELECT COUNT(*) FROM answers a JOIN inspections i ON i.id = a.inspection_id "
                    "JOIN assignments s ON s.inspection_id = i.id"
                )
            ).scalar()
            assert joined == 1
            if not is_postgres(engine):
                assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        engine.dispose()
