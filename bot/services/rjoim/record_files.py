"""The RJOIM record document (bot.services.rjoim.record_export) as a file: CSV (one row per
case, issue and action, cells neutralised for spreadsheets), JSON, or a readable PDF drawn
with matplotlib as the APR pack is. Each renders only what the document holds, so the
police-safe document gives a police-safe file in every format."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from bot.services.rjoim.export import CPS_COLUMNS as AGENDA_COLUMNS
from inspections.spreadsheet import safe_cell

A4_PORTRAIT = (8.27, 11.69)  # inches
LINES_PER_PAGE = 70
COLUMNS = (
    "part",
    "force_code",
    "force",
    "meeting_id",
    "held_on",
    "urn",
    "action_plans",
    "substantive_count_given",
    "completed_on",
    "inspected",
    "themes",
    "theme",
    "action_id",
    "agreed_on",
    "description",
    "agency",
    "owner",
    "due_on",
    "status",
    "done",
    "effect",
    "evidence",
)
CPS_COLUMNS = ("lawyer", "unit", "inspection_status", "owner_email", "marks")
# A case's own fields: those of the agenda's CPS rows (bot.services.rjoim.export).
_CASE_FIELDS = AGENDA_COLUMNS


def as_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for m in document["meetings"]:
        meeting = m["meeting"] or {}
        common = {
            "force_code": m["force_code"],
            "force": m["force"],
            "meeting_id": meeting.get("id", ""),
            "held_on": meeting.get("held_on", "next meeting"),
        }
        for case in m["cases"]:
            row = common | {k: case[k] for k in _CASE_FIELDS if k in case}
            row |= {"part": "case", "themes": "; ".join(case["themes"])}
            marks = {k: v for k, v in case.items() if k not in (*_CASE_FIELDS, "themes") and v}
            if marks and not document["police_safe"]:
                row["marks"] = "; ".join(f"{k}: {v}" for k, v in marks.items())
            found.append(row)
        for issue in m["issues"]:
            found.append(
                common
                | {
                    "part": "issue",
                    "urn": issue["urn"] or "",
                    "theme": issue["theme"],
                    "description": issue["description"],
                }
            )
        for part, actions in (
            ("action agreed", m["actions_agreed"]),
            ("action reviewed", m["actions_reviewed"]),
        ):
            for action in actions:
                row = common | {"part": part, "action_id": action["id"]}
                row |= {
                    k: action.get(k, "")
                    for k in (
                        "agreed_on",
                        "description",
                        "agency",
                        "owner",
                        "due_on",
                        "status",
                        "owner_email",
                    )
                }
                impacts = action.get("impacts") or [{}]
                for impact in impacts:
                    found.append(
                        row
                        | {
                            "done": ""
                            if "done" not in impact
                            else ("yes" if impact["done"] else "no"),
                            "effect": impact.get("effect", ""),
                            "evidence": impact.get("evidence", ""),
                        }
                    )
    return found


def header(document: dict[str, Any]) -> list[str]:
    return list(COLUMNS) if document["police_safe"] else [*COLUMNS, *CPS_COLUMNS]


def as_csv(document: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = header(document)
    writer.writerow(names)
    for row in rows(document):
        writer.writerow([safe_cell(row.get(name, "")) for name in names])
    return out.getvalue()


def lines(document: dict[str, Any]) -> list[str]:
    """The document as text, for the PDF."""
    kind = "police-safe record" if document["police_safe"] else "CPS record (not for the police)"
    found = [f"{document['area']}: RJOIM {kind}, as of {document['as_of']}", ""]
    for m in document["meetings"]:
        meeting = m["meeting"]
        title = f"Meeting of {meeting['held_on']}" if meeting else "Next meeting: agenda"
        found += [f"{m['force']} ({m['force_code']}). {title}", ""]
        if meeting:
            who = ", ".join(
                a["role"] + (f" ({a['name']})" if "name" in a else "") for a in meeting["attendees"]
            )
            found += _wrapped(f"Attendees: {who}")
            found.append(f"Next meeting: {meeting['next_meeting_on'] or 'not set'}")
        found.append("Cases with three or more substantive action plans:")
        for case in m["cases"]:
            themes = f"; themes: {', '.join(case['themes'])}" if case["themes"] else ""
            found += _wrapped(f"  {case['urn']}: {case['action_plans']} action plans{themes}")
        if not m["cases"]:
            found.append("  none")
        if m["issues"]:
            found.append("Issues raised:")
            for issue in m["issues"]:
                on = f" [{issue['urn']}]" if issue["urn"] else ""
                found += _wrapped(f"  {issue['theme']}{on}: {issue['description']}")
        for title, actions in (
            ("Actions agreed:", m["actions_agreed"]),
            ("Actions from earlier meetings:", m["actions_reviewed"]),
        ):
            if not actions:
                continue
            found.append(title)
            for a in actions:
                found += _wrapped(
                    f"  {a['description']} ({a['agency']}; owner {a['owner']}; due {a['due_on']}; "
                    f"{a['status']})"
                )
                for impact in a.get("impacts", []):
                    done = "done" if impact["done"] else "not done"
                    evidence = f" Evidence: {impact['evidence']}" if impact["evidence"] else ""
                    found += _wrapped(f"    Impact: {done}. {impact['effect']}.{evidence}")
        found.append("")
    return found


def as_pdf(document: dict[str, Any]) -> bytes:
    text = lines(document)
    out = io.BytesIO()
    with PdfPages(out, metadata={"Creator": "dipsample", "Producer": None}) as pdf:
        for start in range(0, max(len(text), 1), LINES_PER_PAGE):
            figure = Figure(figsize=A4_PORTRAIT)
            FigureCanvasAgg(figure)
            chunk = text[start : start + LINES_PER_PAGE]
            figure.text(0.06, 0.96, "\n".join(chunk), va="top", fontsize=7.5, family="monospace")
            pdf.savefig(figure)
    return out.getvalue()


def _wrapped(line: str) -> list[str]:
    indent = " " * (len(line) - len(line.lstrip()) + 2)
    return textwrap.wrap(line, 100, subsequent_indent=indent) or [""]
