"""Keeping the monthly trend roll-ups (storage.trend_rollup): what `add` and `withdraw` keep
equals what a rebuild from the answers gives, also when inspections are added at once from
several threads (PostgreSQL: upserts into the same rows); nothing is kept before the roll-ups
are built."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.trend_data import (
    RollupRows,
    add_submitted,
    build_world,
    rollup_rows,
    rollups_as_rebuilt,
)

from storage import trend_rollup
from storage.models import Answer as AnswerRow
from storage.models import TrendRollupState
from storage.uow import UnitOfWork

TZ = ZoneInfo("Europe/London")
NOW = datetime(2026, 4, 20, 10, 0, tzinfo=UTC)
UowFactory = Callable[[], UnitOfWork]


def submitted_inspections(uow_factory: UowFactory, count: int) -> list[int]:
    """`count` submitted inspections in London North, in February and March 2026 (one at
    23:30 UTC on 31 March, which is April in London); no roll-ups yet."""
    with uow_factory() as uow:
        world = build_world(uow.session, now=datetime(2025, 9, 1, tzinfo=UTC))
        ids = []
        for n in range(count):
            moment = (
                datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
                if n == 0
                else datetime(2026, 2 + n % 2, 2 + n, 11, 0, tzinfo=UTC)
            )
            inspection = add_submitted(
                uow.session,
                world,
                lawyer=world.london_lawyers[n % 3],
                submitted_at=moment,
                marks={"review_language": "not_met"} if n % 3 == 0 else None,
            )
            ids.append(inspection.id)
        uow.commit()
    return ids


def run_together(*work: Callable[[], None]) -> None:
    threads = [threading.Thread(target=each) for each in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)


def kept_equal_to_a_rebuild(uow_factory: UowFactory) -> RollupRows:
    with uow_factory() as uow:
        return rollups_as_rebuilt(uow.session, TZ, NOW)


def test_nothing_is_kept_before_the_rollups_are_built(uow_factory: UowFactory) -> None:
    [inspection_id] = submitted_inspections(uow_factory, 1)
    with uow_factory() as uow:
        trend_rollup.add(uow.session, inspection_id)
        uow.commit()
    with uow_factory() as uow:
        assert trend_rollup.timezone(uow.session) is None
        assert rollup_rows(uow.session) == ([], [])


def test_inspections_added_from_several_threads_at_once_are_each_counted_once(
    uow_factory: UowFactory,
) -> None:
    ids = submitted_inspections(uow_factory, 12)
    with uow_factory() as uow:
        # Roll-ups that exist but count none of these yet: as if each was submitted after.
        uow.session.add(TrendRollupState(id=1, timezone=TZ.key, rebuilt_at=NOW))
        uow.commit()
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def add_each(mine: list[int]) -> None:
        try:
            barrier.wait()
            for inspection_id in mine:
                with uow_factory() as uow:
                    trend_rollup.add(uow.session, inspection_id)
                    uow.commit()
        except BaseException as failure:  # reported below: a thread's exception is lost
            failures.append(failure)

    run_together(*(lambda mine=ids[k::4]: add_each(mine) for k in range(4)))
    assert failures == []
    kept = kept_equal_to_a_rebuild(uow_factory)
    months = {row[0].isoformat(): row[4] for row in kept[1]}
    assert months == {"2026-02-01": 5, "2026-03-01": 6, "2026-04-01": 1}


def test_withdrawing_then_adding_back_leaves_the_counts_as_they_were(
    uow_factory: UowFactory,
) -> None:
    ids = submitted_inspections(uow_factory, 3)
    with uow_factory() as uow:
        trend_rollup.rebuild(uow.session, TZ, NOW)
        uow.commit()
        before = rollup_rows(uow.session)
    with uow_factory() as uow:
        trend_rollup.withdraw(uow.session, ids[1])
        withdrawn = rollup_rows(uow.session)
        trend_rollup.add(uow.session, ids[1])
        assert rollup_rows(uow.session) == before
    assert sum(row[4] for row in withdrawn[1]) == 2


def test_an_inspection_not_submitted_cannot_be_counted(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        trend_rollup.rebuild(uow.session, TZ, NOW)
        uow.commit()
    with uow_factory() as uow, pytest.raises(ValueError, match="inspection 999 is not submitted"):
        trend_rollup.add(uow.session, 999)


def action_plan_answer(session: Session, inspection_id: int) -> AnswerRow:
    query = select(AnswerRow).where(
        AnswerRow.inspection_id == inspection_id, AnswerRow.question_id == "action_plan_quality"
    )
    return session.scalars(query).one()


def test_an_amendment_and_a_submission_in_the_same_group_at_once_both_commit(
    uow_factory: UowFactory,
) -> None:
    """The amendment withdraws its inspection, changes a mark, and adds it back; meanwhile a
    submission adds an inspection with that same new mark, whose row sorts first. Writing
    each group's inspections row first makes the submission wait rather than deadlock."""
    ids = submitted_inspections(uow_factory, 8)
    amended_id, submitted_id = ids[1], ids[7]  # the same lawyer, both in March
    with uow_factory() as uow:
        action_plan_answer(uow.session, submitted_id).option_code = "partially_met"
        uow.session.flush()
        trend_rollup.rebuild(uow.session, TZ, NOW)
        trend_rollup.withdraw(uow.session, submitted_id)  # as if submitted after the rebuild
        uow.commit()
    withdrawn = threading.Event()
    failures: list[BaseException] = []

    def amend() -> None:
        try:
            with uow_factory() as uow:
                trend_rollup.withdraw(uow.session, amended_id)
                withdrawn.set()
                time.sleep(0.5)  # the submission starts adding meanwhile
                action_plan_answer(uow.session, amended_id).option_code = "partially_met"
                trend_rollup.add(uow.session, amended_id)
                uow.commit()
        except BaseException as failure:
            failures.append(failure)

    def submit() -> None:
        try:
            withdrawn.wait(timeout=10)
            with uow_factory() as uow:
                trend_rollup.add(uow.session, submitted_id)
                uow.commit()
        except BaseException as failure:
            failures.append(failure)

    run_together(amend, submit)
    assert failures == []
    kept = kept_equal_to_a_rebuild(uow_factory)
    partly = [row[7] for row in kept[0] if row[5:7] == ("action_plan_quality", "partially_met")]
    assert partly == [2]
