"""One log line per Slack request, over HTTP or Socket Mode: its kind, action, who sent it, the
answer and how long it took. Never the body: it can hold URNs, names and what was typed."""

from __future__ import annotations

import json
import logging
from typing import Any, NamedTuple
from urllib.parse import parse_qs

log = logging.getLogger("bot.requests")


class Seen(NamedTuple):
    kind: str
    action: str
    user: str


def described(body: bytes) -> Seen:
    """The kind, action and user id of a request body; kind "unreadable" for one that is not
    what Slack sends."""
    try:
        text = body.decode("utf-8")
        if text.lstrip().startswith("{"):
            return Seen(*_event(json.loads(text)))
        form = parse_qs(text)
        if "payload" in form:
            return Seen(*_interaction(json.loads(form["payload"][0])))
        if "command" in form:
            return Seen("command", form["command"][0], form.get("user_id", [""])[0])
        if "ssl_check" in form:
            return Seen("ssl_check", "", "")
    except (ValueError, RecursionError, AttributeError, KeyError, IndexError, TypeError):
        pass
    return Seen("unreadable", "", "")


def described_envelope(envelope_type: str, payload: dict[str, Any]) -> Seen:
    """The same for a Socket Mode envelope, whose payload is already decoded."""
    try:
        if envelope_type == "events_api":
            return Seen(*_event(payload))
        if envelope_type == "interactive":
            return Seen(*_interaction(payload))
        if envelope_type == "slash_commands":
            return Seen("command", str(payload.get("command", "")), str(payload.get("user_id", "")))
    except (AttributeError, KeyError, IndexError, TypeError):
        pass
    return Seen("unreadable", "", "")


def _event(envelope: dict[str, Any]) -> tuple[str, str, str]:
    event = envelope.get("event") or {}
    return str(envelope.get("type", "")), str(event.get("type", "")), str(event.get("user", ""))


def _interaction(payload: dict[str, Any]) -> tuple[str, str, str]:
    actions = payload.get("actions") or [{}]
    action = actions[0].get("action_id") or (payload.get("view") or {}).get("callback_id") or ""
    return str(payload.get("type", "")), str(action), str((payload.get("user") or {}).get("id", ""))


def record(seen: Seen, status: str, seconds: float) -> None:
    kind, action, user = (_safe(value) for value in seen)
    log.info(
        "slack request kind=%s action=%s user=%s status=%s ms=%.1f",
        kind,
        action,
        user,
        status,
        seconds * 1000,
    )


def _safe(value: str) -> str:
    """What an unauthenticated body says, made fit for one log line: the characters of ids and
    action names only (no line breaks to forge a line with), and not too long."""
    kept = "".join(c if c.isascii() and (c.isalnum() or c in "._:/-") else "?" for c in value)
    return kept[:60]
