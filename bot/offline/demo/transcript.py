"""What each person received in Slack, rendered readably from the real Block Kit payloads the
stand-in recorded, with the demo-clock time each message first appeared."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.offline.demo.cast import Member
from bot.offline.standin import SlackStandIn

_LINK = re.compile(r"<(?:[^|>]*)\|([^>]*)>")  # <url|text> and <!date^…|fallback>
_BARE_LINK = re.compile(r"<([^>|]*)>")


class Transcript:
    def __init__(self, standin: SlackStandIn, people: Sequence[Member], tz: ZoneInfo) -> None:
        self.standin, self.people, self.tz = standin, people, tz
        self.first_seen: dict[tuple[str, str], datetime] = {}
        self.files_seen: dict[str, datetime] = {}

    def note(self, now: datetime) -> None:
        """Stamps every message and file that appeared since the last note with ``now``."""
        for person in self.people:
            for message in self.standin.messages_to(person.slack_id):
                self.first_seen.setdefault((message.channel, message.ts), now)
        for stored in self.standin.files:
            self.files_seen.setdefault(stored.id, now)

    def for_person(self, person: Member, *, max_lines: int | None = None) -> list[str]:
        channel = self.standin.dm_channel(person.slack_id)
        lines = [f"{person.name} ({person.roles}, {person.area})"]
        messages = self.standin.messages_to(person.slack_id)
        if not messages:
            lines.append("    (nothing)")
        for message in messages:
            when = self.first_seen.get((message.channel, message.ts))
            stamp = when.astimezone(self.tz).strftime("%a %d %b %H:%M") if when else "?"
            edited = f" (updated {message.edits}x)" if message.edits else ""
            lines.append(f"  [{stamp}] {message.text}{edited}")
            body = render_blocks(message.blocks)
            if max_lines is not None and len(body) > max_lines:
                body = [*body[:max_lines], f"… {len(body) - max_lines} more lines"]
            lines += [f"      {line}" for line in body]
        for stored in self.standin.files:
            if stored.channel == channel:
                lines.append(f"  [file] {stored.filename} ({len(stored.content):,} bytes)")
        return lines

    def render(self, *, max_lines: int | None = None) -> str:
        sections = ["\n".join(self.for_person(p, max_lines=max_lines)) for p in self.people]
        return "\n\n".join(sections) + "\n"


def render_blocks(blocks: Iterable[Mapping[str, Any]]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        lines += _render_block(block)
    return [line for line in lines if line.strip()]


def _render_block(block: Mapping[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return [f"== {plain(block['text'])} =="]
    if kind == "divider":
        return ["-" * 40]
    if kind == "section":
        lines = plain(block.get("text")).splitlines()
        fields = [plain(f).replace("\n", " ") for f in block.get("fields", [])]
        lines += ["  ".join(fields[i : i + 2]) for i in range(0, len(fields), 2)]
        if accessory := block.get("accessory"):
            lines.append(_element(accessory))
        return lines
    if kind == "context":
        return [" · ".join(plain(e) for e in block.get("elements", []) if "text" in e)]
    if kind == "actions":
        return ["  ".join(_element(e) for e in block.get("elements", []))]
    if kind == "input":
        return [f"{plain(block.get('label'))}: ________"]
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    return [f"[{kind} block]"]


def _element(element: Mapping[str, Any]) -> str:
    kind = element.get("type")
    if kind == "button":
        return f"[{plain(element['text'])}]"
    if kind == "overflow":
        return "[⋯ " + " | ".join(plain(o["text"]) for o in element.get("options", [])) + "]"
    if "placeholder" in element:
        return f"[{plain(element['placeholder'])} ▾]"
    return f"[{kind}]"


def plain(text: Any) -> str:
    """A text object (or string) as a reader sees it: links and dates by their label, bold
    and italic markers dropped."""
    if text is None:
        return ""
    raw = text.get("text", "") if isinstance(text, Mapping) else str(text)
    raw = _LINK.sub(r"\1", raw)
    raw = _BARE_LINK.sub(r"\1", raw)
    raw = re.sub(r"(?<![\w*])\*(\S(?:[^*\n]*\S)?)\*(?![\w*])", r"\1", raw)
    raw = re.sub(r"(?<![\w_])_(\S(?:[^_\n]*\S)?)_(?![\w_])", r"\1", raw)
    return raw.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
