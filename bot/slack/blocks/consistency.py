"""Messages of inspector consistency: a large disagreement between two blind markings, for
the inspection lead (names and marks: a direct message only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.slack.blocks.text import Block, context, esc, header, message, review_type_label, section


@dataclass(frozen=True)
class DisagreementRow:
    question: str  # the question's short label
    first: str  # the marks' labels
    second: str


@dataclass(frozen=True)
class DisagreementNote:
    urn: str
    review_type: str
    first_inspector: str  # who marked the primary inspection (the lawyer's feedback)
    second_inspector: str  # who marked blind for consistency
    rows: tuple[DisagreementRow, ...]


def disagreement_message(note: DisagreementNote) -> dict[str, Any]:
    first, second = esc(note.first_inspector, 200), esc(note.second_inspector, 200)
    lines = "\n".join(
        f"• *{esc(r.question, 200)}*: {first} {esc(r.first, 40)}, {second} {esc(r.second, 40)}"
        for r in note.rows[:20]
    )
    blocks: list[Block] = [
        header("Double-marked review: a large disagreement"),
        section(
            f"*{esc(note.urn, 60)}* ({esc(review_type_label(note.review_type), 60)}) was marked "
            f"blind by two inspectors, who disagree on a critical or decision question:\n{lines}"
        ),
        context(
            f"{first}'s marks are the ones the lawyer was given; {second}'s count only for "
            "consistency. Neither inspector has seen the other's marks."
        ),
    ]
    return message(f"Double-marked review {note.urn}: the inspectors disagree", blocks)
