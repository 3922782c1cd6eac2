"""Who is asking: a Slack user id turned into a person of the directory, or an audited refusal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.refusals import NotInDirectory
from storage import audit, people_repo
from storage.models import Person


def requester(session: Session, slack_user_id: str, *, action: str, now: datetime) -> Person:
    """The active person with this Slack id; otherwise the refusal is audited and committed
    (nothing else happened in the transaction) and NotInDirectory raised."""
    person = people_repo.find_by_slack_id(session, slack_user_id)
    if person is not None and person.active:
        return person
    audit.record(
        session,
        actor=slack_user_id,
        action=f"refused:{action}",
        entity_type="slack_user",
        entity_id=slack_user_id,
        details={"reason": "unknown user" if person is None else "inactive person"},
        now=now,
    )
    session.commit()
    raise NotInDirectory(slack_user_id)


def record_refusal(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str | int,
    reason: str,
    now: datetime,
) -> None:
    """A refusal decided elsewhere (a service that rolled back), audited and committed alone."""
    person = people_repo.find_by_slack_id(session, actor)
    audit.record(
        session,
        actor=person.email if person is not None else actor,
        action=f"refused:{action}",
        entity_type=entity_type,
        entity_id=entity_id,
        details={"reason": reason},
        now=now,
    )
    session.commit()
