"""The interaction protocol of feedback, challenges and decisions: action ids, values, metadata.

Button values are compact JSON naming one feedback (``{"f": id}``) or one challenge
(``{"c": id}``). Modal metadata adds the message the modal came from, so the listener can
update it. Anything that does not decode exactly so raises ``StaleOrMalformedAction``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot import refusals
from bot.slack.blocks.actions import StaleOrMalformedAction
from bot.slack.blocks.text import MAX_BUTTON_TEXT, Block, plain

ACKNOWLEDGE = "feedback.acknowledge"
CHALLENGE = "feedback.challenge"
VIEW_FULL = "feedback.view_full"
UPHOLD = "challenge.uphold"
AMEND = "challenge.amend"
COMMENT = "challenge.comment"  # the marking inspector's comment, on the feedback ("f")
NAME_DECIDER = "challenge.name_decider"  # a lead passes one challenge ("c") to an inspector

CHALLENGE_MODAL = "feedback.challenge_modal"
DECISION_MODAL = "challenge.decision_modal"
COMMENT_MODAL = "challenge.comment_modal"
DECIDER_MODAL = "challenge.decider_modal"

# Input blocks, each holding one element with action id INPUT_ACTION.
MARKS_BLOCK = "marks"
REASON_BLOCK = "reason"
NEW_MARK_BLOCK = "new_mark"
DECIDER_BLOCK = "decider"  # the email of the inspector a lead names
INPUT_ACTION = "value"

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_KINDS = {"f", "c"}
_DECISIONS = {"upheld", "amended"}


@dataclass(frozen=True)
class Target:
    """What a button or modal acts on: a feedback ("f") or a challenge ("c")."""

    kind: str
    id: int


@dataclass(frozen=True)
class ModalOrigin:
    target: Target
    channel: str  # the message the modal was opened from, updated after the submission
    ts: str
    decision: str | None = None  # "upheld" or "amended", for the decision modal


@dataclass(frozen=True)
class Submission:
    question_ids: tuple[str, ...]
    option_code: str | None
    reason: str | None
    decider_email: str | None = None


def feedback_button(
    text: str, action_id: str, feedback_id: int, *, style: str | None = None
) -> Block:
    return _button(text, action_id, Target("f", feedback_id), style)


def challenge_button(
    text: str, action_id: str, challenge_id: int, *, style: str | None = None
) -> Block:
    return _button(text, action_id, Target("c", challenge_id), style)


def _button(text: str, action_id: str, target: Target, style: str | None) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain(text, MAX_BUTTON_TEXT),
        "value": encode_target(target),
    }
    if style is not None:
        element["style"] = style
    return element


def encode_target(target: Target) -> str:
    if target.kind not in _KINDS or target.id < 1:
        raise ValueError(f"bad target {target!r}")
    return json.dumps({target.kind: target.id}, separators=(",", ":"))


def decode_target(raw: object, kind: str) -> Target:
    data = _object(raw, 150)
    value = data.get(kind)
    if set(data) != {kind} or type(value) is not int or value < 1:
        raise StaleOrMalformedAction(refusals.BUTTON_WITHOUT_TARGET)
    return Target(kind, value)


def read_target(action: Mapping[str, Any], kind: str) -> Target:
    return decode_target(action.get("value"), kind)


def encode_origin(origin: ModalOrigin) -> str:
    data: dict[str, Any] = {
        origin.target.kind: origin.target.id,
        "channel": origin.channel,
        "ts": origin.ts,
    }
    if origin.decision is not None:
        data["d"] = origin.decision
    return json.dumps(data, separators=(",", ":"))


def decode_origin(raw: object, kind: str) -> ModalOrigin:
    data = _object(raw, 3000)
    target = decode_target(json.dumps({kind: data.pop(kind, None)}), kind)
    channel, ts, decision = data.pop("channel", ""), data.pop("ts", ""), data.pop("d", None)
    if data or not isinstance(channel, str) or not isinstance(ts, str) or len(channel) > 64:
        raise StaleOrMalformedAction(refusals.FORM_NOT_OURS)
    if decision is not None and decision not in _DECISIONS:
        raise StaleOrMalformedAction(refusals.UNKNOWN_DECISION)
    return ModalOrigin(target, channel, ts, decision)


def read_form(view: Mapping[str, Any]) -> Submission:
    """The challenge or decision modal's inputs; blank ones read as None or nothing."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, Mapping) else None
    if not isinstance(values, Mapping):
        raise StaleOrMalformedAction(refusals.NO_INPUT_VALUES)

    def element(block_id: str) -> Mapping[str, Any]:
        block = values.get(block_id)
        found = block.get(INPUT_ACTION) if isinstance(block, Mapping) else None
        return found if isinstance(found, Mapping) else {}

    picked = element(MARKS_BLOCK).get("selected_options") or []
    codes = tuple(o.get("value") for o in picked if isinstance(o, Mapping))
    chosen = element(NEW_MARK_BLOCK).get("selected_option")
    code = chosen.get("value") if isinstance(chosen, Mapping) else None
    if not all(isinstance(c, str) and _CODE.match(c) for c in (*codes, code or "x")):
        raise StaleOrMalformedAction(refusals.CHOICE_NOT_OFFERED)
    reason = element(REASON_BLOCK).get("value")
    email = element(DECIDER_BLOCK).get("value")
    return Submission(
        question_ids=tuple(str(c) for c in codes),
        option_code=code,
        reason=(reason.strip() or None) if isinstance(reason, str) else None,
        decider_email=(email.strip().lower() or None) if isinstance(email, str) else None,
    )


def _object(raw: object, max_length: int) -> dict[str, Any]:
    if not isinstance(raw, str) or len(raw) > max_length:
        raise StaleOrMalformedAction(refusals.NO_READABLE_VALUE)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        raise StaleOrMalformedAction(refusals.VALUE_NOT_JSON) from None
    if not isinstance(data, dict):
        raise StaleOrMalformedAction(refusals.VALUE_NOT_OURS)
    return data
