"""The RJOIM agenda list as a direct message: one line per case, most action plans first.

It names cases by URN, so it is only ever sent to the requester's direct message.
"""

from __future__ import annotations

from typing import Any

from bot.services.rjoim.agenda import RjoimList
from bot.slack.blocks.text import (
    Block,
    context,
    esc,
    format_local,
    header,
    message,
    plural,
    section,
)
from bot.slack.blocks.trends import period_text, titled_lines
from inspections.lifecycle import Status
from inspections.rjoim import RJOIM_THRESHOLD
from storage.rjoim_queries import RjoimCase

MAX_CASES = 150
STATUS_WORDS: dict[str | None, str] = {
    None: "not sampled for inspection",
    Status.QUEUED: "sampled, waiting for an inspector",
    Status.ASSIGNED: "sampled, with an inspector",
    Status.IN_PROGRESS: "inspection in progress",
    Status.PAUSED: "inspection paused",
}


def rjoim_message(listing: RjoimList, *, timezone: str) -> dict[str, Any]:
    title = f"RJOIM agenda: {listing.scope.label}, {listing.period.label}"
    blocks: list[Block] = [
        header(title),
        context(
            esc(
                f"Pre-charge decision cases with {RJOIM_THRESHOLD} or more substantive action "
                f"plans, reviews completed in {period_text(listing.period)}.",
                500,
            )
        ),
    ]
    if not listing.cases:
        blocks.append(section("No case in this period had that many action plans."))
        return message(f"{title}: no cases", blocks)
    lines = [case_line(case, listing, timezone) for case in listing.cases]
    blocks += titled_lines(plural(len(lines), "case"), lines, limit=MAX_CASES)
    return message(f"{title}: {plural(len(lines), 'case')}", blocks[:50])


def case_line(case: RjoimCase, listing: RjoimList, timezone: str) -> str:
    where = f"{case.unit}, {case.lawyer_name}"
    done = format_local(case.completed_at, timezone).split(",")[0]
    head = f"{case.urn}: {plural(case.action_plans, 'action plan')} ({where}; reviewed {done})"
    if not case.inspected:
        return f"{head}. {STATUS_WORDS.get(case.inspection_status, case.inspection_status)}."
    marks = [
        f"{_short(q.text)}: {q.labels.get(case.marks[q.question_id], case.marks[q.question_id])}"
        for q in listing.questions
        if q.question_id in case.marks
    ]
    return f"{head}. Inspected; " + ("; ".join(marks) if marks else "no action-plan marks") + "."


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:59].rstrip() + "…"
