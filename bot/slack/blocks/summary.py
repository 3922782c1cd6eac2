"""The summary before submitting, and the locked card after.

A message holds 50 blocks. The summary gives each question its own line and Edit button, under
section headings, when that fits; then without the headings (each line names its section);
then it groups up to five questions per block, each group with an overflow menu of edits; and
if even that would not fit it shows as many groups as it can and says how many are left out.
"""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import actions
from bot.slack.blocks.actions import ActionValue, button
from bot.slack.blocks.assignment import review_fields
from bot.slack.blocks.text import (
    MAX_CONFIRM_BUTTON,
    MAX_CONFIRM_TEXT,
    MAX_CONFIRM_TITLE,
    MAX_MESSAGE_BLOCKS,
    MAX_OPTION_TEXT,
    MAX_OVERFLOW_OPTIONS,
    Block,
    context,
    divider,
    esc,
    escape,
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
from bot.slack.blocks.viewmodels import SubmittedCard, SummaryCard, SummaryRow


def summary_card(card: SummaryCard) -> dict[str, Any]:
    review = card.review
    top: list[Block] = [
        header("Check your answers"),
        context(
            f"*{esc(review.urn, 60)}* · {escape(review_type_label(review.review_type))} · "
            f"{esc(review.area, 200)} · {esc(review.lawyer_name, 200)}"
        ),
        section(_scores(card)),
    ]
    if card.critical_failures:
        lines = "\n".join(f"• {esc(text, 300)}" for text in card.critical_failures)
        top.append(section(f":warning: *Safety or decision points that failed*\n{lines}"))
    if card.overall_mismatch:
        top.append(section(f":warning: {esc(card.overall_mismatch, 600)}"))
    top.append(divider())
    bottom = [divider(), *_closing(card)]
    rows = _rows(card, MAX_MESSAGE_BLOCKS - len(top) - len(bottom))
    fallback = f"Check your answers for {review.urn}: {_score_text(card.score)}"
    return message(fallback, [*top, *rows, *bottom])


def _score_text(score: float | None) -> str:
    return percentage(score) if score is not None else "not scored"


def _scores(card: SummaryCard) -> str:
    lines = [f"*Overall mark: {esc(card.overall_mark, 60)}*"] if card.overall_mark else []
    lines.append(f"*Overall score: {_score_text(card.score)}*")
    lines += [f"{esc(title, 150)}: {_score_text(score)}" for title, score in card.section_scores]
    return "\n".join(lines)


def _closing(card: SummaryCard) -> list[Block]:
    value = ActionValue(card.inspection_id, card.card_version)
    if card.complete:
        confirm: Block = {
            "title": plain("Submit this inspection?", MAX_CONFIRM_TITLE),
            "text": plain(
                "Your marks go to the lawyer and their manager as feedback. "
                "You cannot change them after submitting.",
                MAX_CONFIRM_TEXT,
            ),
            "confirm": plain("Submit", MAX_CONFIRM_BUTTON),
            "deny": plain("Not yet", MAX_CONFIRM_BUTTON),
        }
        return [
            section("Every question is answered. Check the marks above, then submit."),
            {
                "type": "actions",
                "elements": [
                    button("Submit", actions.SUBMIT, value, style="primary", confirm=confirm)
                ],
            },
        ]
    remaining = plural(card.missing, "question")
    return [
        section(f"{remaining} still {'needs' if card.missing == 1 else 'need'} an answer."),
        {
            "type": "actions",
            "elements": [button("Resume", actions.RESUME, value, style="primary")],
        },
    ]


def _rows(card: SummaryCard, budget: int) -> list[Block]:
    by_section: dict[str, list[SummaryRow]] = {}
    for row in card.rows:
        by_section.setdefault(row.section_title, []).append(row)
    if len(by_section) + len(card.rows) <= budget:
        blocks: list[Block] = []
        for title, rows in by_section.items():
            blocks.append(context(f"*{esc(title, 300)}*"))
            blocks += [_row_block(card, row) for row in rows]
        return blocks
    if len(card.rows) <= budget:
        return [_row_block(card, row, with_section=True) for row in card.rows]
    groups = [
        (title, rows[start : start + MAX_OVERFLOW_OPTIONS])
        for title, rows in by_section.items()
        for start in range(0, len(rows), MAX_OVERFLOW_OPTIONS)
    ]
    if len(groups) <= budget:
        return [_group_block(card, title, rows) for title, rows in groups]
    shown = groups[: budget - 1]
    left_out = len(card.rows) - sum(len(rows) for _, rows in shown)
    return [
        *(_group_block(card, title, rows) for title, rows in shown),
        context(
            f"{plural(left_out, 'more question')} not shown here, to keep within Slack's limits."
        ),
    ]


def _row_line(row: SummaryRow, *, compact: bool = False, with_section: bool = False) -> str:
    """At most about 500 characters, so five rows and a heading fit one section's 3000."""
    flag = ":warning: " if row.critical_failure else ""
    answer = esc(row.answer, 150) if row.answer is not None else "_Not answered yet_"
    if compact:
        reason = f" ({esc(row.reason, 150)})" if row.reason else ""
        return f"• {flag}*{esc(row.short_text, 150)}*: {answer}{reason}"
    where = f"_{esc(row.section_title, 100)}_\n" if with_section else ""
    reason = "\n" + quote(row.reason, 150) if row.reason else ""
    return f"{where}{flag}*{esc(row.short_text, 150)}*\n{answer}{reason}"


def _row_block(card: SummaryCard, row: SummaryRow, *, with_section: bool = False) -> Block:
    edit = button(
        "Edit" if row.answer is not None else "Answer",
        actions.edit_action_id(row.question_id),
        ActionValue(card.inspection_id, card.card_version, row.question_id),
    )
    return section(_row_line(row, with_section=with_section), accessory=edit)


def _group_block(card: SummaryCard, title: str, rows: list[SummaryRow]) -> Block:
    lines = [f"*{esc(title, 300)}*"] + [_row_line(row, compact=True) for row in rows]
    options = [
        {
            "text": plain(f"Edit: {row.short_text}", MAX_OPTION_TEXT),
            "value": actions.encode_value(
                ActionValue(card.inspection_id, card.card_version, row.question_id)
            ),
        }
        for row in rows
    ]
    menu: Block = {"type": "overflow", "action_id": actions.EDIT_MENU, "options": options}
    return section("\n".join(lines), accessory=menu)


def submitted_card(card: SubmittedCard) -> dict[str, Any]:
    review = card.review
    when = format_local(card.submitted_at, review.timezone)
    blocks: list[Block] = [
        header("Inspection submitted"),
        section(
            f"Thank you. Your inspection of *{esc(review.urn, 60)}* was submitted on "
            f"{escape(when)} with an overall score of *{_score_text(card.score)}*.\n"
            "It is now locked; the feedback goes to the lawyer and their manager."
        ),
        review_fields(review),
    ]
    return message(f"Inspection of {review.urn} submitted: {_score_text(card.score)}", blocks)
