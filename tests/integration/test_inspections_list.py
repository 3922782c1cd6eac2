"""`dipsample inspections list`: every sampled review, assigned or queued, as a table or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from support.intake_data import FIXTURES, import_fixture_people

from bot.cli.parser import main
from bot.services.intake.policy_file import DEFAULT_POLICY_PATH
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
KEYS = ["urn", "review_type", "lawyer_email", "inspector_email", "status", "due_at", "rule"]
ALWAYS = {
    "42AB1234525": "pcd_action_plans",
    "42AB1234625": "threshold_charge",
    "01CD0000125": "no_further_action",
}


@pytest.fixture
def cli(
    database_url: str,
    uow_factory: Callable[[], UnitOfWork],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Callable[..., int]:
    """The fixture people, and the fixture cases imported under a policy selecting every
    review, with room for one inspection per inspector, so that some have to wait."""
    policy = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    policy["rates"] = {"early_advice": 1.0, "pre_charge_decision": 1.0}
    policy_path = tmp_path / "policy.json"
    policy_path.write_text(json.dumps(policy), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DIPSAMPLE_SAMPLING_POLICY", str(policy_path))
    monkeypatch.setenv("DIPSAMPLE_INSPECTOR_CAPACITY", "1")
    import_fixture_people(uow_factory, NOW)
    assert main(["cases", "import", str(FIXTURES / "cases.csv")]) == 0
    return lambda *args: main(list(args))


def listed(cli: Callable[..., int], capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    assert cli("inspections", "list", "--format", "json", *args) == 0
    return json.loads(capsys.readouterr().out)


def test_json_lists_every_sampled_review_with_its_inspector_status_due_time_and_rule(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    items = listed(cli, capsys)

    assert len(items) == 6
    assert all(list(item) == KEYS for item in items)
    assert {i["urn"]: i["rule"] for i in items if i["urn"] in ALWAYS} == ALWAYS
    assert {i["status"] for i in items} == {"assigned", "queued"}
    for item in items:
        if item["status"] == "queued":
            assert (item["inspector_email"], item["due_at"]) == (None, None)
        else:
            assert item["inspector_email"].endswith("@example.test")
            assert datetime.fromisoformat(item["due_at"]).tzinfo is not None


def test_status_filters_the_list(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    everything = listed(cli, capsys)

    queued = listed(cli, capsys, "--status", "queued")

    assert queued == [i for i in everything if i["status"] == "queued"]


def test_the_table_shows_due_times_in_the_local_time_zone_and_blank_inspectors_when_queued(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    items = listed(cli, capsys)

    assert cli("inspections", "list") == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "URN",
        "REVIEW",
        "TYPE",
        "LAWYER",
        "INSPECTOR",
        "STATUS",
        "DUE",
        "RULE",
    ]
    assigned = next(i for i in items if i["status"] == "assigned")
    local_due = datetime.fromisoformat(assigned["due_at"]).astimezone(ZoneInfo("Europe/London"))
    row = next(line for line in lines if line.startswith(assigned["urn"]))
    assert local_due.isoformat(timespec="minutes") in row
    queued = next(i for i in items if i["status"] == "queued")
    queued_row = next(line for line in lines if line.startswith(queued["urn"]))
    assert queued_row.split() == [
        queued["urn"],
        queued["review_type"],
        queued["lawyer_email"],
        "queued",
        queued["rule"],
    ]


def test_an_unknown_status_is_refused_with_the_known_ones(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("inspections", "list", "--status", "late") == 2

    assert "unknown status 'late': use one of queued, assigned" in capsys.readouterr().err


def test_an_empty_database_lists_nothing(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["inspections", "list", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["inspections", "list"]) == 0
    assert capsys.readouterr().out == "No sampled reviews.\n"
