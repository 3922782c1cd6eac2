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
from inspections.forces import force_name
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
    where = listing.scope.label
    if listing.force is not None:
        where += f", {force_name(listing.force)}"
    title = f"RJOIM agenda: {where}, {listing.period.label}"
    blocks: list[Block] = [
        header(title),
        context(
            esc(
                f"Pre-charge decision cases with {RJOIM_THRESHOLD} or more substantive action "
                f"plans, reviews completed in {period_text(listing.period)}, by police force. "
                "Lawyers' names and marks are for CPS eyes only: `dipsample rjoim agenda "
                "--police-safe` gives the version for the joint meeting.",
                500,
            )
        ),
    ]
    carried = _open_actions(listing)
    if not listing.cases:
        blocks.append(section("No case in this period had that many action plans."))
        return message(f"{title}: no cases", [*blocks, *carried][:50])
    by_force: dict[str, list[RjoimCase]] = {}
    for case in listing.cases:
        by_force.setdefault(case.force_code, []).append(case)
    for code, cases in by_force.items():
        lines = [case_line(case, listing, timezone) for case in cases]
        heading = f"{code} {force_name(code)}: {plural(len(lines), 'case')}"
        blocks += titled_lines(heading, lines, limit=MAX_CASES)
    total = plural(len(listing.cases), "case")
    return message(f"{title}: {total}", [*blocks[: 50 - len(carried)], *carried])


def _open_actions(listing: RjoimList) -> list[Block]:
    """Open actions of earlier meetings: they carry forward onto the next meeting's agenda."""
    if not listing.open_actions:
        return []
    lines = [
        f"{a.force}: {a.description} (owner {a.owner}, due {a.due_on.isoformat()}"
        + (", overdue)" if a.overdue else ")")
        for a in listing.open_actions
    ]
    return titled_lines("Open actions from earlier meetings", lines, limit=20)


def case_line(case: RjoimCase, listing: RjoimList, timezone: str) -> str:
    where = f"{case.unit}, {case.lawyer_name}"
    done = format_local(case.completed_at, timezone).split(",")[0]
    plans = plural(case.action_plans, "action plan")
    if not case.substantive_given:
        plans += " (all counted: intake gave no substantive count)"
    head = f"{case.urn}: {plans} ({where}; reviewed {done})"
    if not case.inspected:
        return f"{head}. {STATUS_WORDS.get(case.inspection_status, case.inspection_status)}."
    marks = [
        f"{q.text}: {q.labels.get(case.marks[q.question_id], case.marks[q.question_id])}"
        for q in listing.questions
        if q.question_id in case.marks
    ]
    return f"{head}. Inspected; " + ("; ".join(marks) if marks else "no action-plan marks") + "."
