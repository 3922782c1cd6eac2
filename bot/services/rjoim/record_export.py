"""The RJOIM record for a file: one meeting as recorded, or (no meeting named) each force's
next agenda and open actions as of now. Two versions from the same document:

- the CPS record: everything, attendees and owners by name, the lawyers and the action-plan
  marks of the cases;
- the police-safe record for the joint meeting: URNs, action-plan counts, the themes, issues,
  actions and their impact; attendees by role only, an action owned by CPS staff as "CPS",
  every directory name taken out of the free text, and no lawyer, unit, mark or score.

Building it is audited as an export (`rjoim.record_exported`), whoever asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.rjoim.export import agenda_rows
from bot.services.rjoim.meetings import (
    FIRST_AGENDA_DAYS,
    MeetingView,
    meeting_view,
    next_meeting_view,
)
from inspections.anonymise import anonymised
from inspections.forces import force_name
from inspections.rjoim_record import AGENCIES, ATTENDEE_ROLES, is_overdue
from inspections.rjoim_themes import BY_CODE, theme_label
from inspections.scopes import Scope, ScopeKind
from storage import audit, rjoim_record_repo, trend_mapping
from storage.models import Person, RjoimImpact, RjoimMeeting
from storage.rjoim_queries import rjoim_cases
from storage.rjoim_record_repo import ActionRow
from storage.trend_queries import scope_filter
from storage.uow import UnitOfWork


class ExportProblem(ValueError):
    """What was asked for does not exist in that Area (or with that force)."""


@dataclass(frozen=True)
class _Scrub:
    """For the police: typed text keeps its URNs but loses the directory's names, any email
    address, the marking scales' labels and percentages (inspections.anonymise)."""

    police_safe: bool
    names: tuple[str, ...]
    marks: tuple[str, ...]

    def text(self, value: str | None) -> str:
        if not value:
            return ""
        if not self.police_safe:
            return value
        return anonymised(value, self.names, keep_urns=True, marks=self.marks)


def _mark_labels(session: Session) -> tuple[str, ...]:
    """Every label of a scale that marks (one with scored options), in every stored version."""
    labels: set[str] = set()
    for version_id, content_hash in trend_mapping.versions(session):
        for scale in trend_mapping.questionnaire(session, version_id, content_hash).scales.values():
            if any(o.score is not None for o in scale.options):
                labels |= {o.label for o in scale.options}
    return tuple(sorted(labels))


def record_document(
    uow: UnitOfWork,
    *,
    actor: str,
    area: str,
    force: str | None,
    meeting_id: int | None,
    police_safe: bool,
    now: datetime,
    tz: ZoneInfo,
) -> dict[str, Any]:
    with uow:
        document = build_document(
            uow.session,
            area=area,
            force=force,
            meeting_id=meeting_id,
            police_safe=police_safe,
            now=now,
            tz=tz,
        )
        audit_export(
            uow.session, actor=actor, document=document, force=force, meeting_id=meeting_id, now=now
        )
        uow.commit()
    return document


def build_document(
    session: Session,
    *,
    area: str,
    force: str | None,
    meeting_id: int | None,
    police_safe: bool,
    now: datetime,
    tz: ZoneInfo,
) -> dict[str, Any]:
    views = _views(session, area, force, meeting_id, now, tz)
    names = tuple(session.scalars(select(Person.name)))
    scrub = _Scrub(police_safe, names, _mark_labels(session))
    today = now.astimezone(tz).date()
    return {
        "area": area,
        "police_safe": police_safe,
        "as_of": today.isoformat(),
        "meetings": [_meeting(session, v, scrub, today, tz) for v in views],
    }


def audit_export(
    session: Session,
    *,
    actor: str,
    document: dict[str, Any],
    force: str | None,
    meeting_id: int | None,
    now: datetime,
    to: str | None = None,
) -> None:
    parts: list[dict[str, Any]] = document["meetings"]
    details: dict[str, Any] = {
        "force": force,
        "meeting_id": meeting_id,
        "police_safe": document["police_safe"],
        "urns": sorted({c["urn"] for m in parts for c in m["cases"]}),
    }
    if to is not None:
        details["to"] = to
    audit.record(
        session,
        actor=actor,
        action="rjoim.record_exported",
        entity_type="rjoim_area",
        entity_id=document["area"],
        details=details,
        now=now,
    )


def _views(
    session: Session,
    area: str,
    force: str | None,
    meeting_id: int | None,
    now: datetime,
    tz: ZoneInfo,
) -> list[MeetingView]:
    if meeting_id is not None:
        meeting = session.get(RjoimMeeting, meeting_id)
        if meeting is None or meeting.area != area or force not in (None, meeting.force_code):
            where = area if force is None else f"{area} with force {force}"
            raise ExportProblem(f"there is no RJOIM meeting {meeting_id} of {where}")
        return [meeting_view(session, meeting, tz)]
    if force is not None:
        forces = {force}
    else:
        forces = {m.force_code for m in rjoim_record_repo.meetings(session, areas=[area])}
        start = now - timedelta(days=FIRST_AGENDA_DAYS)
        scope = scope_filter(Scope(ScopeKind.AREA, area, area=area))
        forces |= {
            c.force_code for c in rjoim_cases(session, scope, start=start, end=now, question_ids=[])
        }
    return [next_meeting_view(session, area, code, now=now, tz=tz) for code in sorted(forces)]


def _meeting(
    session: Session, view: MeetingView, scrub: _Scrub, today: date, tz: ZoneInfo
) -> dict[str, Any]:
    record = view.record
    meeting: dict[str, Any] | None = None
    if record is not None:
        m = record.meeting
        meeting = {
            "id": m.id,
            "held_on": m.held_on.isoformat(),
            "next_meeting_on": m.next_meeting_on.isoformat() if m.next_meeting_on else None,
            "attendees": [
                {"role": ATTENDEE_ROLES.get(a["role"], a["role"])}
                | ({} if scrub.police_safe else {"name": a["name"]})
                for a in m.attendees
            ],
        }
    urns = [c.urn for c in view.cases] + list(record.urns if record else ())
    themes = rjoim_record_repo.themes_by_urn(session, urns)
    cases = agenda_rows(view.cases, view.questions, police_safe=scrub.police_safe, tz=tz)
    for row in cases:
        row["themes"] = [theme_label(t) for t in themes.get(row["urn"], [])]
    return {
        "force_code": view.force_code,
        "force": force_name(view.force_code),
        "meeting": meeting,
        "previous_meeting_on": view.since.isoformat() if view.since else None,
        "cases": cases,
        "cases_discussed": list(record.urns) if record else [],
        "issues": [
            {
                "theme": theme_label(i.theme),
                "theme_section": f"003 §{BY_CODE[i.theme].section}",
                "urn": i.urn,
                "description": scrub.text(i.description),
            }
            for i in (record.issues if record else ())
        ],
        "actions_agreed": [
            _action(row, scrub, today, []) for row in (record.actions if record else ())
        ],
        "actions_reviewed": [
            _action(row, scrub, today, view.impacts.get(row.action.id, [])) for row in view.carried
        ],
    }


def _action(
    row: ActionRow, scrub: _Scrub, today: date, impacts: list[RjoimImpact]
) -> dict[str, Any]:
    action = row.action
    if row.owner is not None:
        owner = "CPS" if scrub.police_safe else row.owner.name
    else:
        owner = scrub.text(action.police_owner)
    done = action.closed_at is not None
    status = (
        "done"
        if done
        else "overdue"
        if is_overdue(action.due_on, done=done, today=today)
        else "open"
    )
    found: dict[str, Any] = {
        "id": action.id,
        "agreed_on": row.meeting.held_on.isoformat(),
        "description": scrub.text(action.description),
        "agency": AGENCIES[action.agency],
        "owner": owner,
        "due_on": action.due_on.isoformat(),
        "status": status,
    }
    if not scrub.police_safe and row.owner is not None:
        found["owner_email"] = row.owner.email
    if impacts:
        found["impacts"] = [
            {
                "done": i.done,
                "effect": scrub.text(i.effect),
                "evidence": scrub.text(i.evidence),
            }
            for i in impacts
        ]
    return found
