"""The real-time safeguard alert to a lawyer's managers, and its "resolved" follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.slack.blocks.text import (
    Block,
    context,
    esc,
    fields_section,
    header,
    message,
    quote,
    review_type_label,
    section,
)


@dataclass(frozen=True)
class SafeguardNote:
    urn: str
    review_type: str
    area: str
    lawyer_name: str
    safeguard: str  # the question's text
    mark: str  # the mark's label
    reason: str | None = None
    no_longer_applies: bool = False  # resolved because a later answer switched it off


def alert_message(note: SafeguardNote) -> dict[str, Any]:
    blocks: list[Block] = [
        header("Safeguard alert"),
        section(
            f":rotating_light: An inspection of *{esc(note.urn, 60)}* has found a victim "
            f"safety safeguard marked *{esc(note.mark, 40)}*. The case may still be live, so "
            "you can step in now rather than wait for the inspection to finish."
        ),
        section(f"*Safeguard missed*\n{esc(note.safeguard, 1500)}"),
    ]
    if note.reason:
        blocks.append(section(f"*Inspector's reason*\n{quote(note.reason, 1500)}"))
    blocks += [
        _review_fields(note),
        context(
            "You receive this as the lawyer's line manager or RASSO Unit Head. If the mark "
            "changes I will tell you."
        ),
    ]
    fallback = f"Safeguard alert on {note.urn}: {note.safeguard}"
    return message(fallback, blocks)


def alert_resolved_message(note: SafeguardNote) -> dict[str, Any]:
    blocks: list[Block] = [
        header("Safeguard alert resolved"),
        section(f":white_check_mark: {_why_resolved(note)}\n{quote(note.safeguard, 1500)}"),
        _review_fields(note),
    ]
    if note.reason:
        blocks.insert(2, section(f"*Inspector's reason*\n{quote(note.reason, 1500)}"))
    fallback = f"Safeguard alert on {note.urn} resolved: now {note.mark}"
    return message(fallback, blocks)


def _why_resolved(note: SafeguardNote) -> str:
    urn = esc(note.urn, 60)
    if note.no_longer_applies:
        return (
            f"The inspector's later answers on *{urn}* mean this safeguard does not apply to "
            "the review, so the earlier alert no longer stands."
        )
    return (
        f"The inspector has changed the mark on *{urn}* for this safeguard to "
        f"*{esc(note.mark, 40)}*, so the earlier alert no longer stands."
    )


def _review_fields(note: SafeguardNote) -> Block:
    return fields_section(
        [
            ("URN", note.urn),
            ("Review type", review_type_label(note.review_type)),
            ("Area", note.area),
            ("Lawyer", note.lawyer_name),
        ]
    )
