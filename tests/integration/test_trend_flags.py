"""Answers left on questions a later gate answer disabled stay stored but never reach the trends:
submitting stores which answers count (answers.counts_in_trends), and migration 0003 works it out
for inspections submitted before it.

The inspection here goes through the inspector's real conversation (bot.services.
inspection.flow): coercive control is marked relevant and its follow-up "not met", then the gate
is changed to "No" and the inspection submitted. Every other scored mark is fully met, so a
pre-charge decision has 13 scored marks, all fully met, once the stale one is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from support.trend_data import LONDON, PCD_SCORED, World, add_submitted, build_world

from bot.services.inspection import flow
from bot.services.inspection.state import SUMMARY, FlowState
from bot.services.trends.engine import summarise
from inspections.answers import Answer
from inspections.periods import quarter_of
from inspections.scopes import Scope, ScopeKind
from inspections.trends import Share
from questionnaires.model import QuestionKind
from storage import migrate
from storage.db import make_engine, session_factory
from storage.models import Answer as AnswerRow
from storage.models import CaseReview, Inspection
from storage.uow import UnitOfWork

TZ = ZoneInfo("Europe/London")
Q1 = quarter_of(date(2026, 1, 1))
NOW = datetime(2026, 2, 10, 11, 0, tzinfo=UTC)
LONDON_SCOPE = Scope(ScopeKind.AREA, LONDON, area=LONDON)
GATE, FOLLOW_UP = "ccb_relevant", "ccb_addressed"


def _assigned(uow_factory: Callable[[], UnitOfWork]) -> tuple[World, int, int]:
    with uow_factory() as uow:
        world = build_world(uow.session, now=NOW - timedelta(days=30))
        lawyer = world.london_lawyers[0]
        review = CaseReview(
            urn="01FL0000126",
            review_type="pre_charge_decision",
            area=lawyer.area,
            unit=lawyer.unit,
            lawyer_id=lawyer.id,
            completed_at=NOW - timedelta(days=3),
            action_plan_count=0,
            outcome="charge",
            source_id=None,
            identity_key="trend-flags",
            received_at=NOW - timedelta(days=3),
        )
        inspection = Inspection(
            case_review=review,
            questionnaire_version_id=world.version.id,
            inspector_id=world.inspector.id,
            status="assigned",
            assigned_at=NOW - timedelta(days=1),
            due_at=NOW + timedelta(days=5),
            created_at=NOW - timedelta(days=1),
            updated_at=NOW - timedelta(days=1),
        )
        uow.session.add(inspection)
        uow.session.flush()
        found = (world, inspection.id, inspection.lock_version)
        uow.commit()
    return found


def _reply(state: FlowState, gate: str) -> Answer:
    question = state.questionnaire.question(state.current or "")
    if question.kind is QuestionKind.FREE_TEXT:
        return Answer(question.id, text="Keep the rationale on file.")
    if question.kind is QuestionKind.YES_NO:
        return Answer(question.id, gate if question.id == GATE else "no")
    if question.id == FOLLOW_UP:
        return Answer(question.id, "not_met", reason="Not considered at all.")
    return Answer(question.id, "fully_met")


def _answer_all(
    uow_factory: Callable[[], UnitOfWork], state: FlowState, click: flow.CardClick, gate: str
) -> FlowState:
    while state.current != SUMMARY:
        click = flow.CardClick(click.actor_slack_id, state.inspection_id, state.card_version, NOW)
        state = flow.answer(uow_factory(), click, _reply(state, gate))
    return state


def _submitted_with_a_changed_gate(uow_factory: Callable[[], UnitOfWork]) -> int:
    world, inspection_id, version = _assigned(uow_factory)
    slack_id = world.inspector.slack_user_id or ""
    click = flow.CardClick(slack_id, inspection_id, version, NOW)
    state = _answer_all(uow_factory, flow.start(uow_factory(), click), click, gate="yes")
    assert FOLLOW_UP in state.answers
    click = flow.CardClick(slack_id, inspection_id, state.card_version, NOW)
    state = _answer_all(uow_factory, flow.edit(uow_factory(), click, GATE), click, gate="no")
    assert state.answers[FOLLOW_UP].option_code == "not_met"  # kept, though disabled
    flow.submit(uow_factory(), flow.CardClick(slack_id, inspection_id, state.card_version, NOW))
    return inspection_id


def _flags(uow_factory: Callable[[], UnitOfWork], inspection_id: int) -> dict[str, bool]:
    with uow_factory() as uow:
        rows = uow.session.execute(
            select(AnswerRow.question_id, AnswerRow.counts_in_trends).where(
                AnswerRow.inspection_id == inspection_id
            )
        )
        return {question_id: bool(counts) for question_id, counts in rows}


def test_submitting_stores_that_an_answer_disabled_by_a_changed_gate_does_not_count(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    inspection_id = _submitted_with_a_changed_gate(uow_factory)

    flags = _flags(uow_factory, inspection_id)

    assert flags[FOLLOW_UP] is False
    assert {q for q, counts in flags.items() if not counts} == {FOLLOW_UP}


def test_the_trends_leave_out_the_disabled_answer_of_a_submitted_inspection(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    _submitted_with_a_changed_gate(uow_factory)

    with uow_factory() as uow:
        summary = summarise(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=TZ)

    assert summary.figures.inspections == 1
    assert summary.figures.fully_met == Share(PCD_SCORED, PCD_SCORED)
    assert FOLLOW_UP not in {q.question_id for q in summary.questions}


def test_migration_0003_works_out_the_flag_for_inspections_already_submitted(
    empty_database_url: str,
) -> None:
    migrate.upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        uow_factory = lambda: UnitOfWork(session_factory(engine))  # noqa: E731
        with uow_factory() as uow:
            world = build_world(uow.session, now=NOW - timedelta(days=30))
            lawyer = world.london_lawyers[0]
            stale = add_submitted(
                uow.session, world, lawyer=lawyer, submitted_at=NOW, stale={FOLLOW_UP: "not_met"}
            )
            kept = add_submitted(
                uow.session,
                world,
                lawyer=lawyer,
                submitted_at=NOW,
                marks={GATE: "yes", FOLLOW_UP: "not_met"},
            )
            # As before 0003: nothing told the two apart.
            uow.session.execute(update(AnswerRow).values(counts_in_trends=True))
            ids = (stale.id, kept.id)
            uow.commit()
    finally:
        engine.dispose()

    migrate.downgrade(empty_database_url, "0002")
    migrate.upgrade(empty_database_url)

    engine = make_engine(empty_database_url)
    try:
        uow_factory = lambda: UnitOfWork(session_factory(engine))  # noqa: E731
        stale_flags, kept_flags = (_flags(uow_factory, i) for i in ids)
    finally:
        engine.dispose()
    assert {q for q, counts in stale_flags.items() if not counts} == {FOLLOW_UP}
    assert all(kept_flags.values()) and FOLLOW_UP in kept_flags
