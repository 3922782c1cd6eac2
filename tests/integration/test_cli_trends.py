"""`dipsample trends` through the real entry point, on a seeded history.

London North, 2026-Q1: 6 pre-charge decisions (13 scored marks each, so 78 marks), one with
"suspect-focused strategy" partially met, so 77 fully met. No early advice reviews.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from support.trend_data import LONDON, add_submitted, build_world

from bot.cli.parser import main
from storage.models import AuditEvent, TrendMonthInspections
from storage.uow import UnitOfWork

Q1 = ["--area", LONDON, "--from", "2026-01-01", "--to", "2026-03-31"]


@pytest.fixture
def seeded(
    database_url: str, uow_factory: Callable[[], UnitOfWork], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOGNAME", "ops.lead")
    with uow_factory() as uow:
        world = build_world(uow.session, now=datetime(2025, 9, 1, tzinfo=UTC))
        for n in range(6):
            add_submitted(
                uow.session,
                world,
                lawyer=world.london_lawyers[n % 3],
                submitted_at=datetime(2026, 2, 2 + n, 11, 0, tzinfo=UTC),
                marks={"suspect_focused_strategy": "partially_met"} if n == 0 else None,
            )
        uow.commit()


def exports(uow_factory: Callable[[], UnitOfWork]) -> list[AuditEvent]:
    with uow_factory() as uow:
        query = select(AuditEvent).where(AuditEvent.action == "trends.exported")
        return list(uow.session.scalars(query).all())


def test_json_gives_the_scope_period_and_figures(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trends", *Q1, "--format", "json"]) == 0

    document = json.loads(capsys.readouterr().out)
    assert document["scope"] == {"kind": "area", "label": LONDON}
    assert document["period"] == {
        "label": "2026-Q1",
        "first_day": "2026-01-01",
        "last_day": "2026-03-31",
    }
    figures = document["figures"]
    assert (figures["inspections"], figures["marks"], figures["fully_met"]) == (6, 78, 77)
    assert figures["critical_failures"] == 0


def test_the_figures_are_the_same_once_the_rollups_are_built(
    seeded: None, uow_factory: Callable[[], UnitOfWork], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trends", *Q1, "--format", "json"]) == 0
    from_answers = json.loads(capsys.readouterr().out)

    assert main(["db", "rebuild-trend-rollups"]) == 0
    assert capsys.readouterr().out == (
        "Trend roll-ups rebuilt from the answers: 1 month, cut in Europe/London.\n"
    )
    with uow_factory() as uow:
        rolled = uow.session.scalar(select(func.sum(TrendMonthInspections.inspections)))
    assert rolled == 6
    assert main(["trends", *Q1, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == from_answers


def test_the_table_shows_the_headline_figures(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trends", *Q1, "--format", "table"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert LONDON in lines[0]
    assert "Inspections:        6" in lines
    assert "Critical failures:  0" in lines
    assert "Marks fully met by section:" in lines


def test_csv_has_the_columns_and_a_headline_row(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trends", *Q1, "--format", "csv"]) == 0

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    headline = rows[0]
    assert (headline["level"], headline["name"], headline["inspections"]) == (
        "headline",
        LONDON,
        "6",
    )
    assert (headline["marks"], headline["fully_met"]) == ("78", "77")
    assert {row["level"] for row in rows} >= {"previous_period", "section", "row", "question"}


def test_a_review_type_with_fewer_than_5_inspections_shows_no_figures(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["trends", *Q1, "--review-type", "early_advice", "--format", "json"]) == 0

    assert json.loads(capsys.readouterr().out)["figures"] == {"inspections": "fewer than 5"}


def test_the_chart_is_a_1200_by_800_png_and_the_export_is_audited(
    seeded: None,
    uow_factory: Callable[[], UnitOfWork],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    chart = tmp_path / "trend.png"

    assert main(["trends", *Q1, "--chart", str(chart)]) == 0

    assert capsys.readouterr().err == f"chart written to {chart}\n"
    with Image.open(chart) as image:
        assert (image.format, image.size) == ("PNG", (1200, 800))
    [event] = exports(uow_factory)
    assert (event.actor, event.entity_id) == ("cli:ops.lead", LONDON)
    assert event.details == {"period": "2026-Q1", "format": "table", "chart": True}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--area", "Atlantis"], "'Atlantis' is not a CPS Area. The Areas are: "),
        (
            ["--from", "2026-03-31", "--to", "2026-01-01"],
            "the range ends (2026-01-01) before it starts (2026-03-31)",
        ),
        (["--from", "2026-02-30"], "`2026-02-30` is not a date (YYYY-MM-DD)"),
        (["--to", "31/03/2026"], "`31/03/2026` is not a date (YYYY-MM-DD)"),
    ],
)
def test_bad_arguments_exit_2_naming_the_problem_and_audit_nothing(
    seeded: None,
    uow_factory: Callable[[], UnitOfWork],
    arguments: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["trends", *arguments]) == 2

    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"dipsample trends: {message}")
    assert exports(uow_factory) == []


def test_an_unknown_review_type_is_refused_with_the_known_ones(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["trends", "--review-type", "charging"])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "argument --review-type: invalid choice: 'charging'" in err
    assert "'early_advice', 'pre_charge_decision'" in err


@pytest.mark.parametrize(
    ("where", "reason"),
    [("missing/trend.png", "there is no directory {tmp}/missing"), (".", "it is a directory")],
)
def test_a_chart_path_that_cannot_be_written_is_one_line_and_changes_nothing(
    seeded: None,
    uow_factory: Callable[[], UnitOfWork],
    tmp_path: Path,
    where: str,
    reason: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    chart = tmp_path / where

    assert main(["trends", *Q1, "--chart", str(chart)]) == 2

    out, err = capsys.readouterr()
    expected = reason.format(tmp=tmp_path)
    assert (out, err) == ("", f"dipsample trends: cannot write the chart to {chart}: {expected}\n")
    assert not (tmp_path / "missing").exists()
    assert exports(uow_factory) == []
