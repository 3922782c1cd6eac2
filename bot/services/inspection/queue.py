"""An inspector's open inspections, for `/dip queue` and the App Home tab.

Reading the queue discloses URNs, so every read is audited, in its own small transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.services.inspection.state import FlowState, load_state
from bot.services.people.requester import requester
from bot.slack.blocks.viewmodels import QueueItem
from bot.slack.cards import review_info
from inspections.lifecycle import Status
from storage import audit, inspections_repo
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Queue:
    person_name: str
    roles: frozenset[str]
    items: tuple[QueueItem, ...]

    @property
    def is_inspector(self) -> bool:
        return "inspector" in self.roles


def queue_item(state: FlowState, timezone: str) -> QueueItem:
    started = state.status != Status.ASSIGNED
    return QueueItem(
        inspection_id=state.inspection_id,
        card_version=state.card_version,
        review=review_info(state, timezone),
        status=Status(state.status),
        answered=state.answered_count if started else 0,
        total=len(state.enabled) if started else 0,
    )


def open_inspections(session: Session, *, inspector_id: int, timezone: str) -> list[QueueItem]:
    """Soonest due first; those without a due date last."""
    return [
        queue_item(load_state(session, inspection_id), timezone)
        for inspection_id in inspections_repo.open_ids_of(session, inspector_id)
    ]


def queue_for(
    uow: UnitOfWork,
    *,
    slack_user_id: str,
    timezone: str,
    now: datetime,
    surface: str,
) -> Queue:
    """The requester's queue; raises NotInDirectory (audited) for a stranger.

    ``surface`` ("command" or "home") is recorded with the view."""
    with uow:
        person = requester(uow.session, slack_user_id, action=f"queue:{surface}", now=now)
        items = open_inspections(uow.session, inspector_id=person.id, timezone=timezone)
        audit.record(
            uow.session,
            actor=person.email,
            action="queue.viewed",
            entity_type="person",
            entity_id=person.id,
            details={"surface": surface, "inspection_ids": [i.inspection_id for i in items]},
            now=now,
        )
        uow.commit()
        return Queue(person_name=person.name, roles=frozenset(person.roles), items=tuple(items))
