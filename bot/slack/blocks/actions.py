"""The interaction protocol: action ids, button values and modal metadata the listeners read.

Button values are compact JSON ``{"i": inspection id, "v": card version, "q": question id,
"o": option code}``. The card version lets a service tell a click on an old card, or a second
click on the same card, from a fresh one. Anything that does not decode exactly as written here
raises ``StaleOrMalformedAction``, so a listener can answer it with a short ephemeral note.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot import refusals
from bot.refusals import Refused
from bot.slack.blocks.text import (
    MAX_BUTTON_TEXT,
    MAX_OPTION_VALUE,
    MAX_VIEW_TITLE,
    Block,
    plain,
    truncate,
)

START = "inspection.start"
DECLINE = "inspection.decline"
ANSWER = "inspection.answer"  # used as "inspection.answer:<option code>"
ANSWER_WITH_NOTE = "inspection.answer_with_note"
WRITE = "inspection.write"
BACK = "inspection.back"
PAUSE = "inspection.pause"
RESUME = "inspection.resume"
REVIEW = "inspection.review"
EDIT = "inspection.edit"  # used as "inspection.edit:<question id>"
EDIT_MENU = "inspection.edit_menu"  # an overflow menu whose options each edit one question
SUBMIT = "inspection.submit"

ANSWER_ACTION = re.compile(r"^inspection\.answer:")
EDIT_ACTION = re.compile(r"^inspection\.edit(?::|_menu$)")

ANSWER_MODAL = "inspection.answer_modal"
DECLINE_MODAL = "inspection.decline_modal"

# Input blocks in the modals, each holding one element with action id INPUT_ACTION.
OPTION_BLOCK = "option"
REASON_BLOCK = "reason"
COMMENT_BLOCK = "comment"
TEXT_BLOCK = "text"
INPUT_ACTION = "value"

MAX_METADATA = 3000
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # question ids and option codes, as the schema
_METADATA_KEYS = {"i", "v", "q", "o", "channel", "ts"}
_PLAIN_ACTIONS = {START, DECLINE, ANSWER_WITH_NOTE, WRITE, BACK, PAUSE, RESUME, REVIEW, SUBMIT}


class StaleOrMalformedAction(Refused, ValueError):
    """A click or submission that cannot be from a card we rendered as it stands."""


@dataclass(frozen=True)
class ActionValue:
    inspection_id: int
    card_version: int
    question_id: str | None = None
    option_code: str | None = None


@dataclass(frozen=True)
class Click:
    action: str  # the action without its suffix, e.g. ANSWER or EDIT
    value: ActionValue


@dataclass(frozen=True)
class ModalContext:
    inspection_id: int
    card_version: int
    channel: str  # the DM holding the card the modal came from, so it can be updated
    ts: str
    question_id: str | None = None
    option_code: str | None = None  # the mark already chosen by its button


@dataclass(frozen=True)
class ModalSubmission:
    option_code: str | None = None
    text: str | None = None
    reason: str | None = None
    comment: str | None = None


def answer_action_id(option_code: str) -> str:
    return f"{ANSWER}:{_checked_code(option_code, 'option code')}"


def edit_action_id(question_id: str) -> str:
    return f"{EDIT}:{_checked_code(question_id, 'question id')}"


def encode_value(value: ActionValue) -> str:
    data: dict[str, Any] = {"i": value.inspection_id, "v": value.card_version}
    if value.question_id is not None:
        data["q"] = value.question_id
    if value.option_code is not None:
        data["o"] = value.option_code
    _check_value(data)
    return json.dumps(data, separators=(",", ":"))


def decode_value(raw: object) -> ActionValue:
    data = _json_object(raw, allowed={"i", "v", "q", "o"}, max_length=MAX_OPTION_VALUE)
    _decoded(_check_value, data)
    return ActionValue(data["i"], data["v"], data.get("q"), data.get("o"))


def read_click(action: Mapping[str, Any]) -> Click:
    """One element of a ``block_actions`` payload's ``actions``, checked against its value."""
    action_id = action.get("action_id")
    if not isinstance(action_id, str):
        raise StaleOrMalformedAction(refusals.NO_ACTION_ID)
    if action_id == EDIT_MENU:
        selected = action.get("selected_option")
        raw = selected.get("value") if isinstance(selected, Mapping) else None
        value = decode_value(raw)
        if value.question_id is None or value.option_code is not None:
            raise StaleOrMalformedAction(refusals.EDIT_NEEDS_QUESTION)
        return Click(EDIT, value)
    value = decode_value(action.get("value"))
    name, _, suffix = action_id.partition(":")
    if name == ANSWER and suffix and value.option_code == suffix and value.question_id:
        return Click(ANSWER, value)
    if name == EDIT and suffix and value.question_id == suffix and value.option_code is None:
        return Click(EDIT, value)
    if action_id in _PLAIN_ACTIONS and value.option_code is None:
        return Click(action_id, value)
    raise StaleOrMalformedAction(refusals.value_not_for(action_id))


def ensure_current(value: ActionValue | ModalContext, *, card_version: int) -> None:
    """Refuses a click or submission from a card that has changed since it was rendered."""
    if value.card_version != card_version:
        raise StaleOrMalformedAction(refusals.card_out_of_date(value.card_version, card_version))


def button(
    text: str,
    action_id: str,
    value: ActionValue,
    *,
    style: str | None = None,
    confirm: Block | None = None,
) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain(text, MAX_BUTTON_TEXT),
        "value": encode_value(value),
    }
    if style is not None:
        element["style"] = style
    if confirm is not None:
        element["confirm"] = confirm
    return element


def encode_metadata(context: ModalContext) -> str:
    data: dict[str, Any] = {
        "i": context.inspection_id,
        "v": context.card_version,
        "channel": context.channel,
        "ts": context.ts,
    }
    if context.question_id is not None:
        data["q"] = context.question_id
    if context.option_code is not None:
        data["o"] = context.option_code
    _check_metadata(data)
    return json.dumps(data, separators=(",", ":"))


def decode_metadata(raw: object) -> ModalContext:
    data = _json_object(raw, allowed=_METADATA_KEYS, max_length=MAX_METADATA)
    _decoded(_check_metadata, data)
    return ModalContext(
        data["i"], data["v"], data["channel"], data["ts"], data.get("q"), data.get("o")
    )


def read_submission(view: Mapping[str, Any]) -> ModalSubmission:
    """The inputs of a submitted answer or decline modal; blank inputs read as None."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, Mapping) else None
    if not isinstance(values, Mapping):
        raise StaleOrMalformedAction(refusals.NO_INPUT_VALUES)

    def element(block_id: str) -> Mapping[str, Any] | None:
        block = values.get(block_id)
        found = block.get(INPUT_ACTION) if isinstance(block, Mapping) else None
        return found if isinstance(found, Mapping) else None

    def typed(block_id: str) -> str | None:
        found = element(block_id)
        text = found.get("value") if found is not None else None
        return (text.strip() or None) if isinstance(text, str) else None

    option = element(OPTION_BLOCK)
    selected = option.get("selected_option") if option is not None else None
    code = selected.get("value") if isinstance(selected, Mapping) else None
    if code is not None and not (isinstance(code, str) and _CODE.match(code)):
        raise StaleOrMalformedAction(refusals.MARK_NOT_OFFERED)
    return ModalSubmission(
        option_code=code,
        text=typed(TEXT_BLOCK),
        reason=typed(REASON_BLOCK),
        comment=typed(COMMENT_BLOCK),
    )


def modal_errors(errors: Mapping[str, str]) -> dict[str, Any]:
    """The ``view_submission`` acknowledgement that shows ``errors`` under their inputs."""
    if not errors:
        raise ValueError("modal_errors needs at least one error.")
    # Slack shows these under the input; a short sentence is what fits there.
    return {
        "response_action": "errors",
        "errors": {block_id: truncate(text, 300) for block_id, text in errors.items()},
    }


def modal_title(text: str) -> dict[str, str]:
    return plain(text, MAX_VIEW_TITLE)


def _json_object(raw: object, *, allowed: set[str], max_length: int) -> dict[str, Any]:
    if not isinstance(raw, str) or len(raw) > max_length:
        raise StaleOrMalformedAction(refusals.NO_READABLE_VALUE)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        raise StaleOrMalformedAction(refusals.VALUE_NOT_JSON) from None
    if not isinstance(data, dict) or not set(data) <= allowed or not {"i", "v"} <= set(data):
        raise StaleOrMalformedAction(refusals.VALUE_WITHOUT_FIELDS)
    return data


def _decoded(check: Callable[[Mapping[str, Any]], None], data: Mapping[str, Any]) -> None:
    try:
        check(data)
    except ValueError as error:
        raise StaleOrMalformedAction(str(error)) from None


def _check_value(data: Mapping[str, Any]) -> None:
    _check_ids(data)
    if data.get("o") is not None and data.get("q") is None:
        raise ValueError("A mark needs the question it answers.")
    if len(json.dumps(dict(data), separators=(",", ":"))) > MAX_OPTION_VALUE:
        # Values also travel as overflow and select options, which hold 150 characters.
        raise ValueError("The action's value is too long.")


def _check_metadata(data: Mapping[str, Any]) -> None:
    _check_ids(data)
    for key in ("channel", "ts"):
        value = data.get(key)
        if not isinstance(value, str) or not value or len(value) > 64:
            raise ValueError(f"The modal's {key} is missing or malformed.")
    if len(json.dumps(dict(data), separators=(",", ":"))) > MAX_METADATA:
        raise ValueError("The modal's metadata is too long.")


def _check_ids(data: Mapping[str, Any]) -> None:
    i, v = data.get("i"), data.get("v")
    if type(i) is not int or i < 1:
        raise ValueError("The inspection id must be a positive whole number.")
    if type(v) is not int or v < 0:
        raise ValueError("The card version must be a whole number, zero or more.")
    for key, name in (("q", "question id"), ("o", "option code")):
        if key in data:
            _checked_code(data[key], name)


def _checked_code(code: object, name: str) -> str:
    if not isinstance(code, str) or not _CODE.match(code):
        raise ValueError(f"Malformed {name}: {code!r}.")
    return code
