"""Text for Block Kit: Slack's length limits, mrkdwn escaping, local dates, and text blocks.

Every renderer builds its words through these helpers, so an over-long question, guidance or
reason is shortened with an ellipsis instead of making Slack reject the whole payload.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

from bot.slack.mrkdwn import escape

Block: TypeAlias = dict[str, Any]

# Limits from Slack's Block Kit reference (docs.slack.dev/reference/block-kit).
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_CONTEXT_TEXT = 2000  # Slack gives no figure of its own; kept well inside 3000
MAX_BUTTON_TEXT = 75
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_ACTIONS_ELEMENTS = 25
MAX_OVERFLOW_OPTIONS = 5
MAX_VIEW_TITLE = 24  # also the modal's submit and close buttons
MAX_CONFIRM_TITLE = 100
MAX_CONFIRM_TEXT = 300
MAX_CONFIRM_BUTTON = 30
MAX_INPUT_LABEL = 2000
MAX_INPUT_HINT = 2000
MAX_PLACEHOLDER = 150
MAX_INPUT_VALUE = 3000
MAX_FALLBACK_TEXT = 3000  # of the 40,000 Slack allows: notifications show only a line anyway

ELLIPSIS = "…"

REVIEW_TYPE_LABELS = {
    "early_advice": "Early advice",
    "pre_charge_decision": "Pre-charge decision",
}

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending in an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def cut_mrkdwn(text: str, limit: int) -> str:
    """Like ``truncate``, but never leaves half an ``&amp;``-style entity behind."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + ELLIPSIS


def esc(text: str, limit: int) -> str:
    """Escaped for mrkdwn and cut to ``limit`` characters of mrkdwn."""
    return cut_mrkdwn(escape(text), limit)


def quote(text: str, limit: int) -> str:
    """A mrkdwn block quote of plain ``text``, at most ``limit`` characters in all."""
    lines = escape(text).splitlines() or [""]
    return cut_mrkdwn("\n".join(f">{line}" for line in lines), limit)


def review_type_label(review_type: str) -> str:
    try:
        return REVIEW_TYPE_LABELS[review_type]
    except KeyError:
        raise ValueError(f"Unknown review type {review_type!r}.") from None


def format_local(moment: datetime, timezone: str) -> str:
    """E.g. "Tue 24 Nov 2026, 14:00" in ``timezone``; English names whatever the locale."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("A date to show must be timezone-aware.")
    local = moment.astimezone(ZoneInfo(timezone))
    return (
        f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}, "
        f"{local:%H:%M}"
    )


def format_duration(span: timedelta) -> str:
    """A rough, readable length of time: "3 days", "1 day", "5 hours", "less than an hour"."""
    days, hours = span.days, span.seconds // 3600
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}"
    if hours >= 1:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return "less than an hour"


def percentage(score: float) -> str:
    """A score in [0, 1] as a percentage with one decimal, e.g. "72.5%"."""
    return f"{score * 100:.1f}%"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def plain(text: str, limit: int) -> dict[str, str]:
    return {"type": "plain_text", "text": truncate(text, limit) or " "}


def mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, str]:
    """A mrkdwn text object from text that is already escaped."""
    return {"type": "mrkdwn", "text": cut_mrkdwn(text, limit) or " "}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, MAX_HEADER_TEXT)}


def section(text: str, *, accessory: Block | None = None) -> Block:
    """A section from already-escaped mrkdwn."""
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields_section(pairs: list[tuple[str, str]]) -> Block:
    """A two-column section of "*label*\\nvalue" fields; labels and values are plain words."""
    fields = []
    for label, value in pairs[:MAX_FIELDS]:
        title = f"*{esc(label, 100)}*\n"
        fields.append(mrkdwn(title + esc(value, MAX_FIELD_TEXT - len(title)), MAX_FIELD_TEXT))
    return {"type": "section", "fields": fields}


def context(*texts: str) -> Block:
    """A context line from already-escaped mrkdwn pieces."""
    return {"type": "context", "elements": [mrkdwn(t, MAX_CONTEXT_TEXT) for t in texts[:10]]}


def divider() -> Block:
    return {"type": "divider"}


def message(fallback: str, blocks: list[Block]) -> dict[str, Any]:
    """A chat.postMessage / chat.update body: ``text`` is what notifications show."""
    return {"text": truncate(fallback, MAX_FALLBACK_TEXT), "blocks": blocks}
