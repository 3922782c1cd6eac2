"""Intake throughput: import and sample synthetic completed reviews on SQLite and PostgreSQL.

    .venv/bin/python bench/intake.py [--reviews 100000] [--postgres URL | env BENCH_DATABASE_URL]

Each run uses a scratch database made for it (a temporary SQLite file; a new PostgreSQL database
on the server of the given URL, dropped afterwards). A synthetic directory (14 Areas, 2 units
each, about 400 lawyers and 60 inspectors) is imported first, untimed; then the reviews are
validated, stored, sampled and, where selected, assigned or queued, through the same service
functions as `dipsample cases import`, and the time is printed. A second import of the same rows
(all recognised as already stored) is timed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.intake_data import directory, numbered, reviews

from bot.services.intake.reviews import IntakeReport, ingest_reviews, validate_reviews
from bot.services.intake.sampling import policy_from_settings
from bot.services.people.directory import import_people
from bot.settings import Settings
from inspections.areas import AREAS
from inspections.sampling import SamplingPolicy
from storage import migrate
from storage.db import make_engine, normalize_url, session_factory
from storage.models import Inspection, OutboxMessage
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=2000, help="rows per INSERT batch")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()

    found = directory(AREAS[:14], units_per_area=2, lawyers_per_unit=15, inspectors_per_area=2)
    rows = reviews(found, args.reviews, first_month=date(2025, 3, 1), months=12, seed=11)
    lawyers = len(found.lawyers)
    inspectors = sum("inspector" in row["roles"] for row in found.rows)
    print(
        f"{len(rows):,} reviews; {len(found.rows)} people ({lawyers} lawyers, "
        f"{inspectors} inspectors) in 14 Areas x 2 units"
    )
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as scratch:
            run("SQLite", f"sqlite:///{scratch}/bench.db", found.rows, rows, args.batch)
    if args.postgres:
        with scratch_postgres(args.postgres) as url:
            run("PostgreSQL", url, found.rows, rows, args.batch)
    else:
        print("PostgreSQL: skipped (give --postgres URL or set BENCH_DATABASE_URL)")
    return 0


def run(
    label: str,
    url: str,
    people: list[dict[str, str]],
    rows: list[dict[str, str]],
    batch: int,
) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        factory = session_factory(engine)
        with UnitOfWork(factory) as uow:
            imported = import_people(uow, numbered(people), now=NOW)
        assert not imported.problems, imported.problems
        settings = Settings(database_url=url)
        policy = policy_from_settings(settings)
        first, seconds = _timed_import(factory, rows, settings, policy, batch)
        again, seconds_again = _timed_import(factory, rows, settings, policy, batch)
        with UnitOfWork(factory) as uow:
            inspections = uow.session.scalar(select(func.count()).select_from(Inspection))
            messages = uow.session.scalar(select(func.count()).select_from(OutboxMessage))
    finally:
        engine.dispose()
    rules = ", ".join(f"{rule} {n:,}" for rule, n in sorted(first.by_rule.items()))
    print(f"\n{label}")
    print(
        f"  first import : {first.created:,} stored and sampled in {seconds:.2f} s "
        f"= {first.created / seconds:,.0f} reviews/s"
    )
    print(
        f"  re-import    : {again.skipped:,} recognised, {again.created} stored, in "
        f"{seconds_again:.2f} s = {len(rows) / seconds_again:,.0f} reviews/s"
    )
    print(
        f"  selected {first.selected:,} ({rules}); {first.assigned:,} assigned, "
        f"{first.queued:,} queued; {inspections:,} inspections, {messages:,} outbox messages"
    )


def _timed_import(
    factory: sessionmaker[Session],
    rows: list[dict[str, str]],
    settings: Settings,
    policy: SamplingPolicy,
    batch: int,
) -> tuple[IntakeReport, float]:
    started = time.perf_counter()
    with UnitOfWork(factory) as uow:
        valid, problems = validate_reviews(uow.session, numbered(rows))
        assert not problems, problems[:5]
        report = ingest_reviews(
            uow,
            valid,
            policy=policy,
            settings=settings,
            now=NOW,
            batch_size=batch,
        )
    return report, time.perf_counter() - started


@contextmanager
def scratch_postgres(url: str) -> Iterator[str]:
    server = normalize_url(url)
    name = f"dipsample_bench_{uuid.uuid4().hex[:8]}"
    maintenance = make_engine(server.set(database="postgres")).execution_options(
        isolation_level="AUTOCOMMIT"
    )
    with maintenance.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with maintenance.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        maintenance.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
