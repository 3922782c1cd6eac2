"""The unit of work keeps a change only when it is committed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from storage.models import JobRun
from storage.uow import UnitOfWork

NOW = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)

UowFactory = Callable[[], UnitOfWork]


class Boom(Exception):
    pass


def _job_names(uow_factory: UowFactory) -> list[str]:
    with uow_factory() as uow:
        return list(uow.session.scalars(select(JobRun.job_name).order_by(JobRun.job_name)))


def test_committed_changes_are_kept(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.session.add(JobRun(job_name="reminder_sweep", last_run_at=NOW))
        uow.commit()

    assert _job_names(uow_factory) == ["reminder_sweep"]


def test_changes_are_rolled_back_when_not_committed(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.session.add(JobRun(job_name="reminder_sweep", last_run_at=NOW))
        uow.session.flush()  # sent to the database, but never committed

    assert _job_names(uow_factory) == []


def test_an_exception_rolls_back_and_propagates(uow_factory: UowFactory) -> None:
    with pytest.raises(Boom), uow_factory() as uow:
        uow.session.add(JobRun(job_name="reminder_sweep", last_run_at=NOW))
        uow.session.flush()
        raise Boom

    assert _job_names(uow_factory) == []


def test_changes_after_a_commit_are_rolled_back(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.session.add(JobRun(job_name="first", last_run_at=NOW))
        uow.commit()
        uow.session.add(JobRun(job_name="second", last_run_at=NOW))
        uow.session.flush()

    assert _job_names(uow_factory) == ["first"]


def test_explicit_rollback_discards_and_the_unit_stays_usable(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.session.add(JobRun(job_name="discarded", last_run_at=NOW))
        uow.session.flush()
        uow.rollback()
        uow.session.add(JobRun(job_name="kept", last_run_at=NOW))
        uow.commit()

    assert _job_names(uow_factory) == ["kept"]


def test_committed_objects_stay_readable_after_the_unit_closes(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        run = JobRun(job_name="digest", last_run_at=NOW)
        uow.session.add(run)
        uow.commit()

    assert (run.job_name, run.last_run_at) == ("digest", NOW)


def test_a_service_entering_an_entered_unit_of_work_joins_its_transaction(
    uow_factory: UowFactory,
) -> None:
    uow = uow_factory()
    with uow:
        outer = uow.session
        uow.session.add(JobRun(job_name="read_first", last_run_at=NOW))
        with uow:  # what a service does with the unit of work it is given
            assert uow.session is outer
            uow.session.add(JobRun(job_name="by_the_service", last_run_at=NOW))
        uow.session.flush()  # the inner block's end did not close the session
        uow.commit()

    assert _job_names(uow_factory) == ["by_the_service", "read_first"]


def test_only_the_outermost_block_ends_the_transaction(uow_factory: UowFactory) -> None:
    uow = uow_factory()
    with uow:
        with uow:
            uow.session.add(JobRun(job_name="never_committed", last_run_at=NOW))
            uow.session.flush()
        # Still in the transaction the inner block joined: nothing was rolled back yet.
        assert list(uow.session.scalars(select(JobRun.job_name))) == ["never_committed"]

    assert _job_names(uow_factory) == []  # rolled back at the outer end


def test_each_block_of_a_unit_of_work_entered_in_turn_is_a_transaction_of_its_own(
    uow_factory: UowFactory,
) -> None:
    uow = uow_factory()
    with uow:
        first = uow.session
        uow.session.add(JobRun(job_name="first", last_run_at=NOW))
        uow.commit()
    with uow:
        assert uow.session is not first
        uow.session.add(JobRun(job_name="second", last_run_at=NOW))

    assert _job_names(uow_factory) == ["first"]
