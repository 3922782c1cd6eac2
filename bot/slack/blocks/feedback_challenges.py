"""The lawyer's challenge to marks, the independent decision on each, and the outcome.

The challenge modal offers the marks that count towards the score in a multi-select (up to
100, grouped by section beyond that); each inspection lead (or the inspector a lead names) gets
one message per challenged mark with Uphold and Amend, each opening a modal for the reason (and,
to amend, the new mark), and a lead may pass it to an inspector. The inspector who gave the
marks gets one message asking for a comment, which is sent on to whoever decides (those
messages are in bot.slack.blocks.challenge_deciders).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.slack.blocks import feedback_actions as fa
from bot.slack.blocks.feedback import score_text
from bot.slack.blocks.text import (
    MAX_INPUT_VALUE,
    MAX_MESSAGE_BLOCKS,
    MAX_OPTION_TEXT,
    MAX_PLACEHOLDER,
    Block,
    context,
    esc,
    escape,
    header,
    message,
    plain,
    plural,
    quote,
    review_type_label,
    section,
)

MAX_OPTIONS = 100


@dataclass(frozen=True)
class Choice:
    question_id: str
    section_title: str
    text: str
    mark: str


@dataclass(frozen=True)
class ChallengeForm:
    feedback_id: int
    urn: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class DecisionCard:
    challenge_id: int
    urn: str
    review_type: str
    lawyer_name: str
    question: str
    mark: str  # the mark the lawyer challenged
    inspector_reason: str | None
    lawyer_reason: str
    status: str  # open, upheld or amended
    outcome_reason: str | None = None
    new_mark: str | None = None
    inspector_name: str = "the inspector"  # who gave the mark
    inspector_comment: str | None = None
    lead_view: bool = True  # a lead's copy, which can be passed to an inspector
    # The leads all gave the mark: their copy can only be passed to an inspector.
    pass_only: bool = False


@dataclass(frozen=True)
class OutcomeRow:
    question: str
    status: str  # upheld or amended
    mark: str
    new_mark: str | None
    reason: str


@dataclass(frozen=True)
class OutcomeCard:
    urn: str
    review_type: str
    lawyer_name: str
    rows: tuple[OutcomeRow, ...]
    score_before: float | None
    score_after: float | None


def challenge_modal(form: ChallengeForm, *, channel: str, ts: str) -> dict[str, Any]:
    origin = fa.ModalOrigin(fa.Target("f", form.feedback_id), channel, ts)
    picker: Block = {
        "type": "multi_static_select",
        "action_id": fa.INPUT_ACTION,
        "placeholder": plain("Choose the marks you disagree with", MAX_PLACEHOLDER),
        **_choices(form.choices),
    }
    blocks: list[Block] = [
        section(
            f"Which marks on *{esc(form.urn, 60)}* do you think are wrong, and why? The "
            "inspector will look at each again and tell you what they decide."
        ),
        {
            "type": "input",
            "block_id": fa.MARKS_BLOCK,
            "label": plain("Marks to challenge", 2000),
            "element": picker,
        },
        reason_input("Your reason", "Say what the inspector may have missed."),
    ]
    if len(form.choices) > MAX_OPTIONS * MAX_OPTIONS:
        blocks.insert(1, context("Only the first 10,000 marks can be chosen here."))
    return {
        "type": "modal",
        "callback_id": fa.CHALLENGE_MODAL,
        "private_metadata": fa.encode_origin(origin),
        "title": plain("Challenge marks", 24),
        "submit": plain("Send challenge", 24),
        "close": plain("Cancel", 24),
        "blocks": blocks,
    }


def _choices(choices: Sequence[Choice]) -> dict[str, Any]:
    def option(choice: Choice) -> dict[str, Any]:
        label = f"{choice.mark}: {choice.text}"
        return {"text": plain(label, MAX_OPTION_TEXT), "value": choice.question_id}

    if len(choices) <= MAX_OPTIONS:
        return {"options": [option(c) for c in choices]}
    groups: list[dict[str, Any]] = []
    for choice in choices:
        if (
            not groups
            or groups[-1]["title"] != choice.section_title
            or len(groups[-1]["items"]) == MAX_OPTIONS
        ):
            groups.append({"title": choice.section_title, "items": []})
        groups[-1]["items"].append(option(choice))
    return {
        "option_groups": [
            {"label": plain(g["title"], MAX_OPTION_TEXT), "options": g["items"]}
            for g in groups[:MAX_OPTIONS]
        ]
    }


def reason_input(label: str, hint: str) -> Block:
    return {
        "type": "input",
        "block_id": fa.REASON_BLOCK,
        "label": plain(label, 2000),
        # Optional for Slack, so an empty reason reaches us and gets a clear inline error.
        "optional": True,
        "hint": plain(hint, 2000),
        "element": {
            "type": "plain_text_input",
            "action_id": fa.INPUT_ACTION,
            "multiline": True,
            "max_length": MAX_INPUT_VALUE,
        },
    }


def lead_note(
    form: ChallengeForm, *, lawyer_name: str, inspector_name: str, reason: str
) -> dict[str, Any]:
    """For the inspection lead: a challenge has been raised, and that a lead decides it."""
    marks = "\n".join(f"• *{esc(c.mark, 40)}*: {esc(c.text, 200)}" for c in form.choices[:10])
    if len(form.choices) > 10:
        marks += f"\n…and {plural(len(form.choices) - 10, 'more mark')}"
    blocks: list[Block] = [
        header("A lawyer has challenged marks"),
        section(
            f"{esc(lawyer_name, 200)} has challenged {plural(len(form.choices), 'mark')} on "
            f"*{esc(form.urn, 60)}*. {esc(inspector_name, 200)} gave the marks and is asked for "
            "a comment; an inspection lead (or an inspector a lead names) decides each, in the "
            f"messages that follow.\n{marks}"
        ),
        section(f"*Their reason*\n{quote(reason, 2000)}"),
    ]
    return message(f"Challenge raised on {form.urn} by {lawyer_name}", blocks)


def decision_message(card: DecisionCard) -> dict[str, Any]:
    """For whoever decides (an inspection lead, or the inspector a lead named)."""
    inspector = esc(card.inspector_name, 200)
    blocks: list[Block] = [
        header("A challenged mark for you to decide"),
        section(
            f"{esc(card.lawyer_name, 200)} disagrees with a mark {inspector} gave on "
            f"*{esc(card.urn, 60)}* ({escape(review_type_label(card.review_type))}).\n"
            f"*{esc(card.question, 1200)}*\nTheir mark: *{esc(card.mark, 40)}*"
            + (f"\n{quote(card.inspector_reason, 800)}" if card.inspector_reason else "")
        ),
        section(f"*The lawyer's reason*\n{quote(card.lawyer_reason, 2000)}"),
    ]
    if card.inspector_comment:
        blocks.append(section(f"*{inspector}'s comment*\n{quote(card.inspector_comment, 2000)}"))
    if card.status == "open" and card.pass_only:
        blocks.append(
            context(
                "You gave this mark, and no other inspection lead can decide it: pass it to an "
                "inspector, who decides it."
            )
        )
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    fa.challenge_button("Pass to an inspector", fa.NAME_DECIDER, card.challenge_id)
                ],
            }
        )
    elif card.status == "open":
        blocks.append(
            context(
                f"You decide this independently of {inspector}: uphold the mark or amend it, "
                "with a reason."
            )
        )
        buttons = [
            fa.challenge_button("Uphold", fa.UPHOLD, card.challenge_id),
            fa.challenge_button("Amend", fa.AMEND, card.challenge_id, style="primary"),
        ]
        if card.lead_view:
            buttons.append(
                fa.challenge_button("Pass to an inspector", fa.NAME_DECIDER, card.challenge_id)
            )
        blocks.append({"type": "actions", "elements": buttons})
    else:
        blocks.append(section(_decided(card)))
    return message(f"Challenge to a mark on {card.urn} to decide: {card.question}", blocks)


def _decided(card: DecisionCard) -> str:
    if card.status == "amended":
        done = f"You amended the mark to *{esc(card.new_mark or '', 40)}*."
    else:
        done = "You upheld the mark."
    reason = f"\n{quote(card.outcome_reason, 1500)}" if card.outcome_reason else ""
    return f":white_check_mark: {done}{reason}"


def decision_modal(
    card: DecisionCard, *, decision: str, options: Sequence[tuple[str, str]], channel: str, ts: str
) -> dict[str, Any]:
    origin = fa.ModalOrigin(fa.Target("c", card.challenge_id), channel, ts, decision)
    blocks: list[Block] = [
        section(f"*{esc(card.question, 1500)}*\nYour mark: *{esc(card.mark, 40)}*"),
        context(f"The lawyer's reason: {esc(card.lawyer_reason, 1500)}"),
    ]
    if decision == "amended":
        choices = [
            {"text": plain(label, MAX_OPTION_TEXT), "value": code} for code, label in options
        ]
        blocks.append(
            {
                "type": "input",
                "block_id": fa.NEW_MARK_BLOCK,
                "label": plain("New mark", 2000),
                "optional": True,
                "element": {
                    "type": "static_select",
                    "action_id": fa.INPUT_ACTION,
                    "placeholder": plain("Choose the new mark", MAX_PLACEHOLDER),
                    "options": choices[:MAX_OPTIONS],
                },
            }
        )
    verb = "amending" if decision == "amended" else "upholding"
    blocks.append(reason_input("Your reason", f"The lawyer sees your reason for {verb} the mark."))
    return {
        "type": "modal",
        "callback_id": fa.DECISION_MODAL,
        "private_metadata": fa.encode_origin(origin),
        "title": plain("Amend the mark" if decision == "amended" else "Uphold the mark", 24),
        "submit": plain("Send decision", 24),
        "close": plain("Cancel", 24),
        "blocks": blocks,
    }


def outcome_message(card: OutcomeCard) -> dict[str, Any]:
    """For the lawyer: every challenged mark decided, and the score as it now stands."""
    top: list[Block] = [
        header("The outcome of your challenge"),
        section(
            f"The inspection lead has looked again at the marks you challenged on "
            f"*{esc(card.urn, 60)}*. Thank you for raising them.\n{_score_change(card)}"
        ),
    ]
    rows = [section(_row(row)) for row in card.rows]
    budget = MAX_MESSAGE_BLOCKS - len(top)
    if len(rows) > budget:
        left = len(rows) - (budget - 1)
        rows = [*rows[: budget - 1], context(f"{plural(left, 'more decision')} not shown here.")]
    return message(f"The outcome of your challenge on {card.urn}", [*top, *rows])


def outcome_copy(card: OutcomeCard) -> dict[str, Any]:
    """For the line manager and the inspection lead: the counts and the score."""
    upheld = sum(1 for r in card.rows if r.status == "upheld")
    amended = len(card.rows) - upheld
    text = (
        f"The challenge by {esc(card.lawyer_name, 200)} to marks on *{esc(card.urn, 60)}* has "
        f"been decided: {plural(upheld, 'mark')} upheld, {plural(amended, 'mark')} amended.\n"
        f"{_score_change(card)}"
    )
    return message(
        f"Challenge on {card.urn} decided", [header("A challenge has been decided"), section(text)]
    )


def _score_change(card: OutcomeCard) -> str:
    if card.score_before == card.score_after:
        return f"The overall score stays at *{score_text(card.score_after)}*."
    return (
        f"The overall score is now *{score_text(card.score_after)}* "
        f"(it was {score_text(card.score_before)})."
    )


def _row(row: OutcomeRow) -> str:
    if row.status == "amended":
        decided = f"*Amended* from {esc(row.mark, 40)} to *{esc(row.new_mark or '', 40)}*"
    else:
        decided = f"*Upheld*: {esc(row.mark, 40)}"
    return f"{esc(row.question, 1200)}\n{decided}\n_The reason:_\n{quote(row.reason, 1500)}"
