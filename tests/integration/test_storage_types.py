"""Column types and engine settings on the configured database: UTC datetimes, roles as plain
names, SQLite pragmas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session, sessionmaker

from storage.db import is_postgres, normalize_url
from storage.models import JobRun, Person

NOW = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


def _person(email: str, *roles: str) -> Person:
    person = Person(
        email=email,
        name="Synthetic Person",
        area="Wessex",
        unit="RASSO",
        created_at=NOW,
        updated_at=NOW,
    )
    person.roles = list(roles)
    return person


def test_a_naive_datetime_is_refused(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session, pytest.raises(StatementError) as raised:
        session.add(JobRun(job_name="digest", last_run_at=datetime(2025, 3, 3, 9, 30)))
        session.flush()

    assert isinstance(raised.value.orig, ValueError)
    assert "naive datetime" in str(raised.value.orig)


def test_an_aware_datetime_comes_back_as_the_same_instant_in_utc(
    session_factory: sessionmaker[Session],
) -> None:
    summer_in_london = datetime(2025, 7, 1, 10, 15, 30, 123456, tzinfo=LONDON)
    with session_factory() as session:
        session.add(JobRun(job_name="digest", last_run_at=summer_in_london))
        session.commit()

    with session_factory() as session:
        stored = session.scalars(select(JobRun.last_run_at)).one()

    assert stored == summer_in_london
    assert stored.tzinfo is UTC
    assert stored == datetime(2025, 7, 1, 9, 15, 30, 123456, tzinfo=UTC)


def test_comparisons_use_the_instant_whatever_the_time_zone_given(
    session_factory: sessionmaker[Session],
) -> None:
    # 10:30 in UTC+2 is 08:30 UTC: before the stored 09:00.
    earlier = datetime(2025, 7, 1, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    with session_factory() as session:
        session.add(JobRun(job_name="digest", last_run_at=datetime(2025, 7, 1, 9, tzinfo=UTC)))
        session.flush()

        after_earlier = session.scalars(
            select(JobRun.job_name).where(JobRun.last_run_at > earlier)
        ).all()

    assert after_earlier == ["digest"]


def test_roles_are_read_and_written_as_plain_names(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session:
        session.add(_person("both@example.test", "inspector", "manager"))
        session.commit()

    with session_factory() as session:
        person = session.scalars(select(Person)).one()
        assert sorted(person.roles) == ["inspector", "manager"]
        person.roles = ["manager", "admin"]
        session.commit()

    with session_factory() as session:
        assert sorted(session.scalars(select(Person)).one().roles) == ["admin", "manager"]


def test_sqlite_connections_use_wal_full_sync_and_foreign_keys(engine: Engine) -> None:
    if is_postgres(engine):
        pytest.skip("SQLite pragmas")
    with engine.connect() as connection:
        settings = [
            connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys")
        ]

    assert settings == ["wal", 2, 1]  # synchronous 2 is FULL


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://postgres@127.0.0.1:5432/db", "postgresql+psycopg"),
        ("postgres://postgres@127.0.0.1:5432/db", "postgresql+psycopg"),
        ("postgresql+psycopg://postgres@127.0.0.1:5432/db", "postgresql+psycopg"),
        ("sqlite:///dipsample.db", "sqlite"),
    ],
)
def test_plain_postgresql_urls_use_psycopg(given: str, driver: str) -> None:
    assert normalize_url(given).drivername == driver
