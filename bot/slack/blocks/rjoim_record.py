"""The interaction protocol of the RJOIM record: its buttons, the four modals (meeting, issue,
action, impact) and what their submissions hold (the panel and messages are in
bot.slack.blocks.rjoim_home). Button values and modal metadata are ``{"m": meeting id}`` (or
``{}`` for a new meeting); anything else raises StaleOrMalformedAction."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bot import refusals
from bot.slack.blocks.actions import StaleOrMalformedAction
from bot.slack.blocks.text import (
    MAX_BUTTON_TEXT,
    MAX_OPTION_TEXT,
    Block,
    esc,
    plain,
    section,
)
from inspections.forces import FORCES
from inspections.rjoim_record import AGENCIES, ATTENDEE_ROLES
from inspections.rjoim_themes import THEMES

if TYPE_CHECKING:
    from bot.slack.blocks.rjoim_home import OpenAction

RECORD_MEETING = "rjoim.record_meeting"
ADD_ISSUE = "rjoim.add_issue"
ADD_ACTION = "rjoim.add_action"
RECORD_IMPACT = "rjoim.record_impact"
SEND_RECORDS = "rjoim.send_records"
MEETING_MODAL = "rjoim.meeting_modal"
ISSUE_MODAL = "rjoim.issue_modal"
ACTION_MODAL = "rjoim.action_modal"
IMPACT_MODAL = "rjoim.impact_modal"
VALUE = "value"  # the action id of every input
# Block ids
AREA, FORCE, HELD_ON, NEXT_ON, ATTENDEES, URNS = (
    "area",
    "force",
    "held_on",
    "next_on",
    "attendees",
    "urns",
)
THEME, URN, DESCRIPTION = "theme", "urn", "description"
AGENCY, OWNER, POLICE_OWNER, DUE_ON = "agency", "owner", "police_owner", "due_on"
ACTION, DONE, EFFECT, EVIDENCE = "action", "done", "effect", "evidence"


def encode(meeting_id: int | None) -> str:
    return json.dumps({} if meeting_id is None else {"m": meeting_id}, separators=(",", ":"))


def decode(raw: object) -> int | None:
    try:
        data = json.loads(raw) if isinstance(raw, str) and len(raw) <= 100 else None
    except ValueError:
        data = None
    if data == {}:
        return None
    value = data.get("m") if isinstance(data, dict) else None
    if not isinstance(data, dict) or set(data) != {"m"} or type(value) is not int or value < 1:
        raise StaleOrMalformedAction(refusals.BUTTON_WITHOUT_TARGET)
    return value


def button(text: str, action_id: str, meeting_id: int | None, *, primary: bool = False) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain(text, MAX_BUTTON_TEXT),
        "value": encode(meeting_id),
    }
    if primary:
        element["style"] = "primary"
    return element


def _options(pairs: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"text": plain(label, MAX_OPTION_TEXT), "value": code} for code, label in pairs[:100]]


def _select(
    block_id: str, label: str, pairs: Sequence[tuple[str, str]], *, initial: str | None = None
) -> Block:
    options = _options(pairs)
    element: Block = {"type": "static_select", "action_id": VALUE, "options": options}
    chosen = [o for o in options if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element}


def _text(
    block_id: str,
    label: str,
    *,
    multiline: bool = False,
    hint: str | None = None,
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        # Optional to Slack: an empty one reaches the app, which says what is missing.
        "optional": True,
        "element": {
            "type": "plain_text_input",
            "action_id": VALUE,
            "multiline": multiline,
            "max_length": 3000,
        },
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _date(block_id: str, label: str) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "optional": True,
        "element": {"type": "datepicker", "action_id": VALUE},
    }


def _modal(
    callback_id: str, title: str, meeting_id: int | None, blocks: list[Block]
) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": encode(meeting_id),
        "title": plain(title, 24),
        "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "blocks": blocks,
    }


def meeting_modal(areas: Sequence[str], own_area: str) -> dict[str, Any]:
    roles = "; ".join(ATTENDEE_ROLES)
    return _modal(
        MEETING_MODAL,
        "Record an RJOIM",
        None,
        [
            _select(AREA, "Area", [(a, a) for a in areas], initial=own_area),
            _select(FORCE, "Police force", [(c, f"{n} ({c})") for c, n in FORCES.items()]),
            _date(HELD_ON, "Held on"),
            _date(NEXT_ON, "Next meeting (if set)"),
            _text(
                ATTENDEES,
                "Attendees, one per line as role: name",
                multiline=True,
                hint=f"Roles: {roles}",
            ),
            _text(URNS, "URNs of the cases discussed", multiline=True),
        ],
    )


def issue_modal(meeting_id: int, title: str) -> dict[str, Any]:
    return _modal(
        ISSUE_MODAL,
        "Add an issue",
        meeting_id,
        [
            section(esc(title, 500)),
            _select(
                THEME,
                "Theme (Annual Rape Scrutiny Report)",
                [(t.code, f"{t.section} {t.label}") for t in THEMES],
            ),
            _text(URN, "URN of the case it was raised on (if one)"),
            _text(DESCRIPTION, "The issue raised", multiline=True),
        ],
    )


def action_modal(meeting_id: int, title: str) -> dict[str, Any]:
    owner: Block = {
        "type": "input",
        "block_id": OWNER,
        "label": plain("Owner (someone in the directory)", 2000),
        "optional": True,
        "element": {"type": "users_select", "action_id": VALUE},
    }
    return _modal(
        ACTION_MODAL,
        "Add an action",
        meeting_id,
        [
            section(esc(title, 500)),
            _text(DESCRIPTION, "The action agreed", multiline=True),
            _select(AGENCY, "Agency", list(AGENCIES.items())),
            owner,
            _text(POLICE_OWNER, "Or, for a police action: the police officer who owns it"),
            _date(DUE_ON, "Due on"),
        ],
    )


def impact_modal(meeting_id: int, title: str, actions: Sequence[OpenAction]) -> dict[str, Any]:
    pairs = [(str(a.action_id), f"{a.due_on.isoformat()} {a.description}") for a in actions]
    return _modal(
        IMPACT_MODAL,
        "Record impact",
        meeting_id,
        [
            section(esc(title, 500)),
            _select(ACTION, "Action agreed at an earlier meeting", pairs),
            _select(DONE, "Was it done?", [("yes", "Done"), ("no", "Not done")]),
            _text(EFFECT, "Effect observed", multiline=True),
            _text(EVIDENCE, "Evidence", multiline=True),
        ],
    )


def read_form(view: Mapping[str, Any]) -> tuple[int | None, dict[str, str | None]]:
    """The modal's meeting id and each input's value (a select's option value, a date as
    YYYY-MM-DD, a user's Slack id), None when empty."""
    meeting_id = decode(view.get("private_metadata"))
    state = view.get("state")
    values = state.get("values") if isinstance(state, Mapping) else None
    if not isinstance(values, Mapping):
        raise StaleOrMalformedAction(refusals.NO_INPUT_VALUES)
    form: dict[str, str | None] = {}
    for block_id, block in values.items():
        element = block.get(VALUE) if isinstance(block, Mapping) else None
        if not isinstance(element, Mapping):
            continue
        found: object = None
        if isinstance(element.get("selected_option"), Mapping):
            found = element["selected_option"].get("value")
        for key in ("value", "selected_date", "selected_user"):
            if element.get(key) is not None:
                found = element.get(key)
        form[str(block_id)] = found if isinstance(found, str) and found.strip() else None
    return meeting_id, form


def where_problems_go(
    problems: Sequence[str], blocks: Mapping[str, Sequence[str]], default: str
) -> dict[str, str]:
    """Each problem under the input it is about (the first block whose words it contains)."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        lower = problem.lower()
        target = next((b for b, words in blocks.items() if any(w in lower for w in words)), default)
        errors.setdefault(target, []).append(problem)
    return {block: " ".join(found)[:2000] for block, found in errors.items()}
