"""Recording an RJOIM: the meeting, the issues raised, the actions agreed and, at a later
meeting with the same force, the impact of each action (seed 000, Rec 7).

Each step checks who is asking (the Area's RJOIM lead, bot.services.rjoim.leads), checks the
input with the pure rules (inspections.rjoim_record: anything wrong is InvalidInput and nothing
is stored), writes and audits in one transaction. A step written from a Slack modal carries the
view's id as its request key: the same submission twice stores one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import refusals
from bot.refusals import InvalidInput, Refused
from bot.services.rjoim.leads import Lead, lead_and_meeting, rjoim_lead
from inspections.forces import force_of
from inspections.intake import URN_PATTERN
from inspections.rjoim_record import (
    ActionDraft,
    ImpactDraft,
    action_problems,
    carried_forward,
    impact_meeting_problem,
    impact_problems,
    issue_problems,
    meeting_problems,
    parse_attendees,
    parse_urns,
)
from storage import audit, people_repo, rjoim_record_repo
from storage.models import RjoimAction, RjoimCaseDiscussed, RjoimImpact, RjoimIssue, RjoimMeeting
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Recorded:
    id: int
    created: bool  # False: the same thing was already recorded (a resubmission)


def record_meeting(
    uow: UnitOfWork,
    *,
    actor_slack_id: str,
    area: str,
    force_code: str,
    held_on: date | None,
    next_meeting_on: date | None,
    attendees: str,
    urns: str,
    now: datetime,
    tz: ZoneInfo,
) -> Recorded:
    with uow:
        session = uow.session
        lead = rjoim_lead(session, actor_slack_id, action="rjoim.meeting", now=now, area=area)
        people, problems = parse_attendees(attendees)
        today = now.astimezone(tz).date()
        problems = (
            meeting_problems(
                area=area, force_code=force_code, held_on=held_on, attendees=people, today=today
            )
            + problems
        )
        discussed, urn_problems = parse_urns(urns, force_code=force_code)
        if problems or urn_problems or held_on is None:
            raise InvalidInput(problems + urn_problems)
        if next_meeting_on is not None and next_meeting_on <= held_on:
            raise InvalidInput(["The next meeting must be after this one."])
        existing = rjoim_record_repo.meeting_on(session, area, force_code, held_on)
        if existing is not None:
            same = existing.attendees == [{"role": a.role, "name": a.name} for a in people]
            if same and existing.next_meeting_on == next_meeting_on:
                return Recorded(existing.id, created=False)  # the same form sent again
            raise InvalidInput([refusals.rjoim_meeting_exists(force_code, held_on)])
        meeting = RjoimMeeting(
            area=area,
            force_code=force_code,
            held_on=held_on,
            next_meeting_on=next_meeting_on,
            attendees=[{"role": a.role, "name": a.name} for a in people],
            recorded_by=lead.person.id,
            recorded_at=now,
        )
        session.add(meeting)
        session.flush()
        session.add_all(RjoimCaseDiscussed(meeting_id=meeting.id, urn=urn) for urn in discussed)
        _audit(session, lead, "rjoim.meeting_recorded", "rjoim_meeting", meeting.id, now,
               {"area": area, "force": force_code, "held_on": held_on.isoformat(),
                "urns": discussed})  # fmt: skip
        uow.commit()
        return Recorded(meeting.id, created=True)


def add_issue(
    uow: UnitOfWork,
    *,
    actor_slack_id: str,
    meeting_id: int,
    theme: str,
    urn: str,
    description: str,
    request_key: str | None,
    now: datetime,
) -> Recorded:
    """An issue raised at the meeting; with a URN, it is that case's narrative theme (and the
    case is added to those discussed)."""
    with uow:
        session = uow.session
        lead, meeting = lead_and_meeting(session, actor_slack_id, meeting_id, "rjoim.issue", now)
        if (done := _already(session, RjoimIssue, request_key)) is not None:
            return done
        problems = issue_problems(theme=theme, description=description)
        case = urn.strip().upper()
        if case and not URN_PATTERN.match(case):
            problems.append(
                f"{urn.strip()!r} is not a URN (two digits, two letters, seven digits)."
            )
        elif case and force_of(case) != meeting.force_code:
            problems.append(
                f"{case} is a case of force {force_of(case)}, not {meeting.force_code}."
            )
        if problems:
            raise InvalidInput(problems)
        issue = RjoimIssue(
            meeting_id=meeting.id,
            urn=case or None,
            theme=theme,
            description=description.strip(),
            request_key=request_key,
            recorded_by=lead.person.id,
            recorded_at=now,
        )
        session.add(issue)
        if case and case not in rjoim_record_repo.record(session, meeting).urns:
            session.add(RjoimCaseDiscussed(meeting_id=meeting.id, urn=case))
        session.flush()
        _audit(session, lead, "rjoim.issue_recorded", "rjoim_issue", issue.id, now,
               {"meeting_id": meeting.id, "theme": theme, "urn": case or None})  # fmt: skip
        uow.commit()
        return Recorded(issue.id, created=True)


def add_action(
    uow: UnitOfWork,
    *,
    actor_slack_id: str,
    meeting_id: int,
    description: str,
    agency: str,
    owner_slack_id: str | None,
    police_owner: str,
    due_on: date | None,
    request_key: str | None,
    today: date,
    now: datetime,
) -> Recorded:
    with uow:
        session = uow.session
        lead, meeting = lead_and_meeting(session, actor_slack_id, meeting_id, "rjoim.action", now)
        if (done := _already(session, RjoimAction, request_key)) is not None:
            return done
        owner = people_repo.find_by_slack_id(session, owner_slack_id) if owner_slack_id else None
        if owner_slack_id and (owner is None or not owner.active):
            raise InvalidInput([refusals.RJOIM_OWNER_NOT_IN_DIRECTORY])
        draft = ActionDraft(
            description, agency, owner.id if owner else None, police_owner.strip(), due_on
        )
        problems = action_problems(draft, today=today)
        if problems or due_on is None:
            raise InvalidInput(problems)
        action = RjoimAction(
            meeting_id=meeting.id,
            description=description.strip(),
            agency=agency,
            owner_person_id=draft.owner_person_id,
            police_owner=draft.police_owner or None,
            due_on=due_on,
            request_key=request_key,
            recorded_by=lead.person.id,
            recorded_at=now,
        )
        session.add(action)
        session.flush()
        _audit(session, lead, "rjoim.action_recorded", "rjoim_action", action.id, now,
               {"meeting_id": meeting.id, "agency": agency, "due_on": due_on.isoformat(),
                "owner": owner.email if owner else None})  # fmt: skip
        uow.commit()
        return Recorded(action.id, created=True)


def record_impact(
    uow: UnitOfWork,
    *,
    actor_slack_id: str,
    meeting_id: int,
    action_id: int,
    done: bool | None,
    effect: str,
    evidence: str,
    now: datetime,
) -> Recorded:
    """The impact of an action agreed at an earlier meeting with the same force, assessed at
    this one; recorded done, the action closes and no longer carries forward."""
    with uow:
        session = uow.session
        lead, meeting = lead_and_meeting(session, actor_slack_id, meeting_id, "rjoim.impact", now)
        states = {
            s.action_id: s
            for s in rjoim_record_repo.action_states(session, meeting.area, meeting.force_code)
        }
        state = states.get(action_id)
        if state is None or impact_meeting_problem(
            state, area=meeting.area, force_code=meeting.force_code, held_on=meeting.held_on
        ):
            raise Refused(refusals.NO_SUCH_RJOIM_ACTION)
        existing = session.scalars(
            select(RjoimImpact).where(
                RjoimImpact.action_id == action_id, RjoimImpact.meeting_id == meeting.id
            )
        ).one_or_none()
        if existing is not None:
            return Recorded(existing.id, created=False)
        if state not in carried_forward(
            states.values(),
            area=meeting.area,
            force_code=meeting.force_code,
            before=meeting.held_on,
        ):
            raise Refused(refusals.NO_SUCH_RJOIM_ACTION)  # done at an earlier meeting
        problems = impact_problems(ImpactDraft(done, effect, evidence))
        if problems or done is None:
            raise InvalidInput(problems)
        impact = RjoimImpact(
            action_id=action_id,
            meeting_id=meeting.id,
            done=done,
            effect=effect.strip(),
            evidence=evidence.strip() or None,
            recorded_by=lead.person.id,
            recorded_at=now,
        )
        session.add(impact)
        if done:
            action = session.get(RjoimAction, action_id)
            assert action is not None
            action.closed_at = now
        session.flush()
        _audit(session, lead, "rjoim.impact_recorded", "rjoim_action", action_id, now,
               {"meeting_id": meeting.id, "done": done})  # fmt: skip
        uow.commit()
        return Recorded(impact.id, created=True)


def _already(
    session: Session, model: type[RjoimIssue] | type[RjoimAction], request_key: str | None
) -> Recorded | None:
    if request_key is None:
        return None
    found = session.scalars(select(model.id).where(model.request_key == request_key)).first()
    return None if found is None else Recorded(found, created=False)


def _audit(
    session: Session,
    lead: Lead,
    action: str,
    entity_type: str,
    entity_id: int,
    now: datetime,
    details: dict[str, object],
) -> None:
    audit.record(
        session,
        actor=lead.email,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        details=details,
        now=now,
    )
