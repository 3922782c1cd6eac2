"""Messages about an inspection before the questions: assignment, reminders, escalations."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.slack.blocks import actions
from bot.slack.blocks.actions import ActionValue, ModalContext, button
from bot.slack.blocks.text import (
    MAX_INPUT_HINT,
    MAX_INPUT_LABEL,
    MAX_INPUT_VALUE,
    Block,
    context,
    esc,
    escape,
    fields_section,
    format_duration,
    format_local,
    header,
    message,
    plain,
    review_type_label,
    section,
)
from bot.slack.blocks.viewmodels import AssignmentCard, QueueItem, ReviewInfo
from inspections.lifecycle import Status

_AFTER = {
    "declined": "You declined this inspection. Thank you for letting us know: "
    "the inspection lead will arrange another inspector.",
    "started": "You started this inspection. The questions follow in this conversation.",
}


def due_text(review: ReviewInfo) -> str:
    if review.due_at is None:
        return "Not set yet"
    return format_local(review.due_at, review.timezone)


FOR_CONSISTENCY = {
    "double": (
        "Blind second marking: mark this review as you would any other. Another inspector marks "
        "it too; neither of you sees the other's marks, and yours go to no lawyer: they are "
        "compared only to see how consistently the questions are marked."
    ),
    "calibration": (
        "Calibration exercise: several inspectors mark this same review, blind. Your marks go to "
        "no lawyer and count in no trend; once all are in (or the due time passes) you will see "
        "how everyone's marks compare, question by question, beside your own."
    ),
}


def review_fields(review: ReviewInfo) -> Block:
    return fields_section(
        [
            ("URN", review.urn),
            ("Review type", review_type_label(review.review_type)),
            ("Area", review.area),
            ("Lawyer", review.lawyer_name),
            ("Completed", format_local(review.completed_at, review.timezone)),
            ("Due", due_text(review)),
        ]
    )


def assignment_message(card: AssignmentCard) -> dict[str, Any]:
    review = card.review
    blocks: list[Block] = [header("New inspection")]
    if card.state == "offered":
        blocks.append(
            section(
                "You have been asked to inspect this review. "
                f"Please complete the inspection by *{escape(due_text(review))}*."
            )
        )
    blocks.append(review_fields(review))
    if review.purpose in FOR_CONSISTENCY:
        blocks.append(context(FOR_CONSISTENCY[review.purpose]))
    if card.state == "offered":
        value = ActionValue(card.inspection_id, card.card_version)
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    button("Start inspection", actions.START, value, style="primary"),
                    button("Decline", actions.DECLINE, value),
                ],
            }
        )
    else:
        blocks.append(context(escape(_AFTER[card.state])))
    fallback = (
        f"New inspection: {review.urn} ({review_type_label(review.review_type)}), "
        f"due {due_text(review)}"
    )
    return message(fallback, blocks)


def decline_modal(card: AssignmentCard, *, channel: str, ts: str) -> dict[str, Any]:
    """Asks why; the reason is required, so Slack itself refuses an empty submission."""
    meta = ModalContext(card.inspection_id, card.card_version, channel=channel, ts=ts)
    return {
        "type": "modal",
        "callback_id": actions.DECLINE_MODAL,
        "private_metadata": actions.encode_metadata(meta),
        "title": actions.modal_title("Decline inspection"),
        "submit": actions.modal_title("Decline"),
        "close": actions.modal_title("Cancel"),
        "blocks": [
            section(
                f"You are declining the inspection of *{escape(card.review.urn)}*. "
                "The inspection lead will see your reason and arrange another inspector."
            ),
            {
                "type": "input",
                "block_id": actions.REASON_BLOCK,
                "label": plain("Why are you declining?", MAX_INPUT_LABEL),
                "hint": plain(
                    "For example a conflict of interest, or you are away before it is due.",
                    MAX_INPUT_HINT,
                ),
                "element": {
                    "type": "plain_text_input",
                    "action_id": actions.INPUT_ACTION,
                    "multiline": True,
                    "max_length": MAX_INPUT_VALUE,
                },
            },
        ],
    }


def reminder_message(item: QueueItem, *, now: datetime) -> dict[str, Any]:
    review = item.review
    due = due_text(review)
    overdue = review.due_at is not None and review.due_at < now
    if overdue and review.due_at is not None:
        lead = (
            f"The inspection of *{escape(review.urn)}* was due on *{escape(due)}* "
            f"and is now {format_duration(now - review.due_at)} overdue."
        )
    else:
        lead = f"A reminder that the inspection of *{escape(review.urn)}* is due by {escape(due)}."
    progress = (
        f"You have answered {item.answered} of {item.total} questions."
        if item.status != Status.ASSIGNED
        else "You have not started it yet."
    )
    blocks: list[Block] = [
        header("Inspection reminder"),
        section(f"{lead}\n{progress}"),
        review_fields(review),
        {"type": "actions", "elements": [resume_button(item)]},
    ]
    return message(f"Reminder: inspection of {review.urn} due {due}", blocks)


def resume_button(item: QueueItem) -> Block:
    value = ActionValue(item.inspection_id, item.card_version)
    if item.status == Status.ASSIGNED:
        return button("Start inspection", actions.START, value, style="primary")
    return button("Resume", actions.RESUME, value, style="primary")


def escalation_message(review: ReviewInfo, *, inspector_name: str, now: datetime) -> dict[str, Any]:
    """For the inspection lead: an inspection past its due date."""
    if review.due_at is None:
        raise ValueError("Only an inspection with a due date can be overdue.")
    # The sweep escalates at the due time itself: that is "less than an hour" overdue.
    late = format_duration(max(now - review.due_at, timedelta(0)))
    blocks: list[Block] = [
        header("Overdue inspection"),
        section(
            f"The inspection of *{escape(review.urn)}* by {escape(inspector_name)} "
            "has passed its due date and is not yet submitted."
        ),
        fields_section(
            [
                ("URN", review.urn),
                ("Inspector", inspector_name),
                ("Review type", review_type_label(review.review_type)),
                ("Area", review.area),
                ("Due", due_text(review)),
                ("Overdue by", late),
            ]
        ),
    ]
    return message(f"Overdue inspection: {review.urn}, {late} overdue", blocks)


def unassigned_alert(review: ReviewInfo, *, reason: str | None = None) -> dict[str, Any]:
    """For the inspection lead: a sampled review that no inspector is eligible to take."""
    detail = f"\n{esc(reason, 1000)}" if reason else ""
    blocks: list[Block] = [
        header("Inspection waiting: nobody eligible"),
        section(
            f"The review *{escape(review.urn)}* was sampled, but no inspector is eligible "
            f"to inspect it at the moment.{detail}\n"
            "It stays in the queue and is assigned as soon as someone eligible is available. "
            "You may want to check the people directory and who is away."
        ),
        review_fields(review),
    ]
    return message(f"Inspection waiting: nobody eligible for {review.urn}", blocks)
