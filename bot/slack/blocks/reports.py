"""The weekly digest to a manager and the quarterly Area Performance Review pack message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.services.trends.board import FUNNEL_NOTE, BoardPack
from bot.slack.blocks.rjoim_home import OpenAction
from bot.slack.blocks.text import (
    Block,
    context,
    esc,
    fields_section,
    format_local,
    header,
    message,
    section,
)
from bot.slack.blocks.trends import (
    SUPPRESSED_NOTE,
    figures_pairs,
    period_text,
    theme_text,
    titled_lines,
    trends_message,
)
from inspections.interventions import CLOSE_WITHIN_DAYS
from inspections.trend_summary import TrendSummary
from inspections.trends import FEWER_THAN_MIN

DIGEST_THEMES = 3


@dataclass(frozen=True)
class OverdueIntervention:
    urn: str
    raised_at: datetime
    acknowledged: bool


def digest_message(
    week: TrendSummary,
    quarter: TrendSummary,
    overdue: Sequence[OverdueIntervention] = (),
    *,
    timezone: str = "Europe/London",
    overdue_actions: Sequence[OpenAction] = (),
) -> dict[str, Any]:
    title = f"Weekly digest: {week.scope.label}, week {week.period.label}"
    blocks: list[Block] = [header(title)]
    if overdue_actions:
        lines = [
            f"{a.force}: {a.description} (owner {a.owner}, due {a.due_on.isoformat()})"
            for a in overdue_actions
        ]
        blocks += titled_lines("RJOIM actions overdue", lines, limit=10)
    if overdue:
        lines = [
            f"{esc(item.urn, 60)}: raised {format_local(item.raised_at, timezone)}, "
            + ("acknowledged, no outcome recorded" if item.acknowledged else "not acknowledged")
            for item in overdue[:10]
        ]
        blocks += titled_lines(
            f"Interventions open more than {CLOSE_WITHIN_DAYS} working days", lines
        )
    blocks += _part(f"Last week ({period_text(week.period)})", week)
    blocks += _part(f"This quarter so far ({quarter.period.label})", quarter)
    themes = [] if quarter.suppressed else list(quarter.themes[:DIGEST_THEMES])
    if themes:
        lines = [f"{n}. {theme_text(t)}" for n, t in enumerate(themes, start=1)]
        blocks += titled_lines("Recurring themes this quarter", lines)
    blocks.append(context(esc("Type `/dip trends` for the full summary and chart.", 200)))
    shown = FEWER_THAN_MIN if week.suppressed else str(week.figures.inspections)
    return message(f"{title}: {shown} inspections last week", blocks)


def apr_message(summary: TrendSummary) -> dict[str, Any]:
    """The pack's covering message: the Area's quarter in full; the files follow."""
    payload = trends_message(summary, chart_follows=False)
    title = f"Area Performance Review pack: {summary.scope.label}, {summary.period.label}"
    note = context(
        esc("The pack as a PDF, its metrics as CSV, the figures and the chart follow.", 200)
    )
    blocks = [header(title), *payload["blocks"][1:], note][:50]
    return message(f"{title}. {payload['text']}", blocks)


def _part(title: str, summary: TrendSummary) -> list[Block]:
    heading = section(f"*{esc(title, 200)}*")
    if summary.suppressed:
        return [heading, section(esc(f"{FEWER_THAN_MIN} inspections. {SUPPRESSED_NOTE}", 900))]
    return [heading, fields_section(figures_pairs(summary))]


def board_message(pack: BoardPack) -> dict[str, Any]:
    """The board pack's covering message: each Area's share of reviews meeting the standard
    and where it stands on the funnel plot; the CSV and the plot follow."""
    title = f"Rape Casework Board pack: {pack.quarter.label}"
    national = pack.national_share
    lines = [
        "National: "
        + (
            "no reviews inspected"
            if national is None
            else f"{national:.0%} of reviews meet the standard"
        )
    ]
    for row in pack.rows:
        if row.hidden or row.figures is None:
            shown = FEWER_THAN_MIN if row.figures is not None and row.figures.inspections else "no"
            lines.append(f"{row.area}: {shown} inspections")
            continue
        met = row.figures.meeting_standard
        share = "no overall marks" if met.value is None else f"{met.value:.0%} of {met.trials}"
        where = f" ({row.position.value})" if row.position else ""
        lines.append(f"{row.area}: {share}{where}")
    blocks: list[Block] = [
        header(title),
        *titled_lines("Reviews meeting the standard, by Area", lines),
        context(
            esc(f"The table as CSV and the funnel plot are attached below. {FUNNEL_NOTE}", 300)
        ),
    ]
    return message(f"{title}: every Area side by side", blocks[:50])
