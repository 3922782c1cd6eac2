"""What the App Home shows a lawyer and a manager about feedback.

A lawyer sees only their own feedback; a manager sees only the people who report to them,
directly or through other managers. What is shown discloses URNs and marks, so the listing is
audited in the caller's transaction: the caller commits.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
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
from inspections.lifecycle import Status
from storage import audit, people_repo
from storage.models import Alert, CaseReview, Challenge, Feedback, Inspection, Person

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
    open_challenges = (
        select(Challenge.feedback_id, func.count().label("open"))
        .where(Challenge.status == "open")
        .group_by(Challenge.feedback_id)
        .subquery()
    )
    query = (
        select(Inspection, CaseReview, Person.name, Feedback, open_challenges.c.open)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .join(Person, Person.id == CaseReview.lawyer_id)
        .outerjoin(Feedback, Feedback.inspection_id == Inspection.id)
        .outerjoin(open_challenges, open_challenges.c.feedback_id == Feedback.id)
        .where(Inspection.status == Status.SUBMITTED, CaseReview.lawyer_id.in_(lawyer_ids))
        .order_by(Inspection.submitted_at.desc(), Inspection.id.desc())
        .limit(limit)
    )
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
        for inspection, review, name, feedback, count in session.execute(query)
    ]


def _submitted_count(session: Session, lawyer_ids: list[int]) -> int:
    if not lawyer_ids:
        return 0
    query = (
        select(func.count())
        .select_from(Inspection)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(Inspection.status == Status.SUBMITTED, CaseReview.lawyer_id.in_(lawyer_ids))
    )
    return session.scalar(query) or 0


def _open_alerts(session: Session, lawyer_ids: list[int]) -> list[AlertItem]:
    if not lawyer_ids:
        return []
    query = (
        select(Alert, Inspection, CaseReview.urn, Person.name)
        .join(Inspection, Inspection.id == Alert.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .join(Person, Person.id == CaseReview.lawyer_id)
        .where(Alert.resolved_at.is_(None), CaseReview.lawyer_id.in_(lawyer_ids))
        .order_by(Alert.raised_at.desc(), Alert.id.desc())
        .limit(OPEN_ITEMS)
    )
    found = []
    for alert, inspection, urn, name in session.execute(query):
        questionnaire = questionnaire_of(inspection.questionnaire_version)
        found.append(
            AlertItem(urn, name, questionnaire.question(alert.question_id).text, alert.raised_at)
        )
    return found


def _open_challenges(session: Session, lawyer_ids: list[int]) -> list[ChallengeItem]:
    if not lawyer_ids:
        return []
    query = (
        select(Challenge, Inspection, CaseReview.urn, Person.name)
        .join(Feedback, Feedback.id == Challenge.feedback_id)
        .join(Inspection, Inspection.id == Feedback.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .join(Person, Person.id == Feedback.lawyer_id)
        .where(Challenge.status == "open", Feedback.lawyer_id.in_(lawyer_ids))
        .order_by(Challenge.raised_at.desc(), Challenge.id.desc())
        .limit(OPEN_ITEMS)
    )
    found = []
    for challenge, inspection, urn, name in session.execute(query):
        questionnaire = questionnaire_of(inspection.questionnaire_version)
        text = questionnaire.question(challenge.question_id).text
        found.append(ChallengeItem(urn, name, text, challenge.raised_at))
    return found
