"""The feedback a lawyer receives, the shorter copy for their line manager, and the full
feedback in a modal.

A message holds 50 blocks and a modal 100, each section 3000 characters. Marks are packed
several to a section; when even that would not fit, the message shows what it can and says
that the rest is under "View full feedback" (the modal), which says the same about anything
beyond its own limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.slack.blocks import feedback_actions as fa
from bot.slack.blocks.text import (
    MAX_MESSAGE_BLOCKS,
    MAX_SECTION_TEXT,
    MAX_VIEW_BLOCKS,
    Block,
    context,
    divider,
    esc,
    escape,
    fields_section,
    format_local,
    header,
    message,
    percentage,
    plain,
    plural,
    quote,
    review_type_label,
    section,
)
from inspections.feedback import FeedbackDocument, ManagerSummary, MarkedQuestion, SectionMark

INTRO = (
    "Thank you for your work on this case. An inspector has looked at your {kind} as part of "
    "the RASSO casework quality programme. Here is what they found: what went well, and what "
    "to develop."
)
REPLY_NOTE = (
    "Please acknowledge this feedback once you have read it. If you think a mark is wrong, "
    "you can challenge it with a reason and the inspector will look at it again."
)
IN_MESSAGE = "Open *View full feedback* to see every mark."
IN_MODAL = "Ask the inspection lead for the complete record."

GOOD_PRACTICE_HEADING = "Good practice to share (the inspector's note)"


@dataclass(frozen=True)
class FeedbackCard:
    feedback_id: int
    document: FeedbackDocument
    timezone: str = "Europe/London"
    acknowledged_at: datetime | None = None
    challenged: int = 0  # marks the lawyer has challenged
    can_challenge: bool = True  # there are marks that count towards the score


def score_text(score: float | None) -> str:
    return percentage(score) if score is not None else "not scored"


def feedback_message(card: FeedbackCard) -> dict[str, Any]:
    doc = card.document
    top = _opening(doc, card.timezone)
    bottom = _closing(card)
    body = _body(doc, budget=MAX_MESSAGE_BLOCKS - len(top) - len(bottom), where=IN_MESSAGE)
    fallback = f"Feedback on your review of {doc.review.urn}: overall score {score_text(doc.score)}"
    return message(fallback, [*top, *body, *bottom])


def feedback_modal(card: FeedbackCard) -> dict[str, Any]:
    """Every mark, for the lawyer and those who manage them; read only."""
    doc = card.document
    top = _opening(doc, card.timezone)
    body = _body(doc, budget=MAX_VIEW_BLOCKS - len(top) - 1, where=IN_MODAL)
    status = _status_line(card) or "Not yet acknowledged."
    return {
        "type": "modal",
        "title": plain("Feedback", 24),
        "close": plain("Close", 24),
        "blocks": [*top, *body, context(escape(status))],
    }


def manager_copy(feedback_id: int, summary: ManagerSummary, *, timezone: str) -> dict[str, Any]:
    review = summary.review
    lines = [
        f"{esc(review.lawyer_name, 200)}'s {escape(review_type_label(review.review_type).lower())}"
        f" on *{esc(review.urn, 60)}* has been inspected. They have had the full feedback.",
        _marks_text(summary.score, summary.overall_mark, None, summary.sections),
    ]
    blocks: list[Block] = [
        header("Feedback copy for a member of your team"),
        section("\n".join(lines)),
    ]
    if summary.critical_failures:
        failed = "\n".join(f"• {esc(text, 400)}" for text in summary.critical_failures[:5])
        blocks.append(section(f":warning: *Safety or decision points that failed*\n{failed}"))
    counts = (
        f"{plural(summary.done_well_count, 'mark')} fully met; "
        f"{plural(len(summary.to_develop), 'mark')} to develop."
    )
    develop = [f"• *{esc(mark, 40)}*: {esc(text, 200)}" for text, mark in summary.to_develop]
    blocks.append(section(_fit([escape(counts), *develop], MAX_SECTION_TEXT)))
    if summary.key_learning_point:
        blocks.append(section(f"*Key learning point*\n{quote(summary.key_learning_point, 1500)}"))
    if summary.good_practice:
        blocks.append(section(f"*{GOOD_PRACTICE_HEADING}*\n{quote(summary.good_practice, 1000)}"))
    blocks.append(
        context(
            f"Review completed {escape(format_local(review.completed_at, timezone))}. "
            "*View full feedback* shows every mark with the inspector's reasons; your team's "
            "recent feedback is also on my Home tab."
        )
    )
    blocks.append(
        {
            "type": "actions",
            "elements": [fa.feedback_button("View full feedback", fa.VIEW_FULL, feedback_id)],
        }
    )
    fallback = f"Feedback copy: {review.lawyer_name}, {review.urn}, {score_text(summary.score)}"
    return message(fallback, blocks)


def _opening(doc: FeedbackDocument, timezone: str) -> list[Block]:
    review = doc.review
    kind = review_type_label(review.review_type).lower()
    blocks: list[Block] = [
        header("Feedback on your review"),
        section(escape(INTRO.format(kind=kind))),
        fields_section(
            [
                ("URN", review.urn),
                ("Review type", review_type_label(review.review_type)),
                ("Completed", format_local(review.completed_at, timezone)),
                ("Area", review.area),
            ]
        ),
        section(_marks_text(doc.score, doc.overall_mark, doc.overall_reason, doc.sections, doc)),
    ]
    if doc.critical_failures:
        failed = "\n".join(f"• {esc(m.said, 400)}" for m in doc.critical_failures[:5])
        blocks.append(
            section(
                ":warning: *Needs attention while the case is live*\nThese points of victim "
                "safety or of the decision itself did not meet the standard. Your managers were "
                "told at once, so that they can help you put them right:\n" + failed
            )
        )
    return blocks


def _marks_text(
    score: float | None,
    overall_mark: str | None,
    overall_reason: str | None,
    sections: Sequence[SectionMark],
    doc: FeedbackDocument | None = None,
) -> str:
    # The overall mark (does the review meet the standard?) leads; the score is beside it.
    lines = []
    if overall_mark:
        lines.append(f"*Overall mark: {esc(overall_mark, 60)}*")
        if overall_reason:
            lines.append(quote(overall_reason, 600))
    score_line = f"*Overall score: {score_text(score)}*"
    if doc is not None and doc.original_score is not None:
        score_line += f" (first sent as {score_text(doc.original_score)}, before a challenge)"
    lines.append(score_line)
    lines += [f"{esc(s.title, 150)}: {percentage(s.score)}" for s in sections[:20]]
    return _fit(lines, MAX_SECTION_TEXT)


def _done_well(mark: MarkedQuestion) -> str:
    line = f"• {esc(mark.said, 300)}{_amended(mark)}"
    if mark.comment:
        line += "\n" + quote(mark.comment, 400)
    return line


def _to_develop(mark: MarkedQuestion) -> str:
    flag = ":warning: " if mark.critical_failure else ""
    lines = [f"• {flag}*{esc(mark.mark, 40)}*: {esc(mark.said, 300)}{_amended(mark)}"]
    if mark.reason:
        lines.append(f"_Inspector's reason:_\n{quote(mark.reason, 700)}")
    if mark.comment:
        lines.append(f"_Comment:_\n{quote(mark.comment, 300)}")
    return "\n".join(lines)


def _amended(mark: MarkedQuestion) -> str:
    if mark.was is None:
        return ""
    return f" _(amended from {esc(mark.was, 40)} after your challenge)_"


def _body(doc: FeedbackDocument, *, budget: int, where: str) -> list[Block]:
    """What went well, what to develop, the key learning point and any good practice the
    inspector noted, in at most budget blocks."""
    learning = (
        [section(f"*Key learning point*\n{quote(doc.key_learning_point, 2000)}")]
        if doc.key_learning_point
        else []
    )
    if doc.good_practice:
        learning.append(section(f"*{GOOD_PRACTICE_HEADING}*\n{quote(doc.good_practice, 1000)}"))
    items = [("*What you did well* (marked Fully met)", _done_well(m)) for m in doc.done_well]
    items += [("*What to develop*", _to_develop(m)) for m in doc.to_develop]
    blocks = _packed(items, budget=budget - len(learning) - 1, where=where)
    return [divider(), *blocks, *learning]


def _packed(items: list[tuple[str, str]], *, budget: int, where: str) -> list[Block]:
    """Items under their headings, as many to a section as fit; a note if some do not fit."""
    texts: list[str] = []
    counts: list[int] = []  # items in each text, to say how many were left out
    heading: str | None = None
    for title, item in items:
        start = title != heading
        heading = title
        # Marks with reasons read better with a blank line between them.
        gap = "\n\n" if "\n" in item else "\n"
        if texts and not start and len(texts[-1]) + len(gap) + len(item) <= MAX_SECTION_TEXT:
            texts[-1] += gap + item
            counts[-1] += 1
        else:
            texts.append(f"{title}\n{item}" if start else item)
            counts.append(1)
    if len(texts) <= budget:
        return [section(t) for t in texts]
    shown = max(budget - 1, 0)
    left = sum(counts[shown:])
    note = f"{plural(left, 'more mark')} not shown here, to keep within Slack's limits. {where}"
    return [*(section(t) for t in texts[:shown]), context(note)]


def _status_line(card: FeedbackCard) -> str | None:
    parts = []
    if card.acknowledged_at is not None:
        when = format_local(card.acknowledged_at, card.timezone)
        parts.append(f"Acknowledged {when}.")
    if card.challenged:
        parts.append(
            f"{plural(card.challenged, 'mark')} challenged: the inspection lead will reply."
        )
    return " ".join(parts) or None


def _closing(card: FeedbackCard) -> list[Block]:
    status = _status_line(card)
    blocks: list[Block] = [divider()]
    blocks.append(context(escape(status)) if status else section(escape(REPLY_NOTE)))
    buttons: list[Block] = []
    if card.acknowledged_at is None:
        buttons.append(
            fa.feedback_button("Acknowledge", fa.ACKNOWLEDGE, card.feedback_id, style="primary")
        )
    if card.challenged == 0 and card.can_challenge:
        buttons.append(fa.feedback_button("Challenge a mark", fa.CHALLENGE, card.feedback_id))
    buttons.append(fa.feedback_button("View full feedback", fa.VIEW_FULL, card.feedback_id))
    blocks.append({"type": "actions", "elements": buttons})
    return blocks


def _fit(lines: list[str], limit: int) -> str:
    """Whole lines up to limit characters, with a note when some are left out."""
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        if used + len(line) + 1 > limit - 40:
            kept.append(f"_…and {plural(len(lines) - index, 'more line')}_")
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)
