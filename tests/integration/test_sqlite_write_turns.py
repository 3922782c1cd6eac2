"""SQLite writers in one process take turns on a lock, handed back when the connection returns
to the pool: a turn that leaked would make every later click wait for the busy timeout."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from support.scheduling_data import ON_POSTGRES

from storage.db import WriteTurn, make_engine, session_factory, write_turn_for
from storage.models import JobRun
from storage.uow import UnitOfWork

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason="SQLite's own locking")

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
UowFactory = Callable[[], UnitOfWork]


class Boom(Exception):
    pass


def _turn(engine: Engine) -> WriteTurn:
    turn = write_turn_for(make_url(str(engine.url)).database)
    assert turn is not None
    return turn


def test_the_turn_is_held_during_a_transaction_and_given_back_on_commit(
    engine: Engine, uow_factory: UowFactory
) -> None:
    turn = _turn(engine)
    with uow_factory() as uow:
        uow.session.add(JobRun(job_name="reminder_sweep", last_run_at=NOW))
        uow.session.flush()
        assert turn.held
        uow.commit()
        assert not turn.held
    assert not turn.held


def test_the_turn_is_given_back_on_rollback_and_on_an_exception(
    engine: Engine, uow_factory: UowFactory
) -> None:
    turn = _turn(engine)
    with uow_factory() as uow:
        uow.session.add(JobRun(job_name="never_committed", last_run_at=NOW))
        uow.session.flush()
    assert not turn.held
    with pytest.raises(Boom), uow_factory() as uow:
        uow.session.add(JobRun(job_name="never_committed", last_run_at=NOW))
        uow.session.flush()
        raise Boom
    assert not turn.held


def test_a_second_transaction_on_the_same_connection_keeps_the_turn(engine: Engine) -> None:
    turn = _turn(engine)
    with engine.connect() as connection:
        with connection.begin():
            connection.execute(select(1))
        with connection.begin():  # the turn is already this connection's: no self-deadlock
            assert turn.held
    assert not turn.held


def test_engines_on_one_file_share_the_turn_and_writers_queue_in_order(
    engine: Engine, uow_factory: UowFactory
) -> None:
    other = make_engine(engine.url)
    try:
        assert write_turn_for(other.url.database) is _turn(engine)
        order: list[str] = []
        holding = threading.Event()

        def second_writer() -> None:
            holding.wait()
            with UnitOfWork(session_factory(other)) as uow:
                uow.session.add(JobRun(job_name="second", last_run_at=NOW))
                uow.session.flush()
                order.append("second wrote")
                uow.commit()

        thread = threading.Thread(target=second_writer)
        thread.start()
        with uow_factory() as uow:
            uow.session.add(JobRun(job_name="first", last_run_at=NOW))
            uow.session.flush()
            holding.set()
            order.append("first committing")
            uow.commit()
        thread.join()
        assert order == ["first committing", "second wrote"]
        with uow_factory() as uow:
            names = uow.session.scalars(select(JobRun.job_name).order_by(JobRun.job_name))
            assert list(names) == ["first", "second"]
    finally:
        other.dispose()
