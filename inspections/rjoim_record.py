"""The RJOIM record (seed 000, Rec 7: "a clear, consistent and detailed recording of issues
being raised at those meetings, detailing actions agreed and assessment of impact of those
actions"): what a meeting, an issue, an action and an impact assessment must hold, which
actions carry forward to the next meeting, and when an action's owner is reminded.

An action is open until an impact assessment at a later meeting with the same force records
it as done; an assessment that records it not done leaves it open, so it carries forward
again. An action is overdue once its due date has passed while it is open.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from inspections.areas import AREAS
from inspections.forces import force_of, force_problem
from inspections.intake import URN_PATTERN
from inspections.rjoim_themes import theme_problem
from inspections.scopes import Reach, Viewer, reach
from inspections.working_days import previous_working_day

AGENCIES = {"cps": "CPS", "police": "Police"}
ATTENDEE_ROLES = {
    "cps_unit_head": "CPS RASSO Unit Head",
    "cps_lawyer": "CPS RASSO lawyer",
    "cps_other": "CPS, other",
    "police_lead": "Police rape lead",
    "police_investigator": "Police investigator",
    "police_other": "Police, other",
    "other": "Other (ISVA, partner agency)",
}
POLICE_ROLES = ("police_lead", "police_investigator", "police_other")
REMIND_AT = time(9, 0)  # local time, one working day before an action falls due
MAX_TEXT = 3000


@dataclass(frozen=True)
class Attendee:
    role: str  # a key of ATTENDEE_ROLES
    name: str


@dataclass(frozen=True)
class ActionDraft:
    description: str
    agency: str  # a key of AGENCIES
    owner_person_id: int | None  # someone in the directory
    police_owner: str  # a named police owner, for police-owned actions outside the directory
    due_on: date | None


@dataclass(frozen=True)
class ImpactDraft:
    done: bool | None
    effect: str
    evidence: str


@dataclass(frozen=True)
class ActionState:
    """What carry-forward needs of an action."""

    action_id: int
    area: str
    force_code: str
    agreed_on: date  # the date of the meeting that agreed it
    done: bool  # an impact assessment has recorded it done


def meeting_problems(
    *,
    area: str,
    force_code: str,
    held_on: date | None,
    attendees: Sequence[Attendee],
    today: date | None = None,
) -> list[str]:
    problems = []
    if not area.strip():
        problems.append("Say which Area held the meeting.")
    if (problem := force_problem(force_code)) is not None:
        problems.append(problem)
    if held_on is None:
        problems.append("Give the date the meeting was held.")
    elif today is not None and held_on > today:
        problems.append(
            f"The meeting date {held_on.isoformat()} is in the future: record a meeting once "
            "it has been held."
        )
    if not attendees:
        problems.append("List who attended, one per line as role: name.")
    for attendee in attendees:
        if attendee.role not in ATTENDEE_ROLES:
            problems.append(
                f"{attendee.role!r} is not an attendee role: use one of "
                f"{', '.join(ATTENDEE_ROLES)}."
            )
    return problems


def parse_attendees(text: str) -> tuple[list[Attendee], list[str]]:
    """One attendee per line, `role: name`; the problems of any line that is not."""
    attendees, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        role, colon, name = line.partition(":")
        role = role.strip().lower()
        if not colon or not name.strip():
            problems.append(f"Line {number} of the attendees is not `role: name`.")
        elif role not in ATTENDEE_ROLES:
            problems.append(
                f"Line {number} of the attendees: {role!r} is not an attendee role: use one "
                f"of {', '.join(ATTENDEE_ROLES)}."
            )
        else:
            attendees.append(Attendee(role, name.strip()))
    return attendees, problems


def issue_problems(*, theme: str, description: str) -> list[str]:
    problems = []
    if (problem := theme_problem(theme)) is not None:
        problems.append(problem)
    if not description.strip():
        problems.append("Describe the issue raised.")
    elif len(description) > MAX_TEXT:
        problems.append(f"Keep the description under {MAX_TEXT} characters.")
    return problems


def action_problems(draft: ActionDraft, *, today: date) -> list[str]:
    problems = []
    if not draft.description.strip():
        problems.append("Describe the action agreed.")
    if draft.agency not in AGENCIES:
        problems.append("Say which agency owns the action: CPS or police.")
    if draft.owner_person_id is None and not draft.police_owner.strip():
        problems.append(
            "Every action needs an owner: a person in the directory, or for a police action "
            "the named police officer who owns it."
        )
    elif draft.agency == "cps" and draft.owner_person_id is None:
        problems.append("A CPS action's owner must be a person in the directory.")
    if draft.due_on is None:
        problems.append("Give the date the action is due.")
    elif draft.due_on < today:
        problems.append(
            f"The due date {draft.due_on.isoformat()} is in the past: give today "
            f"({today.isoformat()}) or a later date."
        )
    return problems


def impact_problems(draft: ImpactDraft) -> list[str]:
    problems = []
    if draft.done is None:
        problems.append("Say whether the action was done.")
    if not draft.effect.strip():
        problems.append("Describe the effect observed (or why there was none).")
    return problems


def impact_meeting_problem(
    action: ActionState, *, area: str, force_code: str, held_on: date
) -> str | None:
    """Impact is assessed at a later meeting of the same Area with the same force."""
    if (action.area, action.force_code) != (area, force_code):
        return "That action was agreed at a meeting with another force or Area."
    if held_on <= action.agreed_on:
        return "An action's impact is assessed at a later meeting than the one that agreed it."
    return None


def carried_forward(
    actions: Iterable[ActionState], *, area: str, force_code: str, before: date
) -> list[ActionState]:
    """The actions still open that a meeting held on `before` must review: agreed at an
    earlier meeting of the same Area with the same force, and not yet recorded done."""
    return sorted(
        (
            a
            for a in actions
            if a.area == area and a.force_code == force_code and a.agreed_on < before and not a.done
        ),
        key=lambda a: (a.agreed_on, a.action_id),
    )


def reminder_at(due_on: date, *, tz: ZoneInfo, holidays: Collection[date]) -> datetime:
    """09:00 local time on the working day before the due date."""
    day = previous_working_day(due_on, holidays)
    return datetime.combine(day, REMIND_AT, tzinfo=tz)


def is_overdue(due_on: date, *, done: bool, today: date) -> bool:
    return not done and due_on < today


def lead_areas(viewer: Viewer) -> frozenset[str]:
    """The Areas whose RJOIM record this person keeps: the national inspection lead (admin)
    every Area; an Area's lead (a manager at the top of their unit's chain: the RASSO Unit Head)
    or its Chief Crown Prosecutor (ccp) their own Area; nobody else any."""
    allowed = reach(viewer)
    if allowed is Reach.NATIONAL:
        return frozenset(AREAS)
    if allowed is Reach.AREA or "ccp" in viewer.roles:
        return frozenset({viewer.area})
    return frozenset()


def parse_urns(text: str, *, force_code: str) -> tuple[list[str], list[str]]:
    """The URNs discussed, separated by spaces, commas or lines; each must be a URN of the
    meeting's force."""
    urns: list[str] = []
    problems = []
    for word in text.replace(",", " ").split():
        urn = word.strip().upper()
        if not URN_PATTERN.match(urn):
            problems.append(f"{word!r} is not a URN (two digits, two letters, seven digits).")
        elif force_of(urn) != force_code:
            problems.append(f"{urn} is a case of force {force_of(urn)}, not {force_code}.")
        elif urn not in urns:
            urns.append(urn)
    return urns, problems
