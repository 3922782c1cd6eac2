"""Block Kit rendering: pure functions from view models to Slack message, modal and home payloads.

Messages come back as ``{"text": fallback, "blocks": [...]}``, ready for chat.postMessage or
chat.update; modals and the Home tab as a complete view object. Nothing here calls Slack or
reads the database. The interaction protocol the listeners match on is in ``actions``.
"""

from bot.slack.blocks.actions import (
    ActionValue,
    Click,
    ModalContext,
    ModalSubmission,
    StaleOrMalformedAction,
    decode_metadata,
    decode_value,
    encode_metadata,
    encode_value,
    ensure_current,
    modal_errors,
    read_click,
    read_submission,
)
from bot.slack.blocks.assignment import (
    assignment_message,
    decline_modal,
    escalation_message,
    reminder_message,
    unassigned_alert,
)
from bot.slack.blocks.home import home_view, queue_message
from bot.slack.blocks.prompts import answer_modal, paused_card, question_card
from bot.slack.blocks.summary import submitted_card, summary_card
from bot.slack.blocks.viewmodels import (
    AssignmentCard,
    PausedCard,
    QuestionCard,
    QueueItem,
    ReviewInfo,
    SubmittedCard,
    SummaryCard,
    SummaryRow,
)

__all__ = [
    "ActionValue",
    "AssignmentCard",
    "Click",
    "ModalContext",
    "ModalSubmission",
    "PausedCard",
    "QuestionCard",
    "QueueItem",
    "ReviewInfo",
    "StaleOrMalformedAction",
    "SubmittedCard",
    "SummaryCard",
    "SummaryRow",
    "answer_modal",
    "assignment_message",
    "decline_modal",
    "decode_metadata",
    "decode_value",
    "encode_metadata",
    "encode_value",
    "ensure_current",
    "escalation_message",
    "home_view",
    "modal_errors",
    "paused_card",
    "question_card",
    "queue_message",
    "read_click",
    "read_submission",
    "reminder_message",
    "submitted_card",
    "summary_card",
    "unassigned_alert",
]
