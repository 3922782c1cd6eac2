"""An inspector's open inspections: the `/dip queue` answer and the App Home tab."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.slack.blocks.assignment import due_text, resume_button
from bot.slack.blocks.text import (
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    Block,
    context,
    divider,
    esc,
    escape,
    header,
    message,
    plural,
    review_type_label,
    section,
)
from bot.slack.blocks.viewmodels import QueueItem
from inspections.lifecycle import Status

_NEVER = datetime.max.replace(tzinfo=UTC)
EMPTY_QUEUE = "You have no open inspections. New ones come to you as direct messages."
HELP = (
    "*How it works*\n"
    "Each inspection comes to you as a direct message. Start it there or here, answer one "
    "question at a time, and check your answers before you submit. You can pause at any "
    "point: your answers are saved.\n"
    "`/dip queue` lists your open inspections.\n"
    "`/dip away FROM TO` tells us when you are away, so nothing new is assigned to you then.\n"
    "`/dip help` shows every command."
)


def item_block(item: QueueItem, *, now: datetime) -> Block:
    review = item.review
    due = f"Due {escape(due_text(review))}"
    if review.due_at is not None and review.due_at < now:
        due += " · *overdue*"
    if item.status == Status.ASSIGNED:
        progress = "Not started"
    else:
        progress = f"{item.answered} of {plural(item.total, 'question')} answered"
        if item.status == Status.PAUSED:
            progress += " · paused"
    text = (
        f"*{esc(review.urn, 60)}* · {escape(review_type_label(review.review_type))} · "
        f"{esc(review.area, 200)}\n"
        f"Lawyer: {esc(review.lawyer_name, 200)}\n{due}\n{progress}"
    )
    return section(text, accessory=resume_button(item))


def _by_due_date(items: Sequence[QueueItem]) -> list[QueueItem]:
    # Stable, so items due at the same moment keep the service's order; undated ones last.
    return sorted(items, key=lambda item: item.review.due_at or _NEVER)


def _items(items: Sequence[QueueItem], *, now: datetime, budget: int) -> list[Block]:
    items = _by_due_date(items)
    if len(items) <= budget:
        return [item_block(item, now=now) for item in items]
    shown = budget - 1
    return [
        *(item_block(item, now=now) for item in items[:shown]),
        context(f"…and {plural(len(items) - shown, 'more inspection')}, not shown here."),
    ]


def _count_line(items: Sequence[QueueItem]) -> str:
    return f"{plural(len(items), 'open inspection')}, soonest due first."


def queue_message(items: Sequence[QueueItem], *, now: datetime) -> dict[str, Any]:
    if not items:
        return message(EMPTY_QUEUE, [section(escape(EMPTY_QUEUE))])
    top = [header("Your open inspections"), context(escape(_count_line(items)))]
    blocks = top + _items(items, now=now, budget=MAX_MESSAGE_BLOCKS - len(top))
    return message(f"You have {plural(len(items), 'open inspection')}.", blocks)


def home_view(items: Sequence[QueueItem], *, now: datetime) -> dict[str, Any]:
    """The App Home tab for an inspector: the same queue, then a short help."""
    top: list[Block] = [header("Your inspections")]
    bottom: list[Block] = [divider(), section(HELP)]
    if items:
        top.append(context(escape(_count_line(items))))
        middle = _items(items, now=now, budget=MAX_VIEW_BLOCKS - len(top) - len(bottom))
    else:
        middle = [section(escape(EMPTY_QUEUE))]
    return {"type": "home", "blocks": [*top, *middle, *bottom]}
