"""The manager's App Home panel: the current quarter's headline figures for their own scope.

The scope follows the person's roles as `/dip trends` does by default: a line manager's team,
a Unit Head's or Chief Crown Prosecutor's Area, the whole country for the national lead. The
figures come from the trend engine, so they match `/dip trends quarter` to the digit. Viewing
them is audited in the caller's transaction: the caller commits.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.trends.engine import summarise
from bot.services.trends.summary import viewer_for
from bot.slack.blocks.text import Block
from bot.slack.blocks.trends import headline_panel
from inspections.periods import quarter_of
from inspections.scopes import Reach, ScopeRequest, reach, resolve
from storage import audit
from storage.models import Person

MANAGERIAL = (Reach.NATIONAL, Reach.AREA, Reach.TEAM)


def quarter_headline_blocks(
    session: Session, person: Person, now: datetime, tz: ZoneInfo | str
) -> list[Block]:
    """The panel, or nothing for someone who manages nobody (a lawyer, an inspector, or a
    line manager with nobody reporting to them yet)."""
    viewer = viewer_for(session, person)
    allowed = reach(viewer)
    if allowed not in MANAGERIAL or (allowed is Reach.TEAM and not viewer.team):
        return []
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    scope = resolve(viewer, ScopeRequest())
    period = quarter_of(now.astimezone(zone).date())
    summary = summarise(session, scope=scope, period=period, review_type=None, tz=zone)
    audit.record(
        session,
        actor=person.email,
        action="trends.headline_viewed",
        entity_type="trend_scope",
        entity_id=scope.label,
        details={
            "scope": scope.kind.value,
            "area": scope.area,
            "period": period.label,
            "inspections": summary.figures.inspections,
        },
        now=now,
    )
    return headline_panel(summary)
