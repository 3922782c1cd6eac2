"""The RJOIM agenda as rows for a file: the CPS version (everything), or the police-safe
version for the joint meeting (URN, force, action plans, dates and whether the case was
inspected; no lawyer, unit, mark or score). CSV cells are neutralised for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from inspections.forces import force_name
from inspections.rjoim import AgendaQuestion
from inspections.spreadsheet import safe_cell
from storage.rjoim_queries import RjoimCase

POLICE_SAFE_COLUMNS = (
    "force_code",
    "force",
    "urn",
    "action_plans",
    "substantive_count_given",
    "completed_on",
    "inspected",
)
CPS_COLUMNS = (*POLICE_SAFE_COLUMNS, "unit", "lawyer", "inspection_status")


def agenda_rows(
    cases: Sequence[RjoimCase],
    questions: Sequence[AgendaQuestion],
    *,
    police_safe: bool,
    tz: ZoneInfo,
) -> list[dict[str, Any]]:
    rows = []
    for case in cases:
        row: dict[str, Any] = {
            "force_code": case.force_code,
            "force": force_name(case.force_code),
            "urn": case.urn,
            "action_plans": case.action_plans,
            "substantive_count_given": case.substantive_given,
            "completed_on": case.completed_at.astimezone(tz).date().isoformat(),
            "inspected": case.inspected,
        }
        if not police_safe:
            row |= {
                "unit": case.unit,
                "lawyer": case.lawyer_name,
                "inspection_status": case.inspection_status or "not sampled",
            }
            for question in questions:
                code = case.marks.get(question.question_id)
                row[question.question_id] = question.labels.get(code, code) if code else ""
        rows.append(row)
    return rows


def columns(questions: Sequence[AgendaQuestion], *, police_safe: bool) -> list[str]:
    if police_safe:
        return list(POLICE_SAFE_COLUMNS)
    return [*CPS_COLUMNS, *(q.question_id for q in questions)]


def as_csv(rows: list[dict[str, Any]], header: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(row.get(name, "")) for name in header])
    return out.getvalue()


def as_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def as_table(rows: list[dict[str, Any]], header: list[str]) -> str:
    if not rows:
        return "No case in this period had that many action plans.\n"
    cells = [[str(row.get(name, "")) for name in header] for row in rows]
    widths = [max(len(r[i]) for r in [header, *cells]) for i in range(len(header))]
    return (
        "\n".join(
            "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
            for r in [header, *cells]
        )
        + "\n"
    )
