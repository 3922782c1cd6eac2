"""Messages of deciding challenges independently: the request for the marking inspector's
comment, its modal, the note that carries it to whoever decides, and the lead's modal to pass a
challenged mark to an inspector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.slack.blocks import feedback_actions as fa
from bot.slack.blocks.feedback_challenges import Choice, DecisionCard, reason_input
from bot.slack.blocks.text import (
    Block,
    esc,
    header,
    message,
    plain,
    plural,
    quote,
    section,
)


@dataclass(frozen=True)
class CommentRequest:
    """For the inspector who gave the challenged marks: what was challenged, and whether they
    have commented yet."""

    feedback_id: int
    urn: str
    lawyer_name: str
    choices: tuple[Choice, ...]
    lawyer_reason: str
    comment: str | None = None


def comment_request(request: CommentRequest) -> dict[str, Any]:
    """For the inspector who gave the marks: the challenge, and a button to comment on it."""
    marks = "\n".join(f"• *{esc(c.mark, 40)}*: {esc(c.text, 200)}" for c in request.choices[:10])
    if len(request.choices) > 10:
        marks += f"\n…and {plural(len(request.choices) - 10, 'more mark')}"
    blocks: list[Block] = [
        header("A lawyer has challenged your marks"),
        section(
            f"{esc(request.lawyer_name, 200)} has challenged "
            f"{plural(len(request.choices), 'mark')} you gave on *{esc(request.urn, 60)}*. "
            "An inspection lead decides each, independently; your comment helps them.\n"
            f"{marks}"
        ),
        section(f"*The lawyer's reason*\n{quote(request.lawyer_reason, 2000)}"),
    ]
    if request.comment is None:
        blocks.append(
            {
                "type": "actions",
                "elements": [fa.feedback_button("Add a comment", fa.COMMENT, request.feedback_id)],
            }
        )
    else:
        blocks.append(section(f"*Your comment, sent on*\n{quote(request.comment, 2000)}"))
    return message(f"Your marks on {request.urn} have been challenged", blocks)


def comment_modal(feedback_id: int, *, channel: str, ts: str) -> dict[str, Any]:
    origin = fa.ModalOrigin(fa.Target("f", feedback_id), channel, ts)
    return {
        "type": "modal",
        "callback_id": fa.COMMENT_MODAL,
        "private_metadata": fa.encode_origin(origin),
        "title": plain("Comment on challenge", 24),
        "submit": plain("Send comment", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            reason_input(
                "Your comment", "Whoever decides the challenge reads it; the lawyer does not."
            ),
        ],
    }


def comment_note(*, urn: str, inspector_name: str, comment: str) -> dict[str, Any]:
    """For whoever decides: the marking inspector's comment on the challenge."""
    blocks: list[Block] = [
        header("The inspector's comment on a challenge"),
        section(
            f"{esc(inspector_name, 200)}, who gave the challenged marks on *{esc(urn, 60)}*, "
            f"says:\n{quote(comment, 2000)}"
        ),
    ]
    return message(f"Comment on the challenge on {urn} from {inspector_name}", blocks)


def decider_modal(card: DecisionCard, *, channel: str, ts: str) -> dict[str, Any]:
    origin = fa.ModalOrigin(fa.Target("c", card.challenge_id), channel, ts)
    return {
        "type": "modal",
        "callback_id": fa.DECIDER_MODAL,
        "private_metadata": fa.encode_origin(origin),
        "title": plain("Pass to an inspector", 24),
        "submit": plain("Pass it on", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            section(f"*{esc(card.question, 1500)}*\nTheir mark: *{esc(card.mark, 40)}*"),
            {
                "type": "input",
                "block_id": fa.DECIDER_BLOCK,
                "label": plain("The inspector's email", 2000),
                "optional": True,
                "hint": plain(
                    f"Anyone but {card.inspector_name}, who gave the mark, and the lawyer.", 2000
                ),
                "element": {
                    "type": "plain_text_input",
                    "action_id": fa.INPUT_ACTION,
                    "max_length": 254,
                },
            },
        ],
    }
