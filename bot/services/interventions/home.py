"""The national inspection lead's App Home panel: open interventions by Area (counts only)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.slack.blocks.intervention_home import AreaInterventions, national_panel
from bot.slack.blocks.text import Block
from storage import audit, interventions_repo
from storage.models import Person


def national_interventions_blocks(
    session: Session, person: Person, now: datetime, tz: ZoneInfo
) -> list[Block]:
    if "admin" not in person.roles:
        return []
    rows = [AreaInterventions(*row) for row in interventions_repo.open_by_area(session)]
    audit.record(
        session,
        actor=person.email,
        action="home.interventions_viewed",
        entity_type="person",
        entity_id=person.id,
        details={"areas": len(rows), "open": sum(r.open for r in rows)},
        now=now,
    )
    return national_panel(rows, tz.key)
