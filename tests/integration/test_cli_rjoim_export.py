"""`dipsample rjoim export`: the CPS record holds everything; the police-safe record holds the
URNs, action-plan counts, issues, actions and impact, and no lawyer's name or email, no mark
and no score (searched for every name and email in the directory and the scale's labels)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from support.trend_data import add_submitted, build_world

from bot.cli.parser import main
from bot.services.rjoim import record
from bot.services.rjoim.record_export import record_document
from bot.services.rjoim.record_files import lines
from storage.models import AuditEvent, Person
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
NOW = datetime.now(UTC)  # the command reads the system clock: the record is built around it
TODAY = NOW.date()
HEAD = "U0WXHEAD01"  # Will Head, Wessex's Unit Head
SCALE = ("Fully met", "Partially met", "Not met", "Not applicable")


@pytest.fixture
def meetings(
    database_url: str, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, int]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    with uow_factory() as uow:
        world = build_world(uow.session, now=NOW - timedelta(days=60))
        lawyer = world.wessex_lawyers[0]
        for urn, plans in (("44HA0000125", 3), ("55DO0000225", 4)):
            add_submitted(
                uow.session,
                world,
                lawyer=lawyer,
                submitted_at=NOW - timedelta(days=40),
                default="partially_met",
                action_plans=plans,
                urn=urn,
            )
        uow.commit()
    first = record.record_meeting(
        uow_factory(),
        actor_slack_id=HEAD,
        area="Wessex",
        force_code="44",
        held_on=TODAY - timedelta(days=30),
        next_meeting_on=TODAY - timedelta(days=2),
        attendees="cps_unit_head: Will Head\npolice_lead: DI Grey",
        urns="",
        now=NOW,
        tz=ZoneInfo("Europe/London"),
    ).id
    record.add_issue(
        uow_factory(),
        actor_slack_id=HEAD,
        meeting_id=first,
        theme="third_party_material",
        urn="44HA0000125",
        description=(
            "Wyn Lawyer1 (wyn.lawyer1@example.test) asked for the school records twice; "
            "marked Not met, 62.5%"
        ),
        request_key=None,
        now=NOW,
    )
    common: dict[str, Any] = {
        "actor_slack_id": HEAD,
        "meeting_id": first,
        "request_key": None,
        "today": TODAY,
        "now": NOW,
        "due_on": TODAY + timedelta(days=5),
    }
    cps = record.add_action(
        uow_factory(),
        **common,
        description="Brief Wyn Lawyer1's team",
        agency="cps",
        owner_slack_id="U0WXLAWY01",
        police_owner="",
    ).id
    record.add_action(
        uow_factory(),
        **common,
        description="One request for all material",
        agency="police",
        owner_slack_id=None,
        police_owner="DS Patel with Wyn Lawyer1",
    )
    second = record.record_meeting(
        uow_factory(),
        actor_slack_id=HEAD,
        area="Wessex",
        force_code="44",
        held_on=TODAY - timedelta(days=2),
        next_meeting_on=None,
        attendees="cps_unit_head: Will Head\npolice_investigator: DC Stone",
        urns="",
        now=NOW,
        tz=ZoneInfo("Europe/London"),
    ).id
    record.record_impact(
        uow_factory(),
        actor_slack_id=HEAD,
        meeting_id=second,
        action_id=cps,
        done=True,
        effect="Requests now go together",
        evidence="Audit of 5 files",
        now=NOW,
    )
    return first, second


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["rjoim", "export", "--area", "Wessex", *args]) == 0
    return capsys.readouterr().out


def test_the_police_safe_record_names_no_lawyer_and_shows_no_mark_in_any_form(
    meetings: tuple[int, int], capsys: pytest.CaptureFixture[str], uow_factory: UowFactory
) -> None:
    first, second = meetings
    outputs = []
    for meeting in ([], ["--meeting", str(first)], ["--meeting", str(second)]):
        for form in ("csv", "json"):
            outputs.append(run(capsys, *meeting, "--police-safe", "--format", form))
    with uow_factory() as uow:
        document = record_document(
            uow,
            actor="test",
            area="Wessex",
            force=None,
            meeting_id=first,
            police_safe=True,
            now=NOW,
            tz=UTC,
        )
        people = uow.session.scalars(select(Person)).all()
    outputs.append("\n".join(lines(document)))
    everything = "\n".join(outputs)
    assert len(people) >= 10
    for person in people:
        for text in outputs:
            assert person.name not in text and person.email not in text
        assert person.name.split()[0] not in everything  # no first name left in free text
    for label in (*SCALE, "score", "partially_met", "DI Grey", "DC Stone"):
        assert label not in everything
    # What the police do get: the cases, the issue (its name taken out), actions and impact.
    assert "55DO0000225" in outputs[0] and "44HA0000125" in outputs[2]
    issue = json.loads(outputs[3])["meetings"][0]["issues"][0]
    assert issue == {
        "theme": "Third-party material",
        "theme_section": "003 §3.2.2",
        "urn": "44HA0000125",
        "description": (
            "[name] ([email]) asked for the school records twice; marked [mark], [percentage]"
        ),
    }
    reviewed = json.loads(outputs[5])["meetings"][0]["actions_reviewed"]
    assert [(a["description"], a["owner"], a["status"]) for a in reviewed] == [
        ("Brief [name]'s team", "CPS", "done"),
        ("One request for all material", "DS Patel with [name]", "open"),
    ]
    assert reviewed[0]["impacts"] == [
        {"done": True, "effect": "Requests now go together", "evidence": "Audit of 5 files"}
    ]


def test_the_cps_record_holds_names_marks_and_attendees(
    meetings: tuple[int, int], capsys: pytest.CaptureFixture[str], uow_factory: UowFactory
) -> None:
    first, _ = meetings
    out = json.loads(run(capsys, "--meeting", str(first), "--format", "json"))
    [meeting] = out["meetings"]
    assert meeting["meeting"]["attendees"] == [
        {"role": "CPS RASSO Unit Head", "name": "Will Head"},
        {"role": "Police rape lead", "name": "DI Grey"},
    ]
    [case] = meeting["cases"]
    assert (case["urn"], case["lawyer"], case["themes"]) == (
        "44HA0000125",
        "Wyn Lawyer1",
        ["Third-party material"],
    )
    assert "Partially met" in case.values()
    agreed = meeting["actions_agreed"]
    assert [(a["owner"], a.get("owner_email")) for a in agreed] == [
        ("Wyn Lawyer1", "wyn.lawyer1@example.test"),
        ("DS Patel with Wyn Lawyer1", None),  # the CPS record as typed
    ]
    csv_out = run(capsys, "--meeting", str(first), "--format", "csv")
    assert csv_out.splitlines()[0].endswith("lawyer,unit,inspection_status,owner_email,marks")
    with uow_factory() as uow:
        exports = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "rjoim.record_exported")
        ).all()
    assert [(e.details["meeting_id"], e.details["police_safe"]) for e in exports] == [
        (first, False),
        (first, False),
    ]


def test_the_pdf_is_a_pdf(
    meetings: tuple[int, int], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["rjoim", "export", "--area", "Wessex", "--police-safe", "--format", "pdf"]) == 0
    assert capsysbinary.readouterr().out.startswith(b"%PDF")


def test_a_meeting_of_another_area_or_force_is_refused(
    meetings: tuple[int, int], capsys: pytest.CaptureFixture[str]
) -> None:
    first, _ = meetings
    assert (
        main(
            [
                "rjoim",
                "export",
                "--area",
                "London North",
                "--meeting",
                str(first),
                "--format",
                "csv",
            ]
        )
        == 2
    )
    assert f"there is no RJOIM meeting {first} of London North" in capsys.readouterr().err
    assert main(["rjoim", "export", "--area", "Wessex", "--force", "99", "--format", "csv"]) == 2
    assert "'99' is not a police force code" in capsys.readouterr().err
