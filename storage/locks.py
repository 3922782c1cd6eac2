"""Coordination of periodic jobs between instances: a singleton guard and when each job last ran.

On PostgreSQL a job takes a transaction-scoped advisory lock, so with several instances only one
runs a given job at a time and the lock is released when its transaction ends, even if the
process dies. SQLite has one process, so the guard always succeeds there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import JobRun

_KEY_PREFIX = b"dipsample-job:"


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_xact_lock (hash() differs per process)."""
    digest = hashlib.sha256(_KEY_PREFIX + name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def singleton(session: Session, name: str) -> Iterator[bool]:
    """`with singleton(session, "job") as acquired:`; the lock lasts until the session's
    transaction commits or rolls back, so keep that transaction open for the job's duration."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        # Touching the session here would BEGIN IMMEDIATE on SQLite and hold the write lock
        # for the whole job, blocking the job's own sessions.
        yield True
        return
    acquired = session.scalar(select(func.pg_try_advisory_xact_lock(lock_key(name))))
    yield bool(acquired)


def record_run(session: Session, name: str, now: datetime) -> None:
    """Upsert: two instances (or two threads on SQLite) may record the same job at once."""
    dialect = session.get_bind().dialect.name
    values = {"job_name": name, "last_run_at": now}
    if dialect == "postgresql":
        pg = postgresql.insert(JobRun).values(values)
        session.execute(
            pg.on_conflict_do_update(
                index_elements=[JobRun.job_name], set_={"last_run_at": pg.excluded.last_run_at}
            )
        )
    elif dialect == "sqlite":
        lite = sqlite.insert(JobRun).values(values)
        session.execute(
            lite.on_conflict_do_update(
                index_elements=[JobRun.job_name], set_={"last_run_at": lite.excluded.last_run_at}
            )
        )
    else:
        raise RuntimeError(f"unsupported database {dialect}")


def last_run(session: Session, name: str) -> datetime | None:
    return session.scalar(select(JobRun.last_run_at).where(JobRun.job_name == name))
