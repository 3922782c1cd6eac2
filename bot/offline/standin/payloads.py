"""The payloads Slack sends to an app, built from what the app actually posted.

Shapes follow Slack's reference for block_actions, view_submission, slash commands and the
Events API envelope, as seen in bolt-python's scenario tests.
"""

from collections.abc import Mapping
from typing import Any

from bot.offline.standin.records import Message, StoredView

VERIFICATION_TOKEN = "standin-verification-token"  # Slack's deprecated "token" field

_TEXT_INPUTS = ("plain_text_input", "email_text_input", "url_text_input", "number_input")
_ONE_OPTION = ("static_select", "external_select", "radio_buttons")
_MANY_OPTIONS = ("multi_static_select", "multi_external_select", "checkboxes")
# element type -> (state key, the element's initial-value key)
_PICKED = {
    "datepicker": ("selected_date", "initial_date"),
    "timepicker": ("selected_time", "initial_time"),
    "datetimepicker": ("selected_date_time", "initial_date_time"),
    "users_select": ("selected_user", "initial_user"),
    "multi_users_select": ("selected_users", "initial_users"),
    "conversations_select": ("selected_conversation", "initial_conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations"),
    "channels_select": ("selected_channel", "initial_channel"),
    "multi_channels_select": ("selected_channels", "initial_channels"),
    "rich_text_input": ("rich_text_value", "initial_value"),
}
_STATEFUL = (*_TEXT_INPUTS, *_ONE_OPTION, *_MANY_OPTIONS, *_PICKED)
_MISSING = object()


def find_button(
    blocks: list[dict[str, Any]],
    *,
    action_id: str | None,
    text: str | None,
    value: str | None,
) -> tuple[str, dict[str, Any]]:
    """(block_id, button) for the one button matching every criterion given."""
    buttons = [
        (str(block.get("block_id")), element)
        for block in blocks
        for element in _elements(block)
        if element.get("type") == "button"
    ]
    matches = [
        (block_id, b)
        for block_id, b in buttons
        if (action_id is None or b.get("action_id") == action_id)
        and (text is None or b.get("text", {}).get("text") == text)
        and (value is None or b.get("value") == value)
    ]
    if len(matches) == 1:
        return matches[0]
    wanted = f"action_id={action_id!r} text={text!r} value={value!r}"
    listing = "; ".join(
        f"{b.get('action_id')!r} {b.get('text', {}).get('text')!r} value={b.get('value')!r}"
        for _, b in buttons
    )
    problem = "no button matches" if not matches else f"{len(matches)} buttons match"
    raise LookupError(f"{problem} {wanted}; buttons there: {listing or 'none'}")


def action(block_id: str, button: Mapping[str, Any], action_ts: str) -> dict[str, Any]:
    """One entry of a block_actions payload's ``actions``."""
    entry: dict[str, Any] = {
        "type": "button",
        "action_id": button.get("action_id"),
        "block_id": block_id,
        "text": button.get("text"),
        "action_ts": action_ts,
    }
    for key in ("value", "style"):
        if key in button:
            entry[key] = button[key]
    return entry


def block_actions_on_message(
    common: Mapping[str, Any], message: Message, actions: list[dict[str, Any]], response_url: str
) -> dict[str, Any]:
    ephemeral = message.ephemeral_to is not None
    payload = {
        "type": "block_actions",
        **common,
        "container": {
            "type": "message",
            "message_ts": message.ts,
            "channel_id": message.channel,
            "is_ephemeral": ephemeral,
        },
        "channel": {"id": message.channel, "name": "directmessage"},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": actions,
    }
    if not ephemeral:  # Slack leaves the message out for ephemeral ones
        payload["message"] = message.to_api()
    return payload


def block_actions_on_view(
    common: Mapping[str, Any], view: StoredView, actions: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        **common,
        "container": {"type": "view", "view_id": view.id},
        "view": {**view.view, "state": {"values": state_values(view.blocks, {})}},
        "actions": actions,
    }


def view_submission(
    common: Mapping[str, Any], view: StoredView, values: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    return {
        "type": "view_submission",
        **common,
        "view": {**view.view, "state": {"values": state_values(view.blocks, values)}},
        "response_urls": [],
    }


def state_values(
    blocks: list[dict[str, Any]], given: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Slack's ``state.values`` for every stateful element, from {block_id: {action_id: v}}.

    Elements the user did not touch carry their initial value, or Slack's empty value."""
    elements = {
        (str(block.get("block_id")), str(element.get("action_id"))): element
        for block in blocks
        for element in _elements(block)
        if element.get("type") in _STATEFUL
    }
    unknown = [(b, a) for b, actions in given.items() for a in actions if (b, a) not in elements]
    if unknown:
        there = ", ".join(f"{b}/{a} ({e['type']})" for (b, a), e in elements.items())
        raise LookupError(f"no input {unknown} in the view; inputs there: {there or 'none'}")
    values: dict[str, dict[str, Any]] = {}
    for (block_id, action_id), element in elements.items():
        raw = given.get(block_id, {}).get(action_id, _MISSING)
        values.setdefault(block_id, {})[action_id] = _element_state(element, raw)
    return values


def _element_state(element: Mapping[str, Any], raw: Any) -> dict[str, Any]:
    kind = element["type"]
    if kind in _TEXT_INPUTS:
        value = element.get("initial_value") if raw is _MISSING else raw
        return {"type": kind, "value": None if value is None else str(value)}
    if kind in _ONE_OPTION:
        if raw is _MISSING:
            return {"type": kind, "selected_option": element.get("initial_option")}
        picked = None if raw is None else _option(element, str(raw))
        return {"type": kind, "selected_option": picked}
    if kind in _MANY_OPTIONS:
        if raw is _MISSING:
            return {"type": kind, "selected_options": element.get("initial_options", [])}
        return {"type": kind, "selected_options": [_option(element, str(v)) for v in raw]}
    key, initial = _PICKED[kind]
    return {"type": kind, key: element.get(initial) if raw is _MISSING else raw}


def _option(element: Mapping[str, Any], value: str) -> dict[str, Any]:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options += group.get("options") or []
    if not options and element["type"] in ("external_select", "multi_external_select"):
        return {"text": {"type": "plain_text", "text": value}, "value": value}
    for option in options:
        if option.get("value") == value:
            return dict(option)
    there = ", ".join(repr(o.get("value")) for o in options)
    raise LookupError(f"{element.get('action_id')!r} has no option {value!r}; options: {there}")


def _elements(block: Mapping[str, Any]) -> list[dict[str, Any]]:
    kind = block.get("type")
    if kind == "actions":
        return [e for e in block.get("elements") or [] if isinstance(e, dict)]
    if kind == "section" and isinstance(block.get("accessory"), dict):
        return [block["accessory"]]
    if kind == "input" and isinstance(block.get("element"), dict):
        return [block["element"]]
    return []
