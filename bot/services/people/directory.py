"""The people directory: importing it from a file, finding Slack ids, and absences.

An import is all or nothing: every row is checked first (inspections.intake for the row itself,
the directory here for Slack ids and manager chains), and any problem stops it with all of them
listed. Managers are linked after every row is stored, so a file may list a manager after the
people they manage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot import refusals
from bot.refusals import Refused
from inspections.intake import PersonRow, RowProblem, directory_problems, parse_people
from storage import audit, people_repo
from storage.models import Absence, Person, PersonRole
from storage.uow import UnitOfWork

MAX_ABSENCE = timedelta(days=366)


@dataclass
class PeopleImportReport:
    problems: list[RowProblem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    without_slack_id: list[str] = field(default_factory=list)  # active people, by email


def import_people(
    uow: UnitOfWork,
    raw: Iterable[tuple[int, Mapping[str, object]]],
    *,
    now: datetime,
    actor: str = audit.SYSTEM,
) -> PeopleImportReport:
    """Create or update everyone in the rows and commit; with any problem, change nothing."""
    with uow:
        session = uow.session
        rows, problems = parse_people(raw, directory_emails=people_repo.all_emails(session))
        existing = people_repo.people_by_email(session)
        problems = problems or _directory_problems(rows, existing)
        if problems:
            return PeopleImportReport(problems=problems)
        report = PeopleImportReport()
        changes: dict[str, dict[str, Any]] = {}
        for row in rows:
            person = existing.get(row.email)
            if person is None:
                person = _create(session, row, now)
                existing[row.email] = person
                report.created.append(row.email)
            else:
                changes[row.email] = _update(person, row)
        session.flush()  # ids for the new people, so managers can point at them
        for row in rows:
            person = existing[row.email]
            manager = existing[row.manager_email].id if row.manager_email else None
            if person.manager_id != manager:
                person.manager_id = manager
                changes.setdefault(row.email, {})["manager_email"] = row.manager_email
        for row in rows:
            person = existing[row.email]
            changed = changes.get(row.email)
            if row.email in report.created:
                _audit(session, person, "person.created", _snapshot(row), actor, now)
            elif changed:
                person.updated_at = now
                report.updated.append(row.email)
                _audit(session, person, "person.updated", changed, actor, now)
            else:
                report.unchanged += 1
        session.flush()
        report.without_slack_id = [p.email for p in people_repo.without_slack_id(session)]
        audit.record(
            session,
            actor=actor,
            action="people.imported",
            entity_type="directory",
            entity_id="people",
            details={
                "created": len(report.created),
                "updated": len(report.updated),
                "unchanged": report.unchanged,
            },
            now=now,
        )
        uow.commit()
        return report


def _create(session: Session, row: PersonRow, now: datetime) -> Person:
    person = Person(
        email=row.email,
        name=row.name,
        area=row.area,
        unit=row.unit,
        slack_user_id=row.slack_user_id,
        active=True,
        created_at=now,
        updated_at=now,
    )
    person.role_rows = [PersonRole(role=role) for role in sorted(row.roles)]
    session.add(person)
    return person


def _update(person: Person, row: PersonRow) -> dict[str, Any]:
    """Apply the row; what changed. An empty slack_user_id keeps the id already resolved."""
    changed: dict[str, Any] = {}
    for name in ("name", "area", "unit"):
        if getattr(person, name) != getattr(row, name):
            setattr(person, name, getattr(row, name))
            changed[name] = getattr(row, name)
    if row.slack_user_id and person.slack_user_id != row.slack_user_id:
        person.slack_user_id = row.slack_user_id
        changed["slack_user_id"] = row.slack_user_id
    if not person.active:
        person.active = True
        changed["active"] = True
    held = {r.role for r in person.role_rows}
    if held != row.roles:
        # Row by row: replacing the list would delete and re-insert the same primary keys.
        person.role_rows = [r for r in person.role_rows if r.role in row.roles]
        person.role_rows += [PersonRole(role=role) for role in sorted(row.roles - held)]
        changed["roles"] = sorted(row.roles)
    return changed


def _directory_problems(
    rows: Sequence[PersonRow], existing: Mapping[str, Person]
) -> list[RowProblem]:
    email_of = {p.id: p.email for p in existing.values()}
    return directory_problems(
        rows,
        stored_slack_ids={e: p.slack_user_id for e, p in existing.items() if p.slack_user_id},
        stored_managers={
            e: email_of.get(p.manager_id) if p.manager_id else None for e, p in existing.items()
        },
    )


def _snapshot(row: PersonRow) -> dict[str, Any]:
    return {
        "name": row.name,
        "roles": sorted(row.roles),
        "area": row.area,
        "unit": row.unit,
        "manager_email": row.manager_email,
        "slack_user_id": row.slack_user_id,
    }


def _audit(
    session: Session,
    person: Person,
    action: str,
    details: dict[str, Any],
    actor: str,
    now: datetime,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        entity_type="person",
        entity_id=person.id,
        details={"email": person.email, **details},
        now=now,
    )


class SlackUsers(Protocol):
    """The one Web API method used here; slack_sdk's WebClient has it."""

    def users_lookupByEmail(self, *, email: str, **kwargs: Any) -> Any: ...


@dataclass
class SlackResolution:
    resolved: dict[str, str] = field(default_factory=dict)  # email -> Slack user id
    unresolved: dict[str, str] = field(default_factory=dict)  # email -> why not


def resolve_slack_ids(
    uow: UnitOfWork,
    client: SlackUsers,
    *,
    now: datetime | None = None,
    actor: str = audit.SYSTEM,
) -> SlackResolution:
    """Look up everyone active without a Slack id by email, and store what was found; commits.

    Nobody is dropped: whoever cannot be resolved keeps their place in the directory and is
    listed with the reason. If Slack cannot be reached at all, the rest are not tried (each
    would wait for its retries). Slack is asked between two short transactions, never inside
    one, so a slow Slack holds nothing up. Run as often as liked: the found are not asked again.
    """
    now = now or datetime.now(UTC)
    with uow:
        emails = [person.email for person in people_repo.without_slack_id(uow.session)]
    if not emails:
        return SlackResolution()
    answers = _look_up(client, emails)
    outcome = SlackResolution(
        unresolved={e: why for e, why in answers.items() if isinstance(why, str)}
    )
    with uow:
        session = uow.session
        holders = people_repo.slack_id_holders(session)
        for person in people_repo.without_slack_id(session):
            user = answers.get(person.email)
            if not isinstance(user, dict):
                continue  # unresolved (listed already), or added since the lookup
            slack_id = user.get("id")
            if not slack_id:
                outcome.unresolved[person.email] = "no user in Slack's answer"
            elif user.get("deleted"):
                outcome.unresolved[person.email] = "deactivated in Slack"
            elif slack_id in holders:
                holder = holders[slack_id]
                outcome.unresolved[person.email] = f"{slack_id} already belongs to {holder}"
            else:
                person.slack_user_id = slack_id
                person.updated_at = now
                holders[slack_id] = person.email
                outcome.resolved[person.email] = slack_id
                details = {"slack_user_id": slack_id}
                _audit(session, person, "person.slack_id_resolved", details, actor, now)
        uow.commit()
    return outcome


def _look_up(client: SlackUsers, emails: list[str]) -> dict[str, dict[str, Any] | str]:
    """Email -> Slack's user object, or why there is none."""
    found: dict[str, dict[str, Any] | str] = {}
    for position, email in enumerate(emails):
        try:
            response = client.users_lookupByEmail(email=email)
        except SlackApiError as error:
            found[email] = str(error.response.get("error", "Slack error"))
            continue
        except (SlackClientError, OSError) as error:
            for unreached in emails[position:]:
                found[unreached] = f"Slack unreachable: {error}"
            break
        found[email] = dict(response.get("user") or {})
    return found


class AbsenceRejected(Refused, ValueError):
    """The absence cannot be recorded; the words say why, to follow "couldn't record that:"."""


def mark_away(
    session: Session,
    *,
    person_email: str,
    starts_on: date,
    ends_on: date,
    reason: str | None,
    now: datetime,
    tz: ZoneInfo | None = None,
    actor: str | None = None,
) -> Absence:
    """Record an absence (inclusive dates, local time zone); the caller commits. Nobody is
    assigned new work while away at any time before it would be due."""
    person = people_repo.find_by_email(session, person_email)
    if person is None:
        raise AbsenceRejected(refusals.absence_not_in_directory(person_email))
    if ends_on < starts_on:
        raise AbsenceRejected(
            refusals.absence_ends_before_it_starts(starts_on.isoformat(), ends_on.isoformat())
        )
    today = now.astimezone(tz or ZoneInfo("Europe/London")).date()
    if ends_on < today:
        raise AbsenceRejected(refusals.absence_over(ends_on.isoformat()))
    if ends_on - starts_on >= MAX_ABSENCE:
        raise AbsenceRejected(refusals.ABSENCE_TOO_LONG)
    absence = Absence(
        person_id=person.id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=(reason or "").strip() or None,
        created_at=now,
    )
    session.add(absence)
    session.flush()
    audit.record(
        session,
        actor=actor or person.email,
        action="person.marked_away",
        entity_type="person",
        entity_id=person.id,
        details={
            "email": person.email,
            "absence_id": absence.id,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
        now=now,
    )
    return absence
