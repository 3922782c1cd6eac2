"""Cells a spreadsheet would run are neutralised in every CSV export."""

from __future__ import annotations

import csv
import io

import pytest

from inspections.spreadsheet import looks_like_formula, safe_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_beginning_like_a_formula_is_written_as_text(start: str) -> None:
    assert safe_cell(f"{start}cmd|' /C calc'!A0") == f"'{start}cmd|' /C calc'!A0"


def test_numbers_and_ordinary_text_are_left_alone() -> None:
    assert safe_cell("-0.05") == "-0.05"
    assert safe_cell("+3") == "+3"
    assert safe_cell(-0.05) == -0.05
    assert safe_cell("Wessex RASSO") == "Wessex RASSO"
    assert safe_cell(None) is None


def test_a_neutralised_cell_does_not_start_a_formula_once_read_back() -> None:
    out = io.StringIO()
    csv.writer(out).writerow([safe_cell("=SUM(1+1)*cmd|x"), safe_cell("@A1")])
    cells = next(csv.reader(io.StringIO(out.getvalue())))
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_intake_refuses_what_a_spreadsheet_would_run_but_not_a_leading_hyphen() -> None:
    assert looks_like_formula("=1+1") and looks_like_formula("@A1")
    assert not looks_like_formula("-Ann") and not looks_like_formula("Ann")
