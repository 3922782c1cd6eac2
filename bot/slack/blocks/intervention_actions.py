"""The interaction protocol of interventions: action ids, the button value (``{"a": id}``),
the outcome modal and what its submission holds. Anything that does not decode exactly so
raises StaleOrMalformedAction."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot import refusals
from bot.slack.blocks.actions import StaleOrMalformedAction
from bot.slack.blocks.text import MAX_BUTTON_TEXT, Block, esc, plain, section

ACKNOWLEDGE = "intervention.acknowledge"
RECORD = "intervention.record"
OUTCOME_MODAL = "intervention.outcome_modal"
OUTCOME_BLOCK, ACTION_BLOCK, INPUT_ACTION = "outcome", "action", "value"


@dataclass(frozen=True)
class OutcomeForm:
    outcome: str | None
    action_taken: str


def button(text: str, action_id: str, alert_id: int, *, primary: bool = False) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain(text, MAX_BUTTON_TEXT),
        "value": encode(alert_id),
    }
    if primary:
        element["style"] = "primary"
    return element


def encode(alert_id: int) -> str:
    return json.dumps({"a": alert_id}, separators=(",", ":"))


def decode(raw: object) -> int:
    try:
        data = json.loads(raw) if isinstance(raw, str) and len(raw) <= 100 else None
    except ValueError:
        data = None
    value = data.get("a") if isinstance(data, dict) else None
    if not isinstance(data, dict) or set(data) != {"a"} or type(value) is not int or value < 1:
        raise StaleOrMalformedAction(refusals.BUTTON_WITHOUT_TARGET)
    return value


def outcome_modal(alert_id: int, urn: str, outcomes: Mapping[str, str]) -> dict[str, Any]:
    options = [
        {"text": plain(label, 75), "value": code} for code, label in list(outcomes.items())[:100]
    ]
    return {
        "type": "modal",
        "callback_id": OUTCOME_MODAL,
        "private_metadata": encode(alert_id),
        "title": plain("Record what was done", 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            section(f"The alert on *{esc(urn, 60)}*. Saving closes it for everyone told."),
            {
                "type": "input",
                "block_id": OUTCOME_BLOCK,
                "label": plain("Outcome", 2000),
                "element": {
                    "type": "static_select",
                    "action_id": INPUT_ACTION,
                    "options": options,
                },
            },
            {
                "type": "input",
                "block_id": ACTION_BLOCK,
                "label": plain("What was done", 2000),
                "optional": True,  # an empty one reaches the app, which says what is missing
                "element": {
                    "type": "plain_text_input",
                    "action_id": INPUT_ACTION,
                    "multiline": True,
                    "max_length": 3000,
                },
            },
        ],
    }


def read_outcome_form(view: Mapping[str, Any]) -> tuple[int, OutcomeForm]:
    alert_id = decode(view.get("private_metadata"))
    state = view.get("state")
    values = state.get("values") if isinstance(state, Mapping) else None
    if not isinstance(values, Mapping):
        raise StaleOrMalformedAction(refusals.NO_INPUT_VALUES)

    def element(block_id: str) -> Mapping[str, Any]:
        block = values.get(block_id)
        found = block.get(INPUT_ACTION) if isinstance(block, Mapping) else None
        return found if isinstance(found, Mapping) else {}

    selected = element(OUTCOME_BLOCK).get("selected_option")
    outcome = selected.get("value") if isinstance(selected, Mapping) else None
    action = element(ACTION_BLOCK).get("value")
    return alert_id, OutcomeForm(
        outcome if isinstance(outcome, str) else None, action if isinstance(action, str) else ""
    )
