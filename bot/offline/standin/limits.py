"""Block Kit limits, checked the way Slack checks a payload before accepting it.

The numbers come from Slack's reference pages (docs.slack.dev/reference/block-kit and
/reference/views): 50 blocks in a message and 100 in a modal or Home tab, section text 3000
and each of at most 10 fields 2000, header 150, button text 75 and value 2000, block_id and
action_id 255, context 10 elements, actions 25 elements, modal title/submit/close 24,
private_metadata 3000, option text 75 and value 150, and message text 40,000. On top of our
own checks every block and view goes through slack_sdk's models (``to_dict()`` runs
``validate_json()`` at every level), which also cover confirm dialogs, inputs and images.

Each error ends with a ``[json-pointer:/...]`` naming the offending field, as Slack's own
``invalid_blocks`` errors do.
"""

from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_SECTION_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_URL = 3000
MAX_ID = 255
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_INPUT_LABEL = 2000
MAX_VIEW_BUTTON_TEXT = 24
MAX_PRIVATE_METADATA = 3000
MAX_OPTIONS = 100
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150

_TEXT_TYPES = ("plain_text", "mrkdwn")


def message_errors(params: Mapping[str, Any]) -> list[str]:
    """Errors in a chat.postMessage / chat.update / chat.postEphemeral / respond() payload."""
    errors: list[str] = []
    text = params.get("text")
    if text is not None and not isinstance(text, str):
        errors.append("text must be a string [json-pointer:/text]")
    elif isinstance(text, str) and len(text) > MAX_MESSAGE_TEXT:
        errors.append(f"text must be at most {MAX_MESSAGE_TEXT} characters [json-pointer:/text]")
    if params.get("blocks") is not None:
        errors += blocks_errors(params["blocks"], limit=MAX_MESSAGE_BLOCKS, at="/blocks")
    return errors


def view_errors(view: Any) -> list[str]:
    """Errors in a modal or Home tab view object."""
    if not isinstance(view, Mapping):
        return ["view must be an object [json-pointer:/view]"]
    errors: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        errors.append("view type must be modal or home [json-pointer:/view/type]")
    blocks = view.get("blocks")
    if blocks is None:
        errors.append("view needs blocks [json-pointer:/view/blocks]")
    else:
        errors += blocks_errors(blocks, limit=MAX_VIEW_BLOCKS, at="/view/blocks")
    if kind == "modal":
        if view.get("title") is None:
            errors.append("a modal needs a title [json-pointer:/view/title]")
        for key in ("title", "submit", "close"):
            if view.get(key) is not None:
                errors += _text_errors(
                    view[key], MAX_VIEW_BUTTON_TEXT, f"/view/{key}", plain_only=True
                )
        has_input = isinstance(blocks, list) and any(
            isinstance(b, Mapping) and b.get("type") == "input" for b in blocks
        )
        if has_input and view.get("submit") is None:
            errors.append("a modal with input blocks needs submit [json-pointer:/view/submit]")
    _max_len(errors, view.get("private_metadata"), MAX_PRIVATE_METADATA, "/view/private_metadata")
    _max_len(errors, view.get("callback_id"), MAX_ID, "/view/callback_id")
    _max_len(errors, view.get("external_id"), MAX_ID, "/view/external_id")
    if not errors:
        errors += _sdk_view_errors(view)
    return errors


def blocks_errors(blocks: Any, *, limit: int, at: str) -> list[str]:
    """Errors in a list of blocks shown on one surface holding at most ``limit`` blocks."""
    if not isinstance(blocks, list):
        return [f"blocks must be an array [json-pointer:{at}]"]
    errors: list[str] = []
    if len(blocks) > limit:
        errors.append(f"no more than {limit} items allowed [json-pointer:{at}]")
    seen_block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"{at}/{index}"
        if not isinstance(block, Mapping):
            errors.append(f"block must be an object [json-pointer:{where}]")
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in seen_block_ids:
                errors.append(f"duplicate block_id {block_id!r} [json-pointer:{where}/block_id]")
            seen_block_ids.add(block_id)
        own = _block_errors(block, where)
        errors += own if own else _sdk_block_errors(block, where)
    return errors


def _block_errors(block: Mapping[str, Any], at: str) -> list[str]:
    errors: list[str] = []
    _max_len(errors, block.get("block_id"), MAX_ID, f"{at}/block_id")
    kind = block.get("type")
    if kind == "section":
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            errors.append(f"a section needs text or fields [json-pointer:{at}]")
        if text is not None:
            errors += _text_errors(text, MAX_SECTION_TEXT, f"{at}/text")
        if fields is not None:
            errors += _list_errors(fields, MAX_SECTION_FIELDS, f"{at}/fields")
            for i, field in enumerate(fields if isinstance(fields, list) else []):
                errors += _text_errors(field, MAX_SECTION_FIELD_TEXT, f"{at}/fields/{i}")
        if block.get("accessory") is not None:
            errors += _element_errors(block["accessory"], f"{at}/accessory")
    elif kind == "header":
        errors += _text_errors(block.get("text"), MAX_HEADER_TEXT, f"{at}/text", plain_only=True)
    elif kind == "context":
        errors += _list_errors(block.get("elements"), MAX_CONTEXT_ELEMENTS, f"{at}/elements")
    elif kind == "actions":
        elements = block.get("elements")
        errors += _list_errors(elements, MAX_ACTIONS_ELEMENTS, f"{at}/elements")
        seen_action_ids: set[str] = set()
        for i, element in enumerate(elements if isinstance(elements, list) else []):
            errors += _element_errors(element, f"{at}/elements/{i}")
            action_id = element.get("action_id") if isinstance(element, Mapping) else None
            if isinstance(action_id, str):
                if action_id in seen_action_ids:
                    errors.append(
                        f"duplicate action_id {action_id!r} [json-pointer:{at}/elements/{i}]"
                    )
                seen_action_ids.add(action_id)
    elif kind == "input":
        errors += _text_errors(block.get("label"), MAX_INPUT_LABEL, f"{at}/label", plain_only=True)
        if block.get("element") is None:
            errors.append(f"an input needs an element [json-pointer:{at}/element]")
        else:
            errors += _element_errors(block["element"], f"{at}/element")
    return errors


def _element_errors(element: Any, at: str) -> list[str]:
    if not isinstance(element, Mapping):
        return [f"element must be an object [json-pointer:{at}]"]
    errors: list[str] = []
    _max_len(errors, element.get("action_id"), MAX_ID, f"{at}/action_id")
    if element.get("type") == "button":
        errors += _text_errors(element.get("text"), MAX_BUTTON_TEXT, f"{at}/text", plain_only=True)
        _max_len(errors, element.get("value"), MAX_BUTTON_VALUE, f"{at}/value")
        _max_len(errors, element.get("url"), MAX_URL, f"{at}/url")
        style = element.get("style")
        if style is not None and style not in ("primary", "danger"):
            errors.append(f"style must be primary or danger [json-pointer:{at}/style]")
    options = element.get("options")
    if options is not None:
        errors += _list_errors(options, MAX_OPTIONS, f"{at}/options")
        for i, option in enumerate(options if isinstance(options, list) else []):
            errors += _option_errors(option, f"{at}/options/{i}")
    return errors


def _option_errors(option: Any, at: str) -> list[str]:
    if not isinstance(option, Mapping):
        return [f"option must be an object [json-pointer:{at}]"]
    errors = _text_errors(option.get("text"), MAX_OPTION_TEXT, f"{at}/text")
    if not isinstance(option.get("value"), str):
        errors.append(f"option needs a value [json-pointer:{at}/value]")
    else:
        _max_len(errors, option["value"], MAX_OPTION_VALUE, f"{at}/value")
    return errors


def _text_errors(obj: Any, limit: int, at: str, *, plain_only: bool = False) -> list[str]:
    if not isinstance(obj, Mapping):
        return [f"must be a text object [json-pointer:{at}]"]
    allowed = ("plain_text",) if plain_only else _TEXT_TYPES
    if obj.get("type") not in allowed:
        return [f"text type must be one of {', '.join(allowed)} [json-pointer:{at}/type]"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"must be more than 0 characters [json-pointer:{at}/text]"]
    if len(text) > limit:
        return [f"must be less than {limit + 1} characters [json-pointer:{at}/text]"]
    return []


def _list_errors(items: Any, limit: int, at: str) -> list[str]:
    if not isinstance(items, list) or not items:
        return [f"must be a non-empty array [json-pointer:{at}]"]
    if len(items) > limit:
        return [f"no more than {limit} items allowed [json-pointer:{at}]"]
    return []


def _max_len(errors: list[str], value: Any, limit: int, at: str) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        errors.append(f"must be a string [json-pointer:{at}]")
    elif len(value) > limit:
        errors.append(f"must be less than {limit + 1} characters [json-pointer:{at}]")


def _sdk_block_errors(block: Mapping[str, Any], at: str) -> list[str]:
    try:
        parsed = Block.parse(dict(block))
        if parsed is None:
            return [f"unsupported block type {block.get('type')!r} [json-pointer:{at}/type]"]
        parsed.to_dict()  # runs validate_json() on the block and everything inside it
    except SlackObjectFormationError as error:
        return [f"{error} [json-pointer:{at}]"]
    except (TypeError, KeyError, AttributeError, ValueError) as error:
        return [f"malformed block ({error}) [json-pointer:{at}]"]
    return []


def _sdk_view_errors(view: Mapping[str, Any]) -> list[str]:
    # validate_json() on the view checks its own fields only; the blocks were checked above.
    try:
        View(**dict(view)).validate_json()
    except SlackObjectFormationError as error:
        return [f"{error} [json-pointer:/view]"]
    except (TypeError, KeyError, AttributeError, ValueError) as error:
        return [f"malformed view ({error}) [json-pointer:/view]"]
    return []
