"""A lawyer's development record as a direct message: each theme's marks Fully met of marks given,
quarter by quarter. It names the lawyer and shows their marks, so it only ever goes to the
requester's direct message."""

from __future__ import annotations

from typing import Any

from bot.slack.blocks.text import Block, context, esc, header, message, plural, section
from inspections.development import Cell, DevelopmentRecord
from questionnaires.themes import THEMES

EXPLAINED = (
    "Each figure is the marks *Fully met* of the marks given under the theme (themes of the "
    "CPS Annual Rape Scrutiny Report); – means no mark. Counts, not percentages: a quarter "
    "holds only a few of one lawyer's reviews."
)
NO_MARKS = "No inspected review in these quarters."


def development_message(record: DevelopmentRecord) -> dict[str, Any]:
    title = f"Development record: {record.lawyer}"
    quarters = ", ".join(
        f"{q} {plural(n, 'inspection')}"
        for q, n in zip(record.quarters, record.inspections, strict=True)
    )
    blocks: list[Block] = [header(esc(title, 150)), context(esc(quarters, 2000))]
    if not record.themes:
        blocks.append(section(NO_MARKS))
        return message(f"{title}. {NO_MARKS}", blocks)
    columns = " · ".join(record.quarters)
    lines = [f"*Theme* ({esc(columns, 200)})"]
    for line in record.themes:
        cells = " · ".join(_cell(c) for c in line.cells)
        lines.append(f"{esc(THEMES[line.theme].label, 80)}: {cells}")
    # 22 themes of at most about 130 characters: one section holds them (3,000).
    blocks += [section("\n".join(lines)), context(EXPLAINED)]
    return message(
        f"{title}: marks by theme, {record.quarters[0]} to {record.quarters[-1]}.", blocks
    )


def _cell(cell: Cell) -> str:
    return f"{cell.fully_met}/{cell.marks}" if cell.marks else "–"
