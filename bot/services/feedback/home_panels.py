"""What the App Home shows a lawyer and a manager about feedback.

A lawyer sees only their own feedback; a manager sees only the people who report to them,
directly or through other managers. What is shown discloses URNs and marks, so the listing is
audited in the caller's transaction: the caller commits.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.inspection.state import questionnaire_of
from bot.slack.blocks.feedback_home import (
    AlertItem,
    ChallengeItem,
    FeedbackItem,
    FeedbackPanels,
    panel_blocks,
)
from bot.slack.blocks.text import Block
from storage import audit, feedback_repo, people_repo
from storage.models import Person

RECENT = 10
OPEN_ITEMS = 200  # more than the panel lists, so it can say how many more there are


def feedback_home_blocks(
    session: Session, person: Person, now: datetime, tz: ZoneInfo | str
) -> list[Block]:
    """The lawyer's and the manager's panels, for the roles the person holds (may be empty)."""
    timezone = tz if isinstance(tz, str) else tz.key
    roles = set(person.roles)
    own = _feedback_items(session, [person.id], limit=RECENT) if "lawyer" in roles else None
    panels = FeedbackPanels(timezone=timezone, own=tuple(own) if own is not None else None)
    if "manager" in roles:
        team = sorted(people_repo.team_ids(session, person.id))
        recent = _feedback_items(session, team, limit=RECENT)
        panels = FeedbackPanels(
            timezone=timezone,
            own=panels.own,
            team=tuple(recent),
            alerts=tuple(_open_alerts(session, team)),
            challenges=tuple(_open_challenges(session, team)),
            more_team=_submitted_count(session, team) - len(recent),
        )
    if panels.own is None and panels.team is None:
        return []
    shown = [i.urn for i in (*(panels.own or ()), *(panels.team or ()))]
    audit.record(
        session,
        actor=person.email,
        action="home.feedback_viewed",
        entity_type="person",
        entity_id=person.id,
        details={
            "urns": shown,
            "alerts": len(panels.alerts),
            "challenges": len(panels.challenges),
        },
        now=now,
    )
    return panel_blocks(panels)


def _feedback_items(session: Session, lawyer_ids: list[int], *, limit: int) -> list[FeedbackItem]:
    if not lawyer_ids:
        return []
    return [
        FeedbackItem(
            feedback_id=feedback.id if feedback is not None else None,
            urn=review.urn,
            review_type=review.review_type,
            lawyer_name=name,
            submitted_at=inspection.submitted_at or inspection.updated_at,
            score=inspection.score,
            acknowledged_at=feedback.acknowledged_at if feedback is not None else None,
            open_challenges=count or 0,
        )
        for inspection, review, name, feedback, count in feedback_repo.recent_submitted(
            session, lawyer_ids, limit=limit
        )
    ]


def _submitted_count(session: Session, lawyer_ids: list[int]) -> int:
    return feedback_repo.submitted_count(session, lawyer_ids) if lawyer_ids else 0


def _open_alerts(session: Session, lawyer_ids: list[int]) -> list[AlertItem]:
    if not lawyer_ids:
        return []
    found = []
    for alert, inspection, urn, name in feedback_repo.open_alerts(
        session, lawyer_ids, limit=OPEN_ITEMS
    ):
        questionnaire = questionnaire_of(inspection.questionnaire_version)
        found.append(
            AlertItem(
                urn,
                name,
                questionnaire.question(alert.question_id).short_label,
                alert.raised_at,
                acknowledged=alert.acknowledged_at is not None,
            )
        )
    return found


def _open_challenges(session: Session, lawyer_ids: list[int]) -> list[ChallengeItem]:
    if not lawyer_ids:
        return []
    found = []
    for challenge, inspection, urn, name in feedback_repo.open_challenges(
        session, lawyer_ids, limit=OPEN_ITEMS
    ):
        questionnaire = questionnaire_of(inspection.questionnaire_version)
        text = questionnaire.question(challenge.question_id).text
        found.append(ChallengeItem(urn, name, text, challenge.raised_at))
    return found
