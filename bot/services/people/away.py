"""`/dip away`: the person asking records their own absence."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.services.people.directory import mark_away
from bot.services.people.requester import requester
from storage.models import Absence
from storage.uow import UnitOfWork


def record_own_absence(
    uow: UnitOfWork,
    *,
    slack_user_id: str,
    starts_on: date,
    ends_on: date,
    reason: str | None,
    now: datetime,
    tz: ZoneInfo,
) -> Absence:
    """Commits; raises NotInDirectory (audited) for a stranger and AbsenceRejected for dates
    that cannot be recorded."""
    with uow:
        person = requester(uow.session, slack_user_id, action="away", now=now)
        absence = mark_away(
            uow.session,
            person_email=person.email,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            now=now,
            tz=tz,
        )
        uow.commit()
        return absence
