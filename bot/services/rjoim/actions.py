"""An RJOIM action as the lead, its owner and the managers read it: its force, what it is, who
owns it (a person's name, or the named police officer), when it is due, and whether it is
overdue as of a given moment. Shared by the App Home panel, the reminders, `/dip rjoim` and the
weekly digest; it goes to direct messages only."""

from __future__ import annotations

from datetime import datetime

from bot.slack.blocks.rjoim_home import OpenAction
from inspections.forces import force_name
from inspections.rjoim_record import is_overdue
from storage.rjoim_record_repo import ActionRow


def open_action(row: ActionRow, as_of: datetime | None = None) -> OpenAction:
    """as_of: a local time (its date is the day overdue is judged on); None: not judged."""
    action = row.action
    owner = row.owner.name if row.owner is not None else (action.police_owner or "")
    return OpenAction(
        action.id,
        force_name(row.meeting.force_code),
        action.description,
        owner,
        action.due_on,
        as_of is not None
        and is_overdue(action.due_on, done=action.closed_at is not None, today=as_of.date()),
    )
