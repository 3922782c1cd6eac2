"""The App Home panels about feedback: a lawyer's own recent feedback, and a manager's view
of their team (recent inspections, open safeguard alerts, open challenges).

The panels share the Home tab's 100 blocks with the inspector's queue, so they keep to
MAX_PANEL_BLOCKS between them and say when there is more than they show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from bot.slack.blocks import feedback_actions as fa
from bot.slack.blocks.feedback import score_text
from bot.slack.blocks.text import (
    Block,
    context,
    divider,
    esc,
    escape,
    format_local,
    header,
    plural,
    review_type_label,
    section,
)

MAX_PANEL_BLOCKS = 45
T = TypeVar("T")


@dataclass(frozen=True)
class FeedbackItem:
    feedback_id: int | None  # None while the feedback is being written
    urn: str
    review_type: str
    lawyer_name: str
    submitted_at: datetime
    score: float | None
    acknowledged_at: datetime | None = None
    open_challenges: int = 0


@dataclass(frozen=True)
class AlertItem:
    urn: str
    lawyer_name: str
    safeguard: str
    raised_at: datetime
    acknowledged: bool = False


@dataclass(frozen=True)
class ChallengeItem:
    urn: str
    lawyer_name: str
    question: str
    raised_at: datetime


@dataclass(frozen=True)
class FeedbackPanels:
    timezone: str
    own: tuple[FeedbackItem, ...] | None = None  # None: not a lawyer
    team: tuple[FeedbackItem, ...] | None = None  # None: not a manager
    alerts: tuple[AlertItem, ...] = ()
    challenges: tuple[ChallengeItem, ...] = ()
    more_team: int = 0  # recent team inspections beyond those listed


def panel_blocks(panels: FeedbackPanels) -> list[Block]:
    blocks: list[Block] = []
    if panels.own is not None:
        blocks += [header("Your feedback")]
        blocks += _listed(
            panels.own,
            lambda item: _feedback_block(item, panels.timezone, own=True),
            empty="No feedback on your reviews yet.",
            limit=10,
        )
    if panels.team is not None:
        blocks += [divider()] if blocks else []
        blocks += [header("Your team")]
        blocks.append(context("*Interventions still open, oldest first*"))
        blocks += _listed(panels.alerts, lambda a: _alert_block(a, panels.timezone), "None.", 6)
        blocks.append(context("*Challenges waiting for the inspector*"))
        blocks += _listed(panels.challenges, _challenge_block, "None.", 6)
        blocks.append(context("*Recent inspections*"))
        blocks += _listed(
            panels.team,
            lambda item: _feedback_block(item, panels.timezone, own=False),
            empty="No inspections of your team's reviews yet.",
            limit=10,
            more=panels.more_team,
        )
    return blocks[:MAX_PANEL_BLOCKS]


def _listed(
    items: Sequence[T], render: Callable[[T], Block], empty: str, limit: int, more: int = 0
) -> list[Block]:
    if not items:
        return [section(escape(empty))]
    blocks = [render(item) for item in items[:limit]]
    left = len(items) - limit + more if len(items) > limit else more
    if left > 0:
        blocks.append(context(f"…and {left} more, not shown here."))
    return blocks


def _feedback_block(item: FeedbackItem, timezone: str, *, own: bool) -> Block:
    when = format_local(item.submitted_at, timezone)
    first = f"*{esc(item.urn, 60)}* · {escape(review_type_label(item.review_type))}"
    if not own:
        first += f" · {esc(item.lawyer_name, 200)}"
    if item.acknowledged_at is not None:
        status = "Acknowledged"
    else:
        status = "Not yet acknowledged" + (
            ": please acknowledge it in the message I sent you" if own else ""
        )
    if item.open_challenges:
        status += f" · {plural(item.open_challenges, 'mark')} challenged, awaiting decision"
    text = f"{first}\nInspected {escape(when)} · score *{score_text(item.score)}*\n{status}"
    if item.feedback_id is None:
        return section(text)
    button = fa.feedback_button("View feedback", fa.VIEW_FULL, item.feedback_id)
    return section(text, accessory=button)


def _alert_block(alert: AlertItem, timezone: str) -> Block:
    when = format_local(alert.raised_at, timezone)
    return section(
        f":rotating_light: *{esc(alert.urn, 60)}* · {esc(alert.lawyer_name, 200)} · "
        f"since {escape(when)} · "
        f"{'acknowledged' if alert.acknowledged else '*not yet acknowledged*'}\n"
        f"{esc(alert.safeguard, 600)}"
    )


def _challenge_block(challenge: ChallengeItem) -> Block:
    return section(
        f"*{esc(challenge.urn, 60)}* · {esc(challenge.lawyer_name, 200)}\n"
        f"{esc(challenge.question, 600)}"
    )
