"""The trend summary as a Slack message and as the App Home panel, and the words for its figures
(shared by the command line, the digest and the quarterly pack).

Every group of fewer than 5 inspections shows as "fewer than 5" and nothing else: the headline,
each row, each section and each theme. Lines are packed into sections of at most 3000
characters and the message stays within 50 blocks however many lawyers a team has.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.slack.blocks.text import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    Block,
    context,
    esc,
    fields_section,
    header,
    message,
    percentage,
    plural,
    review_type_label,
    section,
)
from inspections.interventions import InterventionFigures
from inspections.periods import Period
from inspections.scopes import Breakdown
from inspections.timeliness import Timeliness
from inspections.trend_summary import Figures, QuestionFigures, Row, SectionFigures, TrendSummary
from inspections.trends import FEWER_THAN_MIN, Change, Direction, Share, Spread

SUPPRESSED_NOTE = (
    "Fewer than 5 inspections were submitted for this in the period, so no figures are shown: "
    "with so few, they would point at individual reviews."
)
CHANGE_NOTE = (
    "A change is flagged only when the 95% intervals of the two periods do not overlap; "
    "smaller movements may be chance."
)
ROW_TITLES = {Breakdown.AREA: "By Area", Breakdown.UNIT: "By unit", Breakdown.LAWYER: "By lawyer"}
MAX_ROWS = 60
THEME_TEXT = 140
FULL_SUMMARY_HINT = "Type `/dip trends` for the full summary and chart."


def period_text(period: Period) -> str:
    first, last = period.start, period.last_day
    return f"{period.label} ({first.day} {first:%b %Y} to {last.day} {last:%b %Y})"


def share_text(share: Share) -> str:
    interval = share.interval
    if share.value is None or interval is None:
        return "no marks"
    return (
        f"{percentage(share.value)} (95% interval {percentage(interval.low)} to "
        f"{percentage(interval.high)})"
    )


def mean_text(mean: float | None) -> str:
    return percentage(mean) if mean is not None else "not scored"


def change_text(
    change: Change, current: Figures, previous: Figures, previous_period: Period
) -> str:
    if previous.suppressed:
        return f"nothing to compare: {FEWER_THAN_MIN} inspections in {previous_period.label}"
    before = previous.fully_met.value
    was = f"{percentage(before)} in {previous_period.label}" if before is not None else "no marks"
    if change.direction is Direction.UP:
        return f"up from {was}: a real change (the intervals do not overlap)"
    if change.direction is Direction.DOWN:
        return f"down from {was}: a real change (the intervals do not overlap)"
    return f"no clear change ({was}; the intervals overlap)"


def interventions_text(found: InterventionFigures | None) -> str:
    """E.g. "3 raised, 2 acknowledged (median 1.5 h, 90th percentile 3.0 h), 1 closed (…)"."""
    if found is None or found.raised == 0:
        return "none raised"

    def spread(step: int, times: Spread | None, what: str) -> str:
        said = f"{step} {what}"
        if times is not None:
            said += f" (median {times.median:.1f} h, 90th percentile {times.p90:.1f} h)"
        return said

    return (
        f"{found.raised} raised, "
        + spread(found.acknowledged, found.to_acknowledge, "acknowledged")
        + ", "
        + spread(found.closed, found.to_close, "closed")
    )


def timeliness_text(found: Timeliness | None) -> str:
    """E.g. "12 reviews: median 6 working days, 90th percentile 14.4"."""
    if found is None or found.working_days is None:
        return "no referral dates from intake"
    days = found.working_days
    return (
        f"{found.reviews} review{'' if found.reviews == 1 else 's'}: median {days.median:g} "
        f"working days, 90th percentile {days.p90:.1f}"
    )


def figures_pairs(summary: TrendSummary) -> list[tuple[str, str]]:
    f = summary.figures
    return [
        ("Inspections", str(f.inspections)),
        ("Reviews meeting the standard", share_text(f.meeting_standard)),
        ("Mean quality score", mean_text(f.mean_score)),
        ("Marks fully met", share_text(f.fully_met)),
        ("Critical failures", str(f.critical_failures)),
        ("Interventions", interventions_text(summary.interventions)),
        ("Referral to review", timeliness_text(summary.timeliness)),
        (
            f"Change since {summary.previous_period.label}",
            change_text(summary.change, f, summary.previous, summary.previous_period),
        ),
    ]


def row_text(row: Row) -> str:
    f = row.figures
    if f.suppressed:
        return f"{row.label}: {FEWER_THAN_MIN} inspections"
    return (
        f"{row.label}: {plural(f.inspections, 'inspection')}, mean {mean_text(f.mean_score)}, "
        f"{percentage(f.fully_met.value or 0)} of marks fully met, "
        f"{plural(f.critical_failures, 'critical failure')}"
    )


def section_text(figures: SectionFigures) -> str:
    if figures.suppressed:
        return f"{figures.title}: {FEWER_THAN_MIN} inspections"
    flag = {Direction.UP: " ▲ up", Direction.DOWN: " ▼ down", Direction.NONE: ""}
    change = figures.stated_change
    shown = "" if change is None else flag[change.direction]
    return f"{figures.title}: {share_text(figures.fully_met)}{shown}"


def theme_text(theme: QuestionFigures) -> str:
    return (
        f"{theme.text}: {theme.not_fully_met} of {theme.marks} marks not fully met "
        f"({theme.not_met} not met)"
    )


def scope_title(summary: TrendSummary) -> str:
    kind = f", {review_type_label(summary.review_type)}" if summary.review_type else ""
    return f"Trends: {summary.scope.label}, {summary.period.label}{kind}"


def trends_message(summary: TrendSummary, *, chart_follows: bool = True) -> dict[str, Any]:
    blocks: list[Block] = [
        header(scope_title(summary)),
        context(
            esc(
                f"{period_text(summary.period)}; compared with {summary.previous_period.label}", 500
            )
        ),
    ]
    if summary.suppressed:
        blocks.append(section(esc(SUPPRESSED_NOTE, MAX_SECTION_TEXT)))
        fallback = f"{scope_title(summary)}: {FEWER_THAN_MIN} inspections"
        return message(fallback, blocks)
    blocks.append(fields_section(figures_pairs(summary)))
    visible = [s for s in summary.sections if s.fully_met.trials or s.previous.trials]
    blocks += titled_lines("Marks fully met by section", [section_text(s) for s in visible])
    breakdown = summary.scope.breakdown
    if breakdown is not None and summary.rows:
        lines = [row_text(r) for r in summary.rows]
        blocks += titled_lines(ROW_TITLES[breakdown], lines, limit=MAX_ROWS)
    themes = [f"{n}. {theme_text(t)}" for n, t in enumerate(summary.themes, start=1)]
    if themes:
        blocks += titled_lines("Recurring themes (questions most often not fully met)", themes)
    notes = [CHANGE_NOTE] + (["The chart follows."] if chart_follows else [])
    blocks.append(context(*(esc(n, 500) for n in notes)))
    blocks = blocks[:MAX_MESSAGE_BLOCKS]
    f = summary.figures
    fallback = (
        f"{scope_title(summary)}: {plural(f.inspections, 'inspection')}, "
        f"{percentage(f.fully_met.value or 0)} of marks fully met"
    )
    return message(fallback, blocks)


def headline_panel(summary: TrendSummary) -> list[Block]:
    """The App Home panel: the current quarter's headline figures, without the rows, sections
    and themes of the full summary."""
    title = header(f"{summary.scope.label}: this quarter ({summary.period.label})")
    if summary.suppressed:
        figures = fields_section([("Inspections", FEWER_THAN_MIN)])
        note = SUPPRESSED_NOTE
    else:
        figures = fields_section(figures_pairs(summary))
        note = CHANGE_NOTE
    return [title, figures, context(esc(note, 500), esc(FULL_SUMMARY_HINT, 200))]


def titled_lines(title: str, lines: Sequence[str], *, limit: int = 100) -> list[Block]:
    """A bold title and the lines, escaped, packed into as few sections as fit; beyond `limit`
    lines, a count of the rest."""
    shown = [esc(line, 600) for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"…and {len(lines) - limit} more")
    blocks: list[Block] = []
    current = f"*{esc(title, 200)}*"
    for line in shown:
        if len(current) + 1 + len(line) > MAX_SECTION_TEXT:
            blocks.append(section(current))
            current = line
        else:
            current += "\n" + line
    blocks.append(section(current))
    return blocks
