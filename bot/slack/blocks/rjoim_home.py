"""What the RJOIM lead and an action's owner read: the App Home panel (each force's latest
meeting with its buttons, the open actions), the owner's reminder and the message that carries
a meeting's records. The buttons and modals are in bot.slack.blocks.rjoim_record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.slack.blocks.rjoim_record import (
    ADD_ACTION,
    ADD_ISSUE,
    RECORD_IMPACT,
    RECORD_MEETING,
    SEND_RECORDS,
    button,
)
from bot.slack.blocks.text import Block, context, divider, esc, header, message, section
from inspections.forces import force_name


@dataclass(frozen=True)
class OpenAction:
    action_id: int
    force: str
    description: str
    owner: str  # a person's name, or the named police owner
    due_on: date
    overdue: bool


@dataclass(frozen=True)
class ForceMeetings:
    meeting_id: int  # the latest meeting with the force
    area: str
    force_code: str
    held_on: date
    next_on: date | None
    open_actions: int
    issues: int = 0  # raised at the latest meeting


def home_panel(
    forces: Sequence[ForceMeetings], actions: Sequence[OpenAction], scope: str
) -> list[Block]:
    """The RJOIM lead's panel: each force's latest and next meeting with buttons to add to the
    latest, then the open actions, soonest due first."""
    blocks: list[Block] = [divider(), header("RJOIM")]
    blocks.append(context(esc(f"Joint meetings with the police, for {scope}.", 500)))
    for force in forces[:8]:
        nxt = force.next_on.isoformat() if force.next_on else "not set"
        blocks.append(
            section(
                f"*{esc(force_name(force.force_code), 100)} ({force.force_code})*, "
                f"{esc(force.area, 100)}: last met {force.held_on.isoformat()}; "
                f"{force.issues} issue(s) raised; next meeting {nxt}; "
                f"{force.open_actions} open action(s)"
            )
        )
        blocks.append(
            {
                "type": "actions",
                "block_id": f"rjoim-{force.meeting_id}",
                "elements": [
                    button("Add issue", ADD_ISSUE, force.meeting_id),
                    button("Add action", ADD_ACTION, force.meeting_id),
                    button("Record impact", RECORD_IMPACT, force.meeting_id),
                    button("Send me the records", SEND_RECORDS, force.meeting_id),
                ],
            }
        )
    if actions:
        lines = [
            f"• {'*overdue* ' if a.overdue else ''}due {a.due_on.isoformat()} · "
            f"{esc(a.force, 60)} · {esc(a.description, 150)} · {esc(a.owner, 80)}"
            for a in actions[:15]
        ]
        more = f"\n…and {len(actions) - 15} more" if len(actions) > 15 else ""
        blocks.append(section("*Open actions*\n" + "\n".join(lines) + more))
    else:
        blocks.append(context("No open actions."))
    blocks.append(
        {
            "type": "actions",
            "block_id": "rjoim-new",
            "elements": [button("Record an RJOIM meeting", RECORD_MEETING, None, primary=True)],
        }
    )
    return blocks


def reminder_message(action: OpenAction, area: str) -> dict[str, Any]:
    title = f"RJOIM action due {action.due_on.isoformat()}"
    blocks = [
        header(title),
        section(
            f"You own this action, agreed at {esc(area, 100)}'s RJOIM with "
            f"{esc(action.force, 100)}:\n>{esc(action.description, 2000)}"
        ),
        context("Its impact is assessed at the next meeting with the force."),
    ]
    return message(f"{title}: {action.description}", blocks)


def records_message(title: str, held_on: date) -> dict[str, Any]:
    heading = f"RJOIM record: {title}, {held_on.isoformat()}"
    blocks = [
        header(heading),
        section(
            "The CPS record (names, marks: not for the police) and the police-safe record for "
            "the joint meeting, each as CSV and PDF, are attached below."
        ),
    ]
    return message(heading, blocks)
