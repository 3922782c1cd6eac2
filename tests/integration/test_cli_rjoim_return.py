"""`dipsample rjoim return`: an Area's cases with two or more action plans in the quarter, by
force, each with the narrative theme raised on it at an RJOIM (001 Rec 4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from support.intake_data import import_fixture_people

from bot.cli.parser import main
from bot.services.rjoim import record
from storage.models import AuditEvent, CaseReview, Person
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
# (URN, Area, action plans, substantive ones or None, completed on)
CASES = [
    ("44HA0000126", "Wessex", 2, None, date(2026, 1, 14)),  # in
    ("44HA0000226", "Wessex", 1, None, date(2026, 1, 15)),  # one plan: out
    ("44HA0000326", "Wessex", 5, 1, date(2026, 2, 3)),  # one substantive: out
    ("55DO0000426", "Wessex", 3, 3, date(2026, 3, 30)),  # in
    ("44HA0000526", "Wessex", 4, None, date(2026, 4, 1)),  # next quarter: out
    ("01MP0000626", "London North", 4, None, date(2026, 2, 1)),  # another Area: out
]


@pytest.fixture
def cli(database_url: str, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    import_fixture_people(uow_factory, NOW)
    with uow_factory() as uow:
        lawyer = uow.session.scalars(
            select(Person).where(Person.email == "ann.lawyer@example.test")
        ).one()
        for n, (urn, area, plans, substantive, day) in enumerate(CASES):
            uow.session.add(
                CaseReview(
                    urn=urn,
                    review_type="pre_charge_decision",
                    area=area,
                    unit=lawyer.unit,
                    lawyer_id=lawyer.id,
                    completed_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                    action_plan_count=plans,
                    substantive_action_plan_count=substantive,
                    outcome="action_plan",
                    source_id=f"ret-{n}",
                    identity_key=f"ret-{n}",
                    received_at=NOW,
                )
            )
        uow.commit()
    meeting = record.record_meeting(
        uow_factory(),
        actor_slack_id="U0HAL0001",
        area="Wessex",
        force_code="44",
        held_on=date(2026, 2, 9),
        next_meeting_on=None,
        attendees="cps_unit_head: Hal Head",
        urns="44HA0000126",
        now=NOW,
        tz=ZoneInfo("Europe/London"),
    ).id
    for theme in ("third_party_material", "action_plans", "third_party_material"):
        record.add_issue(
            uow_factory(),
            actor_slack_id="U0HAL0001",
            meeting_id=meeting,
            theme=theme,
            urn="44HA0000126",
            description="Raised",
            request_key=None,
            now=NOW,
        )


def test_the_return_lists_cases_with_two_or_more_plans_by_force_with_their_theme(
    cli: None, capsys: pytest.CaptureFixture[str], uow_factory: UowFactory
) -> None:
    assert (
        main(["rjoim", "return", "--area", "wessex", "--quarter", "2026-Q1", "--format", "json"])
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert [(c["urn"], c["action_plans"], c["narrative_theme"]) for c in out["cases"]] == [
        ("44HA0000126", 2, "Third-party material; Action Plans"),
        ("55DO0000426", 3, "not yet recorded"),
    ]
    assert out["forces"] == [
        {
            "force_code": "44",
            "force": "Hampshire and Isle of Wight",
            "cases": 1,
            "with_theme": 1,
            "themes": {"Third-party material": 1, "Action Plans": 1},
        },
        {"force_code": "55", "force": "Dorset", "cases": 1, "with_theme": 0, "themes": {}},
    ]
    assert (
        main(["rjoim", "return", "--area", "Wessex", "--quarter", "2026-Q1", "--format", "csv"])
        == 0
    )
    csv_out = capsys.readouterr().out.splitlines()
    assert csv_out[0] == (
        "area,quarter,force_code,force,urn,action_plans,substantive_count_given,completed_on,"
        "narrative_theme"
    )
    assert csv_out[2] == "Wessex,2026-Q1,55,Dorset,55DO0000426,3,True,2026-03-30,not yet recorded"
    assert "Ann Lawyer" not in "\n".join(csv_out)
    with uow_factory() as uow:
        audited = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "rjoim.return_exported")
        ).all()
    assert [e.details for e in audited] == [
        {"quarter": "2026-Q1", "urns": ["44HA0000126", "55DO0000426"]}
    ] * 2


def test_a_period_that_is_not_a_quarter_is_refused(
    cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["rjoim", "return", "--area", "Wessex", "--quarter", "2026-01", "--format", "csv"])
        == 2
    )
    assert "is not a quarter" in capsys.readouterr().err
