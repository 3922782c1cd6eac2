"""A trend summary as CSV, JSON or a plain-text table: for `dipsample trends` and the quarterly
Area Performance Review pack.

The same rule as in Slack: a group of fewer than 5 inspections shows "fewer than 5" and no
figures, in every format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from bot.slack.blocks.trends import (
    ROW_TITLES,
    change_text,
    interventions_text,
    mean_text,
    period_text,
    row_text,
    scope_title,
    section_text,
    share_text,
    theme_text,
    timeliness_text,
)
from inspections.periods import Period
from inspections.spreadsheet import safe_cell
from inspections.trend_summary import Figures, TrendSummary
from inspections.trends import FEWER_THAN_MIN, Change, Share

CSV_COLUMNS = (
    "level",
    "name",
    "inspections",
    "mean_score",
    "marks",
    "fully_met",
    "share_fully_met",
    "interval_low",
    "interval_high",
    "critical_failures",
    "change",
)


class _SafeWriter:
    """csv.writer whose every cell is neutralised for spreadsheets (inspections.spreadsheet)."""

    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])


def as_csv(summary: TrendSummary) -> str:
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerow(
        _figures_row(
            "headline",
            summary.scope.label,
            summary.figures,
            _direction(summary.stated_change),
        )
    )
    writer.writerow(
        _figures_row("previous_period", summary.previous_period.label, summary.previous, None)
    )
    if not summary.suppressed:
        for s in summary.sections:
            shown = not s.suppressed
            writer.writerow(
                [
                    "section",
                    s.title,
                    "" if shown else FEWER_THAN_MIN,
                    _rounded(s.mean_score) if shown else "",
                    *_share(s.fully_met, shown),
                    "",
                    _direction(s.stated_change),
                ]
            )
        for row in summary.rows:
            writer.writerow(
                _figures_row("row", row.label, row.figures, _direction(row.stated_change))
            )
        for q in summary.questions:
            shown = not q.suppressed
            writer.writerow(
                [
                    "question",
                    q.text,
                    "" if shown else FEWER_THAN_MIN,
                    "",
                    *_share(q.share, shown),
                    q.critical_failures if shown else "",
                    _direction(q.stated_change),
                ]
            )
    return out.getvalue()


def as_json(summary: TrendSummary) -> str:
    return json.dumps(as_document(summary), indent=2, ensure_ascii=False) + "\n"


def as_document(summary: TrendSummary) -> dict[str, Any]:
    document: dict[str, Any] = {
        "scope": {"kind": summary.scope.kind.value, "label": summary.scope.label},
        "period": _period(summary.period),
        "previous_period": _period(summary.previous_period),
        "review_type": summary.review_type,
        "figures": _figures(summary.figures),
        "previous": _figures(summary.previous),
        "change": _direction(summary.stated_change),
    }
    if summary.suppressed:
        return document
    found = summary.interventions
    if found is not None:
        document["interventions"] = {
            "raised": found.raised,
            "acknowledged": found.acknowledged,
            "closed": found.closed,
            "hours_to_acknowledge": asdict(found.to_acknowledge) if found.to_acknowledge else None,
            "hours_to_close": asdict(found.to_close) if found.to_close else None,
        }
    if summary.timeliness is not None and summary.timeliness.working_days is not None:
        document["referral_to_review"] = {
            "reviews": summary.timeliness.reviews,
            "working_days": asdict(summary.timeliness.working_days),
        }
    document["sections"] = [
        {
            "id": s.section_id,
            "title": s.title,
            "mean_score": None if s.suppressed else s.mean_score,
            **_share_document(s.fully_met, not s.suppressed),
            "change": _direction(s.stated_change),
        }
        for s in summary.sections
    ]
    document["rows"] = [
        {
            "key": r.key,
            "name": r.label,
            **_figures(r.figures),
            "previous": _figures(r.previous),
            "change": _direction(r.stated_change),
        }
        for r in summary.rows
    ]
    document["questions"] = [
        {
            "id": q.question_id,
            "section": q.section_id,
            "text": q.text,
            **_share_document(q.share, not q.suppressed),
            "critical_failures": None if q.suppressed else q.critical_failures,
            "change": _direction(q.stated_change),
        }
        for q in summary.questions
    ]
    document["themes"] = [
        {
            "question": t.question_id,
            "text": t.text,
            "not_fully_met": t.not_fully_met,
            "not_met": t.not_met,
            "marks": t.marks,
        }
        for t in summary.themes
    ]
    return document


def as_table(summary: TrendSummary) -> str:
    lines = [scope_title(summary), period_text(summary.period), ""]
    f = summary.figures
    if summary.suppressed:
        lines.append(f"Inspections: {FEWER_THAN_MIN} (no figures shown)")
        return "\n".join(lines) + "\n"
    lines += [
        f"Inspections:        {f.inspections}",
        f"Meeting standard:   {share_text(f.meeting_standard)} of reviews (overall Fully met)",
        f"Mean quality score: {mean_text(f.mean_score)}",
        f"Marks fully met:    {share_text(f.fully_met)}",
        f"Critical failures:  {f.critical_failures}",
        f"Interventions:      {interventions_text(summary.interventions)}",
        f"Referral to review: {timeliness_text(summary.timeliness)}",
        f"Change since {summary.previous_period.label}: "
        + change_text(summary.change, f, summary.previous, summary.previous_period),
        "",
        "Marks fully met by section:",
        *(f"  {section_text(s)}" for s in summary.sections),
    ]
    breakdown = summary.scope.breakdown
    if breakdown is not None and summary.rows:
        lines += ["", f"{ROW_TITLES[breakdown]}:", *(f"  {row_text(r)}" for r in summary.rows)]
    if summary.themes:
        lines += ["", "Recurring themes:"]
        lines += [f"  {n}. {theme_text(t)}" for n, t in enumerate(summary.themes, start=1)]
    return "\n".join(lines) + "\n"


def _direction(change: Change | None) -> str:
    return "" if change is None else change.direction.value


def _figures_row(level: str, name: str, f: Figures, change: str | None) -> list[object]:
    if f.suppressed:
        return [level, name, FEWER_THAN_MIN, "", "", "", "", "", "", "", ""]
    return [
        level,
        name,
        f.inspections,
        _rounded(f.mean_score),
        *_share(f.fully_met, True),
        f.critical_failures,
        change or "",
    ]


def _rounded(value: float | None) -> object:
    return "" if value is None else round(value, 4)


def _share(share: Share, shown: bool) -> list[object]:
    interval = share.interval
    if not shown or share.value is None or interval is None:
        return ["", "", "", "", ""]
    return [
        share.trials,
        share.successes,
        round(share.value, 4),
        round(interval.low, 4),
        round(interval.high, 4),
    ]


def _figures(f: Figures) -> dict[str, Any]:
    if f.suppressed:
        return {"inspections": FEWER_THAN_MIN}
    return {
        "inspections": f.inspections,
        "meeting_standard": _share_document(f.meeting_standard, True),
        "mean_score": f.mean_score,
        **_share_document(f.fully_met, True),
        "critical_failures": f.critical_failures,
    }


def _share_document(share: Share, shown: bool) -> dict[str, Any]:
    interval = share.interval
    if not shown:
        return {"inspections": FEWER_THAN_MIN}
    return {
        "marks": share.trials,
        "fully_met": share.successes,
        "share_fully_met": share.value,
        "interval": None if interval is None else [interval.low, interval.high],
    }


def _period(period: Period) -> dict[str, str]:
    return {
        "label": period.label,
        "first_day": period.start.isoformat(),
        "last_day": period.last_day.isoformat(),
    }
