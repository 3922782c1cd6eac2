"""Telling the admins that sampled reviews are waiting because no inspector is eligible.

One review waiting gets its own alert (bot.slack.blocks.assignment.unassigned_alert). An import that
leaves many waiting sends each admin one digest instead: thousands of direct messages would take
hours to get through Slack's rate limits and would hold up the inspectors' assignment messages
queued behind them in the outbox. Either way an inspection is alerted once per time it is queued.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.slack.blocks.assignment import unassigned_alert
from bot.slack.blocks.text import (
    MAX_SECTION_TEXT,
    context,
    escape,
    header,
    message,
    plural,
    review_type_label,
    section,
)
from bot.slack.blocks.viewmodels import ReviewInfo
from storage import outbox

ALERT_KIND = "admin_alert"
DIGEST_LISTS = 20  # reviews named in a digest; the rest are counted


@dataclass(frozen=True)
class Waiting:
    inspection_id: int
    review: ReviewInfo
    reason: str


def alert_admins(
    session: Session,
    *,
    waiting: Waiting,
    round_: int,
    admin_ids: Collection[int],
    now: datetime,
) -> None:
    """One alert per admin. round_ counts the inspection's earlier assignments, so a retry that
    finds nobody again sends nothing new, while a decline that leaves it waiting does."""
    payload = unassigned_alert(waiting.review, reason=waiting.reason)
    for admin_id in admin_ids:
        outbox.enqueue(
            session,
            dedupe_key=f"unassigned:{waiting.inspection_id}:{round_}:{admin_id}",
            kind=ALERT_KIND,
            recipient_person_id=admin_id,
            payload=payload,
            now=now,
        )


def alert_admins_of_new(
    session: Session, *, waiting: Sequence[Waiting], admin_ids: Collection[int], now: datetime
) -> None:
    """For newly created inspections (round 0): one alert, or one digest, per admin."""
    if len(waiting) == 1:
        alert_admins(session, waiting=waiting[0], round_=0, admin_ids=admin_ids, now=now)
        return
    if not waiting:
        return
    ids = [w.inspection_id for w in waiting]
    payload = digest(waiting)
    for admin_id in admin_ids:
        outbox.enqueue(
            session,
            dedupe_key=f"unassigned:{min(ids)}-{max(ids)}:{len(ids)}:{admin_id}",
            kind=ALERT_KIND,
            recipient_person_id=admin_id,
            payload=payload,
            now=now,
        )


def digest(waiting: Sequence[Waiting]) -> dict[str, Any]:
    count = plural(len(waiting), "sampled review")
    shown: list[str] = []
    for w in waiting[:DIGEST_LISTS]:
        line = (
            f"• *{escape(w.review.urn)}* ({review_type_label(w.review.review_type)}, "
            f"{escape(w.review.area)}): {escape(w.reason)}"
        )
        if sum(len(s) + 1 for s in shown) + len(line) > MAX_SECTION_TEXT:
            break
        shown.append(line)
    rest = len(waiting) - len(shown)
    blocks = [
        header("Inspections waiting: nobody eligible"),
        section(
            f"{count} just sampled could not be assigned: no inspector is eligible at the "
            "moment. They stay in the queue and are assigned as soon as someone eligible is "
            "available. You may want to check the people directory and who is away."
        ),
        section("\n".join(shown)),
    ]
    if rest > 0:
        blocks.append(
            context(
                f"And {plural(rest, 'more review')}: `dipsample inspections list "
                "--status queued` lists them all."
            )
        )
    return message(f"Inspections waiting: {count} with nobody eligible", blocks)
