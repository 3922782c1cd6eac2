"""The question card, the modal that records a mark with a reason or comment, and the pause."""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import actions
from bot.slack.blocks.actions import ActionValue, ModalContext, button
from bot.slack.blocks.text import (
    MAX_ACTIONS_ELEMENTS,
    MAX_CONTEXT_TEXT,
    MAX_INPUT_HINT,
    MAX_INPUT_LABEL,
    MAX_INPUT_VALUE,
    MAX_OPTION_TEXT,
    MAX_PLACEHOLDER,
    Block,
    context,
    esc,
    escape,
    format_local,
    message,
    plain,
    quote,
    section,
)
from bot.slack.blocks.viewmodels import PausedCard, QuestionCard, ReviewInfo
from questionnaires.model import QuestionKind, ScaleOption

NOTE_LABEL = "Mark with a reason or comment"
WRITE_LABEL = "Write answer"
CRITICAL_NOTE = (
    ":warning: A critical question (victim safety or the decision itself): marking it Not met "
    "alerts the lawyer's managers straight away, so they can act while the case is live. Not "
    "applicable needs a reason here."
)


def where(card: QuestionCard) -> str:
    """The card's context line, e.g. "42AB1234525 · Section · Question 4 of 19"."""
    return (
        f"*{esc(card.review.urn, 60)}* · {esc(card.section_title, 300)} · "
        f"Question {card.position} of {card.total}"
    )


def question_card(card: QuestionCard) -> dict[str, Any]:
    question = card.question
    blocks: list[Block] = [
        context(where(card)),
        section(f"*{esc(question.text, 2900)}*"),
    ]
    if dates := _dates(card.review):  # for the questions of timeliness and of the meeting
        blocks.append(context(escape(dates)))
    if question.critical:
        blocks.append(context(escape(CRITICAL_NOTE)))
    if question.guidance.strip():
        blocks.append(context(f"_Guidance:_ {esc(question.guidance, MAX_CONTEXT_TEXT - 20)}"))
    if card.current_answer is not None:
        blocks.append(section(_current_answer(card)))
    blocks += _answer_actions(card)
    blocks.append({"type": "actions", "elements": _navigation(card)})
    fallback = f"{card.review.urn} · Question {card.position} of {card.total}: {question.text}"
    return message(fallback, blocks)


def _dates(review: ReviewInfo) -> str | None:
    """What intake said of the referral and the meeting; None when it said nothing."""
    zone = review.timezone
    said = [
        f"{what} {format_local(moment, zone)}"
        for what, moment in (
            ("Referred", review.referred_at),
            ("meeting offered", review.meeting_offered_at),
            ("meeting held", review.meeting_held_at),
        )
        if moment is not None
    ]
    if not said:
        return None
    completed = f"review completed {format_local(review.completed_at, zone)}"
    if review.working_days_to_complete is not None:
        days = review.working_days_to_complete
        completed += f" ({days} working day{'' if days == 1 else 's'} after the referral)"
    line = " · ".join([*said, completed])
    return line[0].upper() + line[1:]


def _current_answer(card: QuestionCard) -> str:
    answer = card.current_answer
    assert answer is not None  # only called when there is one
    lines = ["*Your answer*"]
    label = _label(card.options, answer.option_code)
    if label is not None:
        lines.append(esc(label, 100))
    if answer.text:
        lines.append(quote(answer.text, 1200))
    if answer.reason:
        lines += ["_Reason:_", quote(answer.reason, 800)]
    if answer.comment:
        lines += ["_Comment:_", quote(answer.comment, 800)]
    return "\n".join(lines)


def _label(options: tuple[ScaleOption, ...], code: str | None) -> str | None:
    return next((o.label for o in options if o.code == code), None)


def _answer_actions(card: QuestionCard) -> list[Block]:
    question_value = ActionValue(card.inspection_id, card.card_version, card.question.id)
    if card.question.kind is QuestionKind.FREE_TEXT:
        write = button(WRITE_LABEL, actions.WRITE, question_value, style="primary")
        return [{"type": "actions", "elements": [write]}]
    chosen = card.current_answer.option_code if card.current_answer else None
    elements = [
        button(
            option.label,
            actions.answer_action_id(option.code),
            ActionValue(card.inspection_id, card.card_version, card.question.id, option.code),
            style="primary" if option.code == chosen else None,
        )
        for option in card.options
    ]
    elements.append(button(NOTE_LABEL, actions.ANSWER_WITH_NOTE, question_value))
    # One actions block holds 25 elements; a longer scale simply takes another row.
    return [
        {"type": "actions", "elements": elements[start : start + MAX_ACTIONS_ELEMENTS]}
        for start in range(0, len(elements), MAX_ACTIONS_ELEMENTS)
    ]


def _navigation(card: QuestionCard) -> list[Block]:
    here = ActionValue(card.inspection_id, card.card_version, card.question.id)
    card_value = ActionValue(card.inspection_id, card.card_version)
    elements = [button("Back", actions.BACK, here)] if card.can_go_back else []
    elements += [
        button("Pause", actions.PAUSE, card_value),
        button("Review answers", actions.REVIEW, card_value),
    ]
    return elements


def answer_modal(
    card: QuestionCard, *, channel: str, ts: str, option_code: str | None = None
) -> dict[str, Any]:
    """Records a mark (chosen here, or already by its button) with a reason and a comment.

    The reason input is optional as far as Slack is concerned, so that an empty submission
    reaches the app and can be answered with an inline error naming what is missing.
    """
    question = card.question
    free_text = question.kind is QuestionKind.FREE_TEXT
    if option_code is not None and _label(card.options, option_code) is None:
        raise ValueError(f"{option_code!r} is not an option for question {question.id}.")
    answer = card.current_answer
    blocks: list[Block] = [
        context(where(card)),
        section(f"*{esc(question.text, 2900)}*"),
    ]
    if free_text:
        blocks.append(
            _text_input(
                actions.TEXT_BLOCK,
                "Your answer",
                initial=answer.text if answer else None,
                optional=not question.required,
            )
        )
    else:
        chosen = _label(card.options, option_code)
        if chosen is not None:
            blocks.append(section(f"Your mark: *{esc(chosen, 100)}*"))
        else:
            blocks.append(_option_select(card.options, answer.option_code if answer else None))
        blocks.append(
            _text_input(
                actions.REASON_BLOCK,
                _reason_label(card.options, option_code),
                initial=answer.reason if answer else None,
                optional=True,
                hint=_reason_hint(card.options),
            )
        )
    blocks.append(
        _text_input(
            actions.COMMENT_BLOCK,
            "Comment (optional)",
            initial=answer.comment if answer else None,
            optional=True,
            hint="The lawyer sees your reasons and comments in their feedback.",
        )
    )
    meta = ModalContext(
        card.inspection_id,
        card.card_version,
        channel=channel,
        ts=ts,
        question_id=question.id,
        option_code=option_code,
    )
    return {
        "type": "modal",
        "callback_id": actions.ANSWER_MODAL,
        "private_metadata": actions.encode_metadata(meta),
        "title": actions.modal_title(f"Question {card.position} of {card.total}"),
        "submit": actions.modal_title("Save answer"),
        "close": actions.modal_title("Cancel"),
        "blocks": blocks,
    }


def _option_select(options: tuple[ScaleOption, ...], chosen: str | None) -> Block:
    choices = [{"text": plain(o.label, MAX_OPTION_TEXT), "value": o.code} for o in options[:100]]
    element: Block = {
        "type": "static_select",
        "action_id": actions.INPUT_ACTION,
        "placeholder": plain("Choose a mark", MAX_PLACEHOLDER),
        "options": choices,
    }
    initial = next((c for c in choices if c["value"] == chosen), None)
    if initial is not None:
        element["initial_option"] = initial
    return {
        "type": "input",
        "block_id": actions.OPTION_BLOCK,
        "label": plain("Mark", MAX_INPUT_LABEL),
        "element": element,
    }


def _reason_label(options: tuple[ScaleOption, ...], chosen: str | None) -> str:
    option = next((o for o in options if o.code == chosen), None)
    if option is not None and option.reason_required:
        return f"Reason (needed for {option.label})"
    return "Reason"


def _reason_hint(options: tuple[ScaleOption, ...]) -> str | None:
    needing = [o.label for o in options if o.reason_required]
    if not needing:
        return None
    names = needing[0] if len(needing) == 1 else f"{', '.join(needing[:-1])} and {needing[-1]}"
    return f"{names} {'needs' if len(needing) == 1 else 'need'} a reason."


def _text_input(
    block_id: str, label: str, *, initial: str | None, optional: bool, hint: str | None = None
) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": actions.INPUT_ACTION,
        "multiline": True,
        "max_length": MAX_INPUT_VALUE,
    }
    if initial:
        element["initial_value"] = initial[:MAX_INPUT_VALUE]
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, MAX_INPUT_LABEL),
        "optional": optional,
        "element": element,
    }
    if hint:
        block["hint"] = plain(hint, MAX_INPUT_HINT)
    return block


def paused_card(card: PausedCard) -> dict[str, Any]:
    value = ActionValue(card.inspection_id, card.card_version)
    blocks: list[Block] = [
        section(
            f"*Inspection paused* for *{esc(card.review.urn, 60)}* at question "
            f"{card.position} of {card.total}.\n"
            "Your answers so far are saved. Resume whenever you are ready, here or from "
            "`/dip queue`."
        ),
        {"type": "actions", "elements": [button("Resume", actions.RESUME, value, style="primary")]},
    ]
    return message(f"Inspection of {card.review.urn} paused at question {card.position}", blocks)
