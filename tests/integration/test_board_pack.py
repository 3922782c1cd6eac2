"""The national board pack: every Area side by side, the funnel position from the binomial
limits, and nothing shown (in the table or on the chart) for an Area of fewer than 5.

2026-Q1: London North 10 inspected reviews, 5 meeting the standard (overall Fully met);
Wessex 3, all meeting it (hidden: fewer than 5). National: 8 of 13 = 61.5%. London's 95%
limits at n = 10: 0.615 +/- 1.96 sqrt(0.615 x 0.385 / 10) = 0.314 to 0.917, so 50% is within.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader
from support.trend_data import add_submitted, build_world

from bot.cli.parser import main
from bot.services.trends.board import board_pack, funnel_points
from inspections.periods import parse_period
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def cli(
    database_url: str, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., int]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    with uow_factory() as uow:
        s = uow.session
        w = build_world(s, now=datetime(2025, 9, 1, tzinfo=UTC))
        for n in range(10):
            overall = "fully_met" if n < 5 else "partially_met"
            add_submitted(
                s, w, lawyer=w.london_lawyers[n % 3], marks={"overall_mark": overall},
                submitted_at=datetime(2026, 2, 2 + n, 11, tzinfo=UTC),
            )  # fmt: skip
        for n in range(3):
            add_submitted(
                s, w, lawyer=w.wessex_lawyers[n], submitted_at=datetime(2026, 2, 20 + n, tzinfo=UTC)
            )
        uow.commit()
    return lambda *args: main(list(args))


def test_every_area_side_by_side_with_its_funnel_position(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert cli("board", "--quarter", "2026-Q1", "--format", "json", "--out", str(tmp_path)) == 0

    document = json.loads(capsys.readouterr().out)
    assert document["national"]["reviews_meeting_the_standard"] == pytest.approx(8 / 13)
    # Wessex alone is hidden: the national counts, less London's, would give its own.
    assert "inspections" not in document["national"] and "reviews" not in document["national"]
    areas = {row["area"]: row for row in document["areas"]}
    assert len(areas) == 15  # the 14 Areas and CPS Direct
    london = areas["London North"]
    assert (london["inspections"], london["reviews_meeting_the_standard"], london["reviews"]) == (
        10,
        0.5,
        10,
    )
    assert london["funnel_position"] == "within the 95% limits"
    wessex = areas["Wessex"]
    assert wessex["inspections"] == "fewer than 5"
    assert wessex["reviews_meeting_the_standard"] == "" and wessex["funnel_position"] == ""
    assert areas["Cymru/Wales"]["inspections"] == 0

    png = (tmp_path / "board-2026-Q1-funnel.png").read_bytes()
    assert Image.open(io.BytesIO(png)).size == (1200, 800)
    assert (tmp_path / "board-2026-Q1.json").exists()


def test_the_board_document_has_the_table_and_the_funnel_plot(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert cli("board", "--quarter", "2026-Q1", "--format", "pdf", "--out", str(tmp_path)) == 0

    document = PdfReader(tmp_path / "board-2026-Q1.pdf")
    assert len(document.pages) == 2
    table = document.pages[0].extract_text()
    assert "Rape Casework Board: every Area, 2026-Q1" in table
    assert "61.5% of reviews met the standard" in table
    london = next(line for line in table.splitlines() if line.startswith("London North"))
    # Wilson's interval for 5 of 10: 0.5 +/- 1.96 sqrt(0.025 + 0.0096) / 1.384 = 24% to 76%.
    assert london.split() == [
        *("London", "North", "10", "50%", "of", "10", "(95%", "interval", "24%", "to", "76%);"),
        *("within", "the", "95%", "limits"),
    ]
    wessex = next(line for line in table.splitlines() if line.startswith("Wessex"))
    assert wessex.split() == ["Wessex", "fewer", "than", "5", "not", "shown"]
    assert (tmp_path / "board-2026-Q1-funnel.png").exists()


def test_a_board_document_needs_a_directory(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("board", "--quarter", "2026-Q1", "--format", "pdf") == 2
    assert "--format pdf writes to a directory" in capsys.readouterr().err


def test_the_funnel_plots_exactly_the_areas_the_table_shows(
    cli: Callable[..., int], uow_factory: UowFactory
) -> None:
    quarter = parse_period("2026-Q1", today=datetime(2026, 4, 1).date())
    pack = board_pack(
        uow_factory(),
        quarter=quarter,
        tz=ZoneInfo("Europe/London"),
        actor="test",
        now=datetime(2026, 4, 1, tzinfo=UTC),
    )

    shown = {row.area for row in pack.rows if not row.hidden}
    assert [p.area for p in funnel_points(pack)] == ["London North"]
    assert shown == {"London North"}
