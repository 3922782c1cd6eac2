"""Two clicks on one card at the same moment: the second waits for the first and is refused as
out of date, whatever the database (SQLite takes turns by its write lock, PostgreSQL by the
row lock the flow takes)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.services import inspection_flow as flow
from bot.services.assignment import retry_queued_assignments
from bot.services.people import import_people
from bot.services.questionnaire_versions import current_review_questionnaire
from bot.settings import Settings
from storage.models import Answer, CaseReview, Inspection, Person, SamplingDecision
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
UowFactory = Callable[[], UnitOfWork]
PEOPLE = [
    ("lee.lawyer@example.test", "lawyer", "London North", "RASSO London North", "U0LEE00001"),
    ("ina.inspector@example.test", "inspector", "Wessex", "Wessex Quality", "U0INA00001"),
]


def started_inspection(uow_factory: UowFactory) -> tuple[int, int]:
    """An inspection assigned to Ina and started: (its id, its card version)."""
    rows = [
        (n, {"email": e, "name": e.split("@")[0], "roles": r, "area": a, "unit": u,
             "manager_email": "", "slack_user_id": s})
        for n, (e, r, a, u, s) in enumerate(PEOPLE, start=2)
    ]  # fmt: skip
    with uow_factory() as uow:
        assert import_people(uow, rows, now=NOW).problems == []
    with uow_factory() as uow:
        session = uow.session
        lawyer = session.scalars(select(Person).where(Person.email == PEOPLE[0][0])).one()
        review = CaseReview(
            urn="42AB1234525", review_type="pre_charge_decision", area=lawyer.area,
            unit=lawyer.unit, lawyer_id=lawyer.id, completed_at=NOW, action_plan_count=0,
            outcome="charge", source_id="race-1", identity_key="race-1", received_at=NOW,
        )  # fmt: skip
        session.add(review)
        session.flush()
        session.add(
            SamplingDecision(
                case_review_id=review.id, policy_version="test", selected=True,
                rule="random_rate", draw=0.01, decided_at=NOW,
            )
        )  # fmt: skip
        version = current_review_questionnaire(session, now=NOW)
        session.add(
            Inspection(
                case_review_id=review.id, questionnaire_version_id=version.id,
                status="queued", created_at=NOW, updated_at=NOW,
            )
        )  # fmt: skip
        uow.commit()
    with uow_factory() as uow:
        assert retry_queued_assignments(uow, now=NOW, settings=Settings()).assigned == 1
    inspection_id = _only_inspection(uow_factory)
    state = flow.start(uow_factory, _click(uow_factory, inspection_id, NOW))
    return inspection_id, state.card_version


def _only_inspection(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        return int(uow.session.scalars(select(Inspection.id)).one())


def _click(uow_factory: UowFactory, inspection_id: int, now: datetime) -> flow.CardClick:
    with uow_factory() as uow:
        version = uow.session.get(Inspection, inspection_id).lock_version  # type: ignore[union-attr]
    return flow.CardClick(PEOPLE[1][4], inspection_id, version, now)


def test_a_second_click_on_the_same_card_at_the_same_moment_is_refused_as_stale(
    uow_factory: UowFactory,
) -> None:
    inspection_id, card_version = started_inspection(uow_factory)
    with uow_factory() as uow:
        question = uow.session.get(Inspection, inspection_id).current_question_id  # type: ignore[union-attr]
    later = NOW + timedelta(minutes=1)
    second = flow.CardClick(PEOPLE[1][4], inspection_id, card_version, later)
    outcome: list[object] = []
    first_holds = threading.Event()

    def second_click() -> None:
        first_holds.wait()
        try:
            outcome.append(flow.mark(uow_factory, second, question or "", "fully_met"))
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
    assert isinstance(result, flow.Stale), result
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Answer)) == 0


@pytest.fixture(autouse=True)
def _no_slack(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
