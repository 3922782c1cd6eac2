"""Queries of interventions (alerts with a life): their messages, the ones due for escalation,
and the list for the command line and the App Home."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.orm import Session

from storage.models import Alert, CaseReview, Inspection, OutboxMessage, Person
from storage.trend_queries import TrendFilter, review_scope


def message_prefixes(alert: Alert) -> tuple[str, str]:
    """The dedupe keys of the alert's messages to managers start with the first, of its
    escalations with the second (bot.services.feedback.alerts writes both)."""
    base = f"alert:{alert.inspection_id}:{alert.question_id}"
    return f"{base}:raised:", f"{base}:escalated:"


def alert_messages(session: Session, alert: Alert) -> list[OutboxMessage]:
    """Every copy of the alert sent or waiting: to the managers, and to whoever it was
    escalated to. Their recipients are the people who may act on it."""
    raised, escalated = message_prefixes(alert)
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.dedupe_key.startswith(raised, autoescape=True)
            | OutboxMessage.dedupe_key.startswith(escalated, autoescape=True)
        )
        .order_by(OutboxMessage.id)
    )
    return list(session.scalars(query))


def lock(session: Session, alert_id: int) -> Alert | None:
    """The alert, locked to the end of the transaction: two clicks are taken one by one."""
    return session.get(Alert, alert_id, with_for_update=True)


def awaiting_acknowledgement(session: Session) -> Sequence[Alert]:
    """Open, unacknowledged and not yet escalated: the candidates for escalation."""
    query = select(Alert).where(
        Alert.closed_at.is_(None),
        Alert.acknowledged_at.is_(None),
        Alert.escalated_at.is_(None),
    )
    return session.scalars(query.order_by(Alert.raised_at, Alert.id)).all()


def listing(
    session: Session, *, area: str | None = None
) -> Sequence[Row[tuple[Alert, str, str, str, str]]]:
    """Every intervention, oldest first, with its URN, Area, lawyer's name and email."""
    query: Any = (
        select(Alert, CaseReview.urn, CaseReview.area, Person.name, Person.email)
        .join(Inspection, Inspection.id == Alert.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .join(Person, Person.id == CaseReview.lawyer_id)
        .order_by(Alert.raised_at, Alert.id)
    )
    if area is not None:
        query = query.where(CaseReview.area == area)
    return session.execute(query).all()


def raised_between(
    session: Session, flt: TrendFilter, start: datetime, end: datetime
) -> list[tuple[datetime, datetime | None, datetime | None, str | None]]:
    """(raised, acknowledged, closed, outcome) of the interventions raised in [start, end) on
    the reviews a trend filter covers."""
    query = (
        select(Alert.raised_at, Alert.acknowledged_at, Alert.closed_at, Alert.outcome)
        .join(Inspection, Inspection.id == Alert.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(Alert.raised_at >= start, Alert.raised_at < end, *review_scope(flt))
    )
    return [(r, a, c, o) for r, a, c, o in session.execute(query)]


def open_in_scope(
    session: Session,
    *,
    area: str | None = None,
    unit: str | None = None,
    lawyer_ids: Collection[int] | None = None,
) -> list[tuple[Alert, str]]:
    """Interventions not yet closed on the scope's reviews, oldest first, with their URN."""
    query: Any = (
        select(Alert, CaseReview.urn)
        .join(Inspection, Inspection.id == Alert.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(Alert.closed_at.is_(None))
        .order_by(Alert.raised_at, Alert.id)
    )
    if area is not None:
        query = query.where(CaseReview.area == area)
    if unit is not None:
        query = query.where(CaseReview.unit == unit)
    if lawyer_ids is not None:
        query = query.where(CaseReview.lawyer_id.in_(list(lawyer_ids)))
    return [(alert, urn) for alert, urn in session.execute(query)]


def open_by_area(session: Session) -> list[tuple[str, int, int, datetime]]:
    """Per Area with any open intervention: (Area, open, of them unacknowledged, oldest raised)."""
    unacknowledged = func.sum(case((Alert.acknowledged_at.is_(None), 1), else_=0))
    query = (
        select(CaseReview.area, func.count(Alert.id), unacknowledged, func.min(Alert.raised_at))
        .join(Inspection, Inspection.id == Alert.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(Alert.closed_at.is_(None))
        .group_by(CaseReview.area)
        .order_by(CaseReview.area)
    )
    return [(area, int(n), int(u or 0), oldest) for area, n, u, oldest in session.execute(query)]
