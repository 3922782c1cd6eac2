"""`dipsample inspections list` discloses URNs and lawyers' emails, so each run is audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from support.intake_data import FIXTURES, import_fixture_people

from bot.cli.parser import main
from storage.models import AuditEvent
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def cli_user(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOGNAME", "ops.admin")  # getpass.getuser() reads it first


def listings(uow_factory: Callable[[], UnitOfWork]) -> list[AuditEvent]:
    with uow_factory() as uow:
        query = select(AuditEvent).where(AuditEvent.action == "inspections.listed")
        return list(uow.session.scalars(query).all())


def test_listing_writes_one_audit_event_with_who_the_filter_and_the_row_count(
    cli_user: None,
    uow_factory: Callable[[], UnitOfWork],
    capsys: pytest.CaptureFixture[str],
) -> None:
    import_fixture_people(uow_factory, NOW)
    assert main(["cases", "import", str(FIXTURES / "cases.csv")]) == 0
    capsys.readouterr()

    assert main(["inspections", "list", "--status", "assigned", "--format", "json"]) == 0

    shown = json.loads(capsys.readouterr().out)
    assert shown != []
    [event] = listings(uow_factory)
    assert (event.actor, event.entity_type, event.entity_id) == (
        "cli:ops.admin",
        "inspection_list",
        "assigned",
    )
    assert event.details == {"status": "assigned", "rows": len(shown), "format": "json"}


def test_an_empty_list_is_audited_too(
    cli_user: None, uow_factory: Callable[[], UnitOfWork], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspections", "list"]) == 0
    assert main(["inspections", "list"]) == 0

    events = listings(uow_factory)
    assert [(e.entity_id, e.details) for e in events] == [
        ("all", {"status": None, "rows": 0, "format": "table"}),
    ] * 2


def test_an_unknown_status_lists_and_audits_nothing(
    cli_user: None, uow_factory: Callable[[], UnitOfWork], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspections", "list", "--status", "late"]) == 2

    assert listings(uow_factory) == []
