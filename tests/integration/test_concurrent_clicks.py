"""Two clicks on one card at the same moment: the second waits for the first and is refused as
out of date, whatever the database (SQLite takes turns by its write lock, PostgreSQL by the
row lock the flow takes)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from support.scheduling_data import (
    add_open_inspection,
    add_person,
    publish_default_questionnaire,
    urn,
)

from bot.refusals import Refused
from bot.services.inspection import flow
from storage.models import Answer, Inspection
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
UowFactory = Callable[[], UnitOfWork]
INSPECTOR_SLACK = "U0INA00001"


def started_inspection(uow_factory: UowFactory) -> tuple[int, int]:
    """An inspection assigned to an inspector and started: (its id, its card version)."""
    with uow_factory() as uow:
        session = uow.session
        lawyer = add_person(
            session, email="lee@example.test", name="Lee", roles=["lawyer"], now=NOW
        )
        inspector = add_person(
            session,
            email="ina@example.test",
            name="Ina",
            roles=["inspector"],
            now=NOW,
            slack_user_id=INSPECTOR_SLACK,
            area="Wessex",
        )
        inspection = add_open_inspection(
            session,
            urn=urn(1),
            lawyer=lawyer,
            inspector=inspector,
            questionnaire=publish_default_questionnaire(session, now=NOW),
            assigned_at=NOW,
            due_at=NOW + timedelta(days=2),
        )
        inspection_id, version = inspection.id, inspection.lock_version
        uow.commit()
    start = flow.CardClick(INSPECTOR_SLACK, inspection_id, version, NOW)
    return inspection_id, flow.start(uow_factory(), start).card_version


def test_a_second_click_on_the_same_card_at_the_same_moment_is_refused_as_stale(
    uow_factory: UowFactory,
) -> None:
    inspection_id, card_version = started_inspection(uow_factory)
    with uow_factory() as uow:
        question = uow.session.get(Inspection, inspection_id).current_question_id  # type: ignore[union-attr]
    later = NOW + timedelta(minutes=1)
    second = flow.CardClick(INSPECTOR_SLACK, inspection_id, card_version, later)
    outcome: list[object] = []
    first_holds = threading.Event()

    def second_click() -> None:
        first_holds.wait()
        try:
            outcome.append(flow.mark(uow_factory(), second, question or "", "fully_met"))
        except Exception as error:  # what the listener would see
            outcome.append(error)

    thread = threading.Thread(target=second_click)
    thread.start()
    # The first click: the same card, holding the inspection until it commits.
    with uow_factory() as uow:
        inspection = uow.session.get(Inspection, inspection_id, with_for_update={"of": Inspection})
        assert inspection is not None and inspection.lock_version == card_version
        first_holds.set()
        thread.join(timeout=0.5)  # the second click is waiting for us meanwhile
        assert thread.is_alive()
        inspection.updated_at = later  # what any change does: the card version moves on
        uow.commit()
    thread.join(timeout=30)

    [result] = outcome
    assert isinstance(result, Refused), result
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Answer)) == 0
