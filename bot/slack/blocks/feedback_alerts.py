"""The real-time safeguard alert to a lawyer's managers (an intervention they acknowledge and
close with what was done), its "resolved" follow-up, the lawyer's notice and the escalation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.slack.blocks import intervention_actions as ia
from bot.slack.blocks.text import (
    Block,
    context,
    esc,
    fields_section,
    format_local,
    header,
    message,
    quote,
    review_type_label,
    section,
)


@dataclass(frozen=True)
class SafeguardNote:
    urn: str
    review_type: str
    area: str
    lawyer_name: str
    safeguard: str  # the question's text
    mark: str  # the mark's label
    reason: str | None = None
    no_longer_applies: bool = False  # resolved because a later answer switched it off
    alert_id: int | None = None  # the intervention the buttons act on


@dataclass(frozen=True)
class InterventionStatus:
    """Where the intervention stands, shown on every manager's copy of the alert."""

    timezone: str
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    outcome: str | None = None  # the outcome's label
    action_taken: str | None = None
    escalated: bool = False

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


def alert_message(note: SafeguardNote, status: InterventionStatus | None = None) -> dict[str, Any]:
    blocks: list[Block] = [
        header("Safeguard alert"),
        section(
            f":rotating_light: An inspection of *{esc(note.urn, 60)}* has marked a critical "
            f"question *{esc(note.mark, 40)}*: a point of victim safety or of the decision "
            "itself. The case may still be live, so you can step in now rather than wait for "
            "the inspection to finish."
        ),
        section(f"*The question*\n{esc(note.safeguard, 1500)}"),
    ]
    if note.reason:
        blocks.append(section(f"*Inspector's reason*\n{quote(note.reason, 1500)}"))
    blocks += [
        _review_fields(note),
        context(
            "You receive this as the lawyer's line manager or RASSO Unit Head. If the mark "
            "changes I will tell you. The lawyer has been told that you will be in touch."
        ),
    ]
    if status is not None:
        blocks += _status_blocks(status)
    if note.alert_id is not None and (status is None or not status.closed):
        buttons = []
        if status is None or status.acknowledged_at is None:
            buttons.append(ia.button("Acknowledge", ia.ACKNOWLEDGE, note.alert_id, primary=True))
        buttons.append(ia.button("Record what was done", ia.RECORD, note.alert_id))
        blocks.append({"type": "actions", "elements": buttons})
    fallback = f"Safeguard alert on {note.urn}: {note.safeguard}"
    return message(fallback, blocks)


def _status_blocks(status: InterventionStatus) -> list[Block]:
    zone = status.timezone
    lines = []
    if status.acknowledged_at is not None:
        lines.append(
            f":eyes: Acknowledged by {esc(status.acknowledged_by or 'a manager', 200)}, "
            f"{format_local(status.acknowledged_at, zone)}."
        )
    if status.closed_at is not None:
        lines.append(
            f":white_check_mark: Closed by {esc(status.closed_by or 'a manager', 200)}, "
            f"{format_local(status.closed_at, zone)}: *{esc(status.outcome or '', 80)}*."
        )
    if status.escalated and status.closed_at is None:
        lines.append(":arrow_up: Not acknowledged in time, so it was escalated.")
    blocks: list[Block] = [section("\n".join(lines))] if lines else []
    if status.action_taken:
        blocks.append(section(f"*What was done*\n{quote(status.action_taken, 1500)}"))
    return blocks


def lawyer_notice_message(note: SafeguardNote, managers: list[str]) -> dict[str, Any]:
    """To the lawyer, at the moment their managers are alerted: plain and respectful."""
    who = " and ".join(esc(name, 200) for name in managers[:2]) or "your line manager"
    blocks: list[Block] = [
        header("A point on your live case to look at now"),
        section(
            f"An inspection of your review on *{esc(note.urn, 60)}* has found a point about "
            "victim safety or the decision itself that needs attention while the case is "
            f"live. {who} will be in touch to talk it through with you. Your full feedback "
            "follows when the inspection is finished."
        ),
        section(f"*The point*\n{esc(note.safeguard, 1500)}"),
    ]
    fallback = f"A point on your live case {note.urn} needs attention now"
    return message(fallback, blocks)


def escalation_message(note: SafeguardNote, hours: float, *, to_ccp: bool) -> dict[str, Any]:
    """To the Area's Chief Crown Prosecutor, or the national inspection leads, when nobody
    acknowledged the alert in time."""
    blocks: list[Block] = [
        header("Safeguard alert not acknowledged"),
        section(
            f":arrow_up: An alert on *{esc(note.urn, 60)}* has not been acknowledged by the "
            f"lawyer's managers within {hours:g} working hours. The case may still be live."
        ),
        section(f"*The question*\n{esc(note.safeguard, 1500)}"),
        _review_fields(note),
        context(
            "You receive this as the Area's Chief Crown Prosecutor."
            if to_ccp
            else "You receive this as a national inspection lead."
        ),
    ]
    if note.alert_id is not None:
        blocks.append(
            {
                "type": "actions",
                "elements": [ia.button("Record what was done", ia.RECORD, note.alert_id)],
            }
        )
    fallback = f"Safeguard alert on {note.urn} not acknowledged in time"
    return message(fallback, blocks)


def alert_resolved_message(note: SafeguardNote) -> dict[str, Any]:
    blocks: list[Block] = [
        header("Safeguard alert resolved"),
        section(f":white_check_mark: {_why_resolved(note)}\n{quote(note.safeguard, 1500)}"),
        _review_fields(note),
    ]
    if note.reason:
        blocks.insert(2, section(f"*Inspector's reason*\n{quote(note.reason, 1500)}"))
    fallback = f"Safeguard alert on {note.urn} resolved: now {note.mark}"
    return message(fallback, blocks)


def _why_resolved(note: SafeguardNote) -> str:
    urn = esc(note.urn, 60)
    if note.no_longer_applies:
        return (
            f"The inspector's later answers on *{urn}* mean this safeguard does not apply to "
            "the review, so the earlier alert no longer stands."
        )
    return (
        f"The inspector has changed the mark on *{urn}* for this safeguard to "
        f"*{esc(note.mark, 40)}*, so the earlier alert no longer stands."
    )


def _review_fields(note: SafeguardNote) -> Block:
    return fields_section(
        [
            ("URN", note.urn),
            ("Review type", review_type_label(note.review_type)),
            ("Area", note.area),
            ("Lawyer", note.lawyer_name),
        ]
    )
