"""Every refusal and error a Slack user can see from the commands, the Home tab and declining.

Gathered in one place (as bolt-python gathers its error strings) so the wording stays
consistent and polite, and a test can refer to the exact sentence.
"""

from __future__ import annotations

from bot.blocks.text import escape

NOT_IN_DIRECTORY = (
    "Sorry, you are not in the dipsample directory, so I can't help with that. "
    "If you think you should be, please ask your inspection lead to add you."
)
NOT_IN_DIRECTORY_HOME = (
    "dipsample helps the casework inspection programme, and only people in its directory "
    "can use it. You are not in the directory yet: if you think you should be, please ask "
    "your inspection lead to add you."
)
NOT_YOUR_INSPECTION = "Sorry, only the inspector assigned to this review can do that."
NOTHING_TO_DECLINE = "This inspection is no longer waiting for you, so there is nothing to decline."
DECLINE_NEEDS_REASON = "Please say why you are declining."
ALREADY_DECLINED = "You have already declined this inspection; nothing more to do."
CHANGED_MEANWHILE = (
    "This inspection changed at the same moment; nothing was changed. Please try again."
)
UNREADABLE = "Sorry, I couldn't read that request; nothing was changed."
QUEUE_SENT_TO_DM = "Your open inspections are in our direct messages (case details stay there)."


def unknown_subcommand(subcommand: str) -> str:
    return f"I don't know `/dip {escape(subcommand)}`. Here is what I can do:"


AWAY_USAGE = (
    "Usage: `/dip away FROM TO [reason]`, with dates as YYYY-MM-DD, "
    "for example `/dip away 2026-12-21 2027-01-04 annual leave`."
)


def away_bad_date(value: str) -> str:
    return f"`{escape(value)}` is not a date I can read. {AWAY_USAGE}"


def away_rejected(problem: str) -> str:
    return f"Sorry, I couldn't record that: {escape(problem)}. Nothing was recorded."
