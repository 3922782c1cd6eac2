"""Block Kit for the national lead's panel of open interventions by Area."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.slack.blocks.text import Block, context, divider, esc, format_local, header, section


@dataclass(frozen=True)
class AreaInterventions:
    area: str
    open: int
    unacknowledged: int
    oldest: datetime


def national_panel(rows: Sequence[AreaInterventions], timezone: str) -> list[Block]:
    blocks: list[Block] = [divider(), header("Open interventions by Area")]
    if not rows:
        return [*blocks, context("None open.")]
    lines = [
        f"*{esc(r.area, 100)}*: {r.open} open, {r.unacknowledged} not yet acknowledged; "
        f"oldest raised {format_local(r.oldest, timezone)}"
        for r in rows[:20]
    ]
    blocks.append(section("\n".join(lines)))
    blocks.append(context("`dipsample interventions list` gives each one, with its times."))
    return blocks
