"""What every Web API method handler gets, and the helpers they share."""

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.offline.standin.records import Violation
from bot.offline.standin.state import StandInState

Answer = dict[str, Any]

# Elements Slack gives an action_id to when the app left it out.
_NOT_INTERACTIVE = frozenset({"image", "plain_text", "mrkdwn"})


@dataclass(frozen=True)
class Ctx:
    state: StandInState
    base_url: str  # ends with "/"

    def refuse(
        self, method: str, params: Mapping[str, Any], errors: list[str], error: str
    ) -> Answer:
        """Record a payload Slack would have refused, and answer as Slack does."""
        self.state.record_violation(Violation(method=method, errors=errors, params=dict(params)))
        return {"ok": False, "error": error, "errors": errors}


def fail(error: str) -> Answer:
    return {"ok": False, "error": error}


def json_arg(value: Any) -> Any:
    """Form-encoded calls carry blocks, view and files as JSON strings."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def with_ids(ctx: Ctx, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A copy of ``blocks`` where every block has a block_id and every interactive
    element an action_id, made up as Slack does when the app gives none."""
    blocks = copy.deepcopy(blocks)
    taken = {b["block_id"] for b in blocks if isinstance(b.get("block_id"), str)}
    for block in blocks:
        if not isinstance(block.get("block_id"), str):
            block_id = ctx.state.short_id()
            while block_id in taken:
                block_id = ctx.state.short_id()
            block["block_id"] = block_id
            taken.add(block_id)
        for element in _interactive_elements(block):
            if not isinstance(element.get("action_id"), str):
                element["action_id"] = ctx.state.short_id()
    return blocks


def _interactive_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    kind = block.get("type")
    found: list[Any] = []
    if kind == "actions":
        found = list(block.get("elements") or [])
    elif kind == "section" and block.get("accessory") is not None:
        found = [block["accessory"]]
    elif kind == "input" and block.get("element") is not None:
        found = [block["element"]]
    return [e for e in found if isinstance(e, dict) and e.get("type") not in _NOT_INTERACTIVE]
