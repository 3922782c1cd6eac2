"""A lawyer's development record (inspections.development) and who may see it
(inspections.scopes.may_see_lawyer), by hand."""

from __future__ import annotations

from datetime import date

from inspections.development import Cell, ThemeLine, development_record
from inspections.periods import quarter_of, quarters_to
from inspections.scopes import Viewer, may_see_lawyer

QUARTERS = [quarter_of(date(2025, m, 1)) for m in (4, 7, 10)]  # 2025-Q2 to 2025-Q4


def test_marks_are_counted_per_theme_and_quarter_in_the_order_given() -> None:
    marks = [
        (1, "2025-Q2", "action_plans", True),
        (1, "2025-Q2", "action_plans", False),
        (2, "2025-Q4", "action_plans", True),
        (2, "2025-Q4", "written_language", False),
        (3, "2025-Q4", "written_language", True),
        (9, "2024-Q4", "action_plans", False),  # before the first quarter: left out
    ]

    record = development_record(
        "Lee Lawyer", QUARTERS, marks, ["written_language", "cps_direct", "action_plans"]
    )

    assert record.quarters == ("2025-Q2", "2025-Q3", "2025-Q4")
    assert record.inspections == (1, 0, 2)
    assert record.themes == (
        ThemeLine("written_language", (Cell(0, 0), Cell(0, 0), Cell(1, 2))),
        ThemeLine("action_plans", (Cell(1, 2), Cell(0, 0), Cell(1, 1))),
    )


def viewer(roles: set[str], *, heads_unit: bool = False, team: set[int] | None = None) -> Viewer:
    return Viewer(7, frozenset(roles), "Wessex", "RASSO Wessex", heads_unit, frozenset(team or ()))


def test_who_may_see_a_lawyers_record() -> None:
    lawyer_id, area, other = 11, "Wessex", "Mersey-Cheshire"
    themself = Viewer(11, frozenset({"lawyer"}), area, "RASSO Wessex", False, frozenset())
    allowed = {
        "the lawyer": may_see_lawyer(themself, lawyer_id, area),
        "their line manager": may_see_lawyer(viewer({"manager"}, team={11}), lawyer_id, area),
        "another line manager": may_see_lawyer(viewer({"manager"}, team={12}), lawyer_id, area),
        "their Unit Head": may_see_lawyer(viewer({"manager"}, heads_unit=True), lawyer_id, area),
        "another Area's head": may_see_lawyer(viewer({"manager"}, heads_unit=True), 11, other),
        "their Chief Crown Prosecutor": may_see_lawyer(viewer({"ccp"}), lawyer_id, area),
        "the national lead": may_see_lawyer(viewer({"admin"}), lawyer_id, other),
        "another lawyer": may_see_lawyer(viewer({"lawyer"}), lawyer_id, area),
        "an inspector": may_see_lawyer(viewer({"inspector"}), lawyer_id, area),
    }  # fmt: skip

    assert [who for who, yes in allowed.items() if yes] == [
        "the lawyer",
        "their line manager",
        "their Unit Head",
        "their Chief Crown Prosecutor",
        "the national lead",
    ]


def test_the_record_covers_the_current_quarter_and_the_three_before_across_a_year() -> None:
    assert [q.label for q in quarters_to(date(2026, 2, 14), 4)] == [
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
    ]
