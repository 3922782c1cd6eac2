"""The quarterly return of 001 Rec 4: an Area's pre-charge decision cases with two or more
action plans completed in the quarter, per force, each with its narrative theme.

The count is the agenda's (substantive action plans where intake gave them, else every plan,
and each case says which). A case's narrative theme is the theme of each issue raised on it
(an issue recorded with the case's URN, at any RJOIM with its force), in the order they were
raised; a case no meeting has discussed yet says so. No lawyer, unit or mark is in it.
Building it is audited as an export.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from inspections.forces import force_name
from inspections.periods import Period
from inspections.rjoim_themes import theme_label
from inspections.scopes import Scope, ScopeKind
from inspections.spreadsheet import safe_cell
from storage import audit, rjoim_record_repo
from storage.rjoim_queries import rjoim_cases
from storage.trend_queries import scope_filter
from storage.uow import UnitOfWork

RETURN_THRESHOLD = 2  # action plans (001 Rec 4)
NOT_RECORDED = "not yet recorded"
COLUMNS = (
    "area",
    "quarter",
    "force_code",
    "force",
    "urn",
    "action_plans",
    "substantive_count_given",
    "completed_on",
    "narrative_theme",
)


def quarterly_return(
    uow: UnitOfWork, *, actor: str, area: str, quarter: Period, now: datetime, tz: ZoneInfo
) -> dict[str, Any]:
    with uow:
        session = uow.session
        start, end = quarter.utc_bounds(tz)
        cases = rjoim_cases(
            session,
            scope_filter(Scope(ScopeKind.AREA, area, area=area)),
            start=start,
            end=end,
            question_ids=[],
            threshold=RETURN_THRESHOLD,
        )
        themes = rjoim_record_repo.themes_by_urn(session, [c.urn for c in cases])
        rows: list[dict[str, Any]] = [
            {
                "area": area,
                "quarter": quarter.label,
                "force_code": c.force_code,
                "force": force_name(c.force_code),
                "urn": c.urn,
                "action_plans": c.action_plans,
                "substantive_count_given": c.substantive_given,
                "completed_on": c.completed_at.astimezone(tz).date().isoformat(),
                "narrative_theme": "; ".join(theme_label(t) for t in themes.get(c.urn, []))
                or NOT_RECORDED,
            }
            for c in cases
        ]
        forces: dict[str, dict[str, Any]] = {}
        for row in rows:
            force = forces.setdefault(
                row["force_code"],
                {
                    "force_code": row["force_code"],
                    "force": row["force"],
                    "cases": 0,
                    "with_theme": 0,
                    "themes": {},
                },
            )
            force["cases"] += 1
            if row["narrative_theme"] != NOT_RECORDED:
                force["with_theme"] += 1
            for label in themes.get(row["urn"], []):
                name = theme_label(label)
                force["themes"][name] = force["themes"].get(name, 0) + 1
        audit.record(
            session,
            actor=actor,
            action="rjoim.return_exported",
            entity_type="rjoim_area",
            entity_id=area,
            details={"quarter": quarter.label, "urns": [r["urn"] for r in rows]},
            now=now,
        )
        uow.commit()
    return {
        "area": area,
        "quarter": quarter.label,
        "forces": [forces[code] for code in sorted(forces)],
        "cases": rows,
    }


def as_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_csv(document: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in document["cases"]:
        writer.writerow([safe_cell(row[name]) for name in COLUMNS])
    return out.getvalue()
