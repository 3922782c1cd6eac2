"""Queries of the RJOIM record: meetings, their issues, actions and impacts; open, due and
overdue actions; the narrative themes recorded per case."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspections.rjoim_record import ActionState
from storage.models import (
    Person,
    RjoimAction,
    RjoimCaseDiscussed,
    RjoimImpact,
    RjoimIssue,
    RjoimMeeting,
)


@dataclass(frozen=True)
class ActionRow:
    action: RjoimAction
    meeting: RjoimMeeting
    owner: Person | None


@dataclass(frozen=True)
class MeetingRecord:
    meeting: RjoimMeeting
    urns: tuple[str, ...]
    issues: tuple[RjoimIssue, ...]
    actions: tuple[ActionRow, ...]  # agreed at this meeting
    impacts: tuple[tuple[RjoimImpact, ActionRow], ...]  # assessed at this meeting


def meeting_on(session: Session, area: str, force_code: str, held_on: date) -> RjoimMeeting | None:
    return session.scalars(
        select(RjoimMeeting).where(
            RjoimMeeting.area == area,
            RjoimMeeting.force_code == force_code,
            RjoimMeeting.held_on == held_on,
        )
    ).one_or_none()


def meetings(
    session: Session, *, areas: Collection[str] | None, force_code: str | None = None
) -> list[RjoimMeeting]:
    """Newest first."""
    query = select(RjoimMeeting).order_by(RjoimMeeting.held_on.desc(), RjoimMeeting.id.desc())
    if areas is not None:
        query = query.where(RjoimMeeting.area.in_(sorted(areas)))
    if force_code is not None:
        query = query.where(RjoimMeeting.force_code == force_code)
    return list(session.scalars(query))


def action_states(session: Session, area: str, force_code: str) -> list[ActionState]:
    query = (
        select(RjoimAction.id, RjoimMeeting.held_on, RjoimAction.closed_at)
        .join(RjoimMeeting, RjoimMeeting.id == RjoimAction.meeting_id)
        .where(RjoimMeeting.area == area, RjoimMeeting.force_code == force_code)
    )
    return [
        ActionState(action_id, area, force_code, held_on, closed_at is not None)
        for action_id, held_on, closed_at in session.execute(query)
    ]


def action_rows(session: Session, action_ids: Sequence[int]) -> list[ActionRow]:
    if not action_ids:
        return []
    query = (
        select(RjoimAction, RjoimMeeting, Person)
        .join(RjoimMeeting, RjoimMeeting.id == RjoimAction.meeting_id)
        .outerjoin(Person, Person.id == RjoimAction.owner_person_id)
        .where(RjoimAction.id.in_(list(action_ids)))
        .order_by(RjoimMeeting.held_on, RjoimAction.id)
    )
    return [ActionRow(a, m, p) for a, m, p in session.execute(query)]


def open_actions(
    session: Session,
    *,
    areas: Collection[str] | None,
    force_code: str | None = None,
    owner_ids: Collection[int] | None = None,
    due_by: date | None = None,
) -> list[ActionRow]:
    """Actions not yet recorded done, soonest due first; optionally due on or before due_by."""
    query = (
        select(RjoimAction, RjoimMeeting, Person)
        .join(RjoimMeeting, RjoimMeeting.id == RjoimAction.meeting_id)
        .outerjoin(Person, Person.id == RjoimAction.owner_person_id)
        .where(RjoimAction.closed_at.is_(None))
        .order_by(RjoimAction.due_on, RjoimAction.id)
    )
    if areas is not None:
        query = query.where(RjoimMeeting.area.in_(sorted(areas)))
    if force_code is not None:
        query = query.where(RjoimMeeting.force_code == force_code)
    if owner_ids is not None:
        query = query.where(RjoimAction.owner_person_id.in_(sorted(owner_ids)))
    if due_by is not None:
        query = query.where(RjoimAction.due_on <= due_by)
    return [ActionRow(a, m, p) for a, m, p in session.execute(query)]


def record(session: Session, meeting: RjoimMeeting) -> MeetingRecord:
    urns = session.scalars(
        select(RjoimCaseDiscussed.urn)
        .where(RjoimCaseDiscussed.meeting_id == meeting.id)
        .order_by(RjoimCaseDiscussed.urn)
    ).all()
    issues = session.scalars(
        select(RjoimIssue).where(RjoimIssue.meeting_id == meeting.id).order_by(RjoimIssue.id)
    ).all()
    agreed = session.scalars(
        select(RjoimAction.id).where(RjoimAction.meeting_id == meeting.id).order_by(RjoimAction.id)
    ).all()
    impacts = session.scalars(
        select(RjoimImpact).where(RjoimImpact.meeting_id == meeting.id).order_by(RjoimImpact.id)
    ).all()
    assessed = {row.action.id: row for row in action_rows(session, [i.action_id for i in impacts])}
    return MeetingRecord(
        meeting,
        tuple(urns),
        tuple(issues),
        tuple(action_rows(session, list(agreed))),
        tuple((impact, assessed[impact.action_id]) for impact in impacts),
    )


def impacts_of(session: Session, action_ids: Sequence[int]) -> dict[int, list[RjoimImpact]]:
    found: dict[int, list[RjoimImpact]] = {}
    if not action_ids:
        return found
    query = (
        select(RjoimImpact)
        .where(RjoimImpact.action_id.in_(list(action_ids)))
        .order_by(RjoimImpact.recorded_at, RjoimImpact.id)
    )
    for impact in session.scalars(query):
        found.setdefault(impact.action_id, []).append(impact)
    return found


def themes_by_urn(session: Session, urns: Collection[str]) -> dict[str, list[str]]:
    """The themes of the issues raised on each case, in the order they were raised."""
    found: dict[str, list[str]] = {}
    if not urns:
        return found
    query = (
        select(RjoimIssue.urn, RjoimIssue.theme)
        .where(RjoimIssue.urn.in_(sorted(urns)))
        .order_by(RjoimIssue.recorded_at, RjoimIssue.id)
    )
    for urn, theme in session.execute(query):
        if urn is not None and theme not in found.setdefault(urn, []):
            found[urn].append(theme)
    return found


def issue_counts(session: Session, meeting_ids: Collection[int]) -> dict[int, int]:
    if not meeting_ids:
        return {}
    query = (
        select(RjoimIssue.meeting_id, func.count())
        .where(RjoimIssue.meeting_id.in_(sorted(meeting_ids)))
        .group_by(RjoimIssue.meeting_id)
    )
    return {meeting_id: int(n) for meeting_id, n in session.execute(query)}
