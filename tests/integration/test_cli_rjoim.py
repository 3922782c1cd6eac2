"""`dipsample rjoim agenda`: one force's qualifying cases, the substantive count used when
intake gives it, and a police-safe version with no lawyer, unit or mark in it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from support.intake_data import import_fixture_people

from bot.cli.parser import main
from storage.models import AuditEvent, CaseReview, Person
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
# (URN, action_plan_count, substantive_action_plan_count)
CASES = [
    ("42AB0000126", 3, None),  # Essex: 3 plans, no substantive count: on the agenda
    ("42AB0000226", 5, 1),  # Essex: 5 plans but 1 substantive: not on it
    ("42AB0000326", 4, 3),  # Essex: 3 substantive: on it
    ("43TV0000426", 6, None),  # Thames Valley: on the Thames Valley agenda only
    ("42AB0000526", 2, None),  # Essex: too few
]


@pytest.fixture
def cli(
    database_url: str, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., int]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    import_fixture_people(uow_factory, NOW)
    with uow_factory() as uow:
        lawyer = uow.session.scalars(
            select(Person).where(Person.email == "ann.lawyer@example.test")
        ).one()
        for n, (urn, plans, substantive) in enumerate(CASES):
            uow.session.add(
                CaseReview(
                    urn=urn,
                    review_type="pre_charge_decision",
                    area="Wessex",
                    unit=lawyer.unit,
                    lawyer_id=lawyer.id,
                    completed_at=datetime(2026, 1, 10 + n, 12, tzinfo=UTC),
                    action_plan_count=plans,
                    substantive_action_plan_count=substantive,
                    outcome="action_plan",
                    source_id=f"rjoim-{n}",
                    identity_key=f"rjoim-{n}",
                    received_at=NOW,
                )
            )
        uow.commit()
    return lambda *args: main(list(args))


AGENDA = ("rjoim", "agenda", "--area", "Wessex", "--from", "2026-01-01", "--to", "2026-01-31")


def test_one_forces_agenda_lists_exactly_its_qualifying_cases(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(*AGENDA, "--force", "42", "--format", "json") == 0

    rows = json.loads(capsys.readouterr().out)
    # Most action plans first, then the earlier review.
    assert [(r["urn"], r["action_plans"], r["substantive_count_given"]) for r in rows] == [
        ("42AB0000126", 3, False),
        ("42AB0000326", 3, True),
    ]
    assert {r["force"] for r in rows} == {"Essex"}
    assert rows[1]["lawyer"] == "Ann Lawyer"  # the CPS version names the lawyer


def test_every_force_of_the_area_without_a_force(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(*AGENDA, "--format", "json") == 0

    rows = json.loads(capsys.readouterr().out)
    assert [(r["force_code"], r["urn"]) for r in rows] == [
        ("42", "42AB0000126"),
        ("42", "42AB0000326"),
        ("43", "43TV0000426"),
    ]


def test_the_police_safe_agenda_holds_no_lawyer_unit_or_mark_and_is_audited(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str], uow_factory: UowFactory
) -> None:
    assert cli(*AGENDA, "--police-safe", "--format", "csv") == 0

    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "force_code,force,urn,action_plans,substantive_count_given,completed_on,inspected"
    )
    assert "43TV0000426" in out
    with uow_factory() as uow:
        people = uow.session.scalars(select(Person)).all()
        audited = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "rjoim.exported")
        ).one()
    for person in people:
        assert person.name not in out and person.email not in out
        assert person.unit not in out
    for label in ("Fully met", "Partially met", "Not met", "Not applicable", "score"):
        assert label not in out
    assert audited.details["police_safe"] is True


def test_an_unknown_force_code_is_refused_and_nothing_is_read(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str], uow_factory: UowFactory
) -> None:
    assert cli(*AGENDA, "--force", "99") == 2

    assert "'99' is not a police force code" in capsys.readouterr().err
    with uow_factory() as uow:
        exported = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "rjoim.exported")
        ).all()
    assert exported == []
