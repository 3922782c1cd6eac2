"""One log line per Slack request: its kind, action, who sent it, the answer and how long it
took. Never the body: it can hold URNs, names and what was typed."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs

log = logging.getLogger("bot.requests")


def described(body: bytes) -> tuple[str, str, str]:
    """(kind, action, user id) of a request body, or ("unreadable", "", "") for one that is
    not what Slack sends."""
    try:
        text = body.decode("utf-8")
        if text.lstrip().startswith("{"):
            return _event(json.loads(text))
        form = parse_qs(text)
        if "payload" in form:
            return _interaction(json.loads(form["payload"][0]))
        if "command" in form:
            return "command", form["command"][0], form.get("user_id", [""])[0]
    except (ValueError, RecursionError, AttributeError, KeyError, IndexError, TypeError):
        pass
    return "unreadable", "", ""


def _event(envelope: dict[str, Any]) -> tuple[str, str, str]:
    event = envelope.get("event") or {}
    return str(envelope.get("type", "")), str(event.get("type", "")), str(event.get("user", ""))


def _interaction(payload: dict[str, Any]) -> tuple[str, str, str]:
    actions = payload.get("actions") or [{}]
    action = actions[0].get("action_id") or (payload.get("view") or {}).get("callback_id") or ""
    return str(payload.get("type", "")), str(action), str((payload.get("user") or {}).get("id", ""))


def record(body: bytes, status: str, seconds: float) -> None:
    kind, action, user = described(body)
    log.info(
        "slack request kind=%s action=%s user=%s status=%s ms=%.1f",
        kind,
        action,
        user,
        status,
        seconds * 1000,
    )
