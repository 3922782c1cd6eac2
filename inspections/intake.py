"""Validation of incoming people and case-review rows (CSV or JSON), before anything is stored.

Rows arrive as string mappings; each problem names its row and field so a whole file can be
rejected with every fault listed at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import UTC, datetime

from inspections.areas import AREAS
from inspections.spreadsheet import looks_like_formula

ROLES = frozenset({"inspector", "lawyer", "manager", "admin", "ccp"})
REVIEW_TYPES = frozenset({"early_advice", "pre_charge_decision"})
OUTCOMES = frozenset(
    {"advice_given", "action_plan", "charge", "threshold_charge", "no_further_action"}
)
PEOPLE_COLUMNS = ("email", "name", "roles", "area", "unit", "manager_email", "slack_user_id")
CASE_COLUMNS = (
    "urn",
    "review_type",
    "area",
    "unit",
    "lawyer_email",
    "completed_at",
    "action_plan_count",
    "outcome",
    "source_id",
)
# Optional: a file or item without them still imports. The dates say how long the police
# waited (referred_at: the referral or file received) and when the investigator meeting was
# offered and held; the substantive count leaves out action plans that asked for nothing new.
OPTIONAL_CASE_COLUMNS = (
    "substantive_action_plan_count",
    "referred_at",
    "meeting_offered_at",
    "meeting_held_at",
)
OPTIONAL_TIMES = ("referred_at", "meeting_offered_at", "meeting_held_at")
# Police URN: 2-digit force, 2-letter station, 5-digit number, 2-digit year; ASCII only
# (\d would match any script's digits, full-width ones included).
URN_PATTERN = re.compile(r"^[0-9]{2}[A-Z]{2}[0-9]{5}[0-9]{2}$")
# A review completed outside these years is a fault in the feed, and a date near the ends of
# the calendar would overflow when due dates and local times are worked out from it.
EARLIEST_COMPLETED = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_COMPLETED = datetime(2100, 1, 1, tzinfo=UTC)
# No case has anywhere near this many action plans; the column is a 32-bit integer.
MAX_ACTION_PLANS = 999
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLACK_USER_PATTERN = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class RowProblem:
    row: int  # the line in the file (header is row 1) or the item's position in a JSON list
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", field '{self.field}'" if self.field else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class PersonRow:
    row: int
    email: str
    name: str
    roles: frozenset[str]
    area: str
    unit: str
    manager_email: str | None
    slack_user_id: str | None


@dataclass(frozen=True)
class CaseReviewRow:
    row: int
    urn: str
    review_type: str
    area: str
    unit: str
    lawyer_email: str
    completed_at: datetime
    action_plan_count: int
    outcome: str | None
    source_id: str | None
    substantive_action_plan_count: int | None = None
    referred_at: datetime | None = None
    meeting_offered_at: datetime | None = None
    meeting_held_at: datetime | None = None

    @property
    def identity(self) -> str:
        """The same review is recognised by its source id, else by URN, type and time."""
        if self.source_id:
            return f"source:{self.source_id}"
        completed = self.completed_at.astimezone(UTC).isoformat()
        return f"review:{self.urn}|{self.review_type}|{completed}"


def check_columns(
    columns: Iterable[str] | None, expected: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[RowProblem]:
    present = list(columns or [])
    known = (*expected, *optional)
    problems = [RowProblem(1, c, "missing column") for c in expected if c not in present]
    problems += [RowProblem(1, c, "unknown column") for c in present if c not in known]
    return problems


def _text(raw: Mapping[str, object], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def parse_people(
    rows: Iterable[tuple[int, Mapping[str, object]]],
    *,
    directory_emails: Set[str],
) -> tuple[list[PersonRow], list[RowProblem]]:
    """Rows are (row number, fields). Managers may be in the file or already in the directory."""
    people: list[PersonRow] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for number, raw in rows:
        row_problems: list[RowProblem] = []
        email = _text(raw, "email").lower()
        if not EMAIL_PATTERN.match(email):
            row_problems.append(RowProblem(number, "email", f"not an email address: {email!r}"))
        elif email in seen:
            row_problems.append(
                RowProblem(number, "email", f"{email} already appears in row {seen[email]}")
            )
        name = _text(raw, "name")
        if not name:
            row_problems.append(RowProblem(number, "name", "empty"))
        row_problems += _formula_problems(number, raw, ("name", "unit"))
        roles = frozenset(r.strip().lower() for r in _text(raw, "roles").split(";") if r.strip())
        if not roles:
            row_problems.append(RowProblem(number, "roles", "no role given"))
        for unknown in sorted(roles - ROLES):
            row_problems.append(
                RowProblem(
                    number, "roles", f"unknown role {unknown!r} (use {', '.join(sorted(ROLES))})"
                )
            )
        area = _text(raw, "area")
        if area not in AREAS:
            row_problems.append(RowProblem(number, "area", f"unknown Area {area!r}"))
        unit = _text(raw, "unit")
        if not unit:
            row_problems.append(RowProblem(number, "unit", "empty"))
        manager = _text(raw, "manager_email").lower() or None
        if manager == email:
            row_problems.append(
                RowProblem(number, "manager_email", "a person cannot manage themself")
            )
        slack_id = _text(raw, "slack_user_id") or None
        if slack_id and not SLACK_USER_PATTERN.match(slack_id):
            row_problems.append(
                RowProblem(number, "slack_user_id", f"not a Slack user id: {slack_id!r}")
            )
        seen.setdefault(email, number)
        problems += row_problems
        if not row_problems:
            people.append(PersonRow(number, email, name, roles, area, unit, manager, slack_id))
    known = set(directory_emails) | set(seen)
    for person in people:
        if person.manager_email and person.manager_email not in known:
            problems.append(
                RowProblem(
                    person.row,
                    "manager_email",
                    f"manager {person.manager_email} is neither in the file nor in the directory",
                )
            )
    problems.sort(key=lambda p: p.row)
    return ([] if problems else people), problems


def parse_case_reviews(
    rows: Iterable[tuple[int, Mapping[str, object]]],
    *,
    lawyer_emails: Set[str],
    units_by_area: Mapping[str, Set[str]] | None = None,
) -> tuple[list[CaseReviewRow], list[RowProblem]]:
    """``units_by_area``: the directory's units in each Area; a case's unit must be one of its
    Area's (None: not checked)."""
    reviews: list[CaseReviewRow] = []
    problems: list[RowProblem] = []
    for number, raw in rows:
        row_problems: list[RowProblem] = []
        urn = _text(raw, "urn").upper()
        if not URN_PATTERN.match(urn):
            row_problems.append(RowProblem(number, "urn", f"{urn!r} is not a URN like 42AB1234525"))
        review_type = _text(raw, "review_type")
        if review_type not in REVIEW_TYPES:
            row_problems.append(
                RowProblem(
                    number,
                    "review_type",
                    f"{review_type!r} is not early_advice or pre_charge_decision",
                )
            )
        area = _text(raw, "area")
        if area not in AREAS:
            row_problems.append(RowProblem(number, "area", f"unknown Area {area!r}"))
        unit = _text(raw, "unit")
        if units_by_area is not None and area in AREAS and unit not in units_by_area.get(area, ()):
            row_problems.append(
                RowProblem(number, "unit", f"no unit {unit!r} in {area} in the directory")
            )
        row_problems += _formula_problems(number, raw, ("unit", "source_id"))
        lawyer = _text(raw, "lawyer_email").lower()
        if lawyer not in lawyer_emails:
            row_problems.append(
                RowProblem(number, "lawyer_email", f"{lawyer!r} is not a lawyer in the directory")
            )
        completed_at = _parse_time(_text(raw, "completed_at"), number, row_problems)
        count = _count(
            _text(raw, "action_plan_count") or "0", number, "action_plan_count", row_problems
        )
        substantive_text = _text(raw, "substantive_action_plan_count")
        substantive = (
            _count(substantive_text, number, "substantive_action_plan_count", row_problems)
            if substantive_text
            else None
        )
        if substantive is not None and substantive > count:
            row_problems.append(
                RowProblem(
                    number,
                    "substantive_action_plan_count",
                    f"{substantive} is more than the {count} action plans on the case",
                )
            )
        times = {
            name: _parse_time(text, number, row_problems, name)
            for name in OPTIONAL_TIMES
            if (text := _text(raw, name))
        }
        for name, value in times.items():
            if value is not None and completed_at is not None and value > completed_at:
                row_problems.append(
                    RowProblem(number, name, "is after the review was completed (completed_at)")
                )
        outcome = _text(raw, "outcome") or None
        if outcome is not None and outcome not in OUTCOMES:
            row_problems.append(
                RowProblem(
                    number,
                    "outcome",
                    f"unknown outcome {outcome!r} (use {', '.join(sorted(OUTCOMES))})",
                )
            )
        source_id = _text(raw, "source_id") or None
        problems += row_problems
        if not row_problems and completed_at is not None:
            reviews.append(
                CaseReviewRow(
                    number,
                    urn,
                    review_type,
                    area,
                    unit,
                    lawyer,
                    completed_at,
                    count,
                    outcome,
                    source_id,
                    substantive,
                    times.get("referred_at"),
                    times.get("meeting_offered_at"),
                    times.get("meeting_held_at"),
                )
            )
    return ([] if problems else reviews), problems


def _count(text: str, number: int, field: str, problems: list[RowProblem]) -> int:
    plain = text.isascii() and text.isdigit() and len(text) <= 9
    count = int(text) if plain else -1
    if not 0 <= count <= MAX_ACTION_PLANS:
        problems.append(
            RowProblem(
                number, field, f"{_shown(text)} is not a whole number from 0 to {MAX_ACTION_PLANS}"
            )
        )
        return 0
    return count


def _parse_time(
    text: str, number: int, problems: list[RowProblem], field: str = "completed_at"
) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        problems.append(RowProblem(number, field, f"{_shown(text)} is not an ISO 8601 time"))
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        problems.append(
            RowProblem(number, field, f"{_shown(text)} has no time zone (add Z or +01:00)")
        )
        return None
    try:
        in_range = EARLIEST_COMPLETED <= value < LATEST_COMPLETED
    except OverflowError:  # an offset that pushes the time past the calendar's ends
        in_range = False
    if not in_range:
        problems.append(
            RowProblem(
                number,
                field,
                f"{_shown(text)} is not between {EARLIEST_COMPLETED.year} and "
                f"{LATEST_COMPLETED.year - 1}",
            )
        )
        return None
    return value


def _formula_problems(
    number: int, raw: Mapping[str, object], fields: tuple[str, ...]
) -> list[RowProblem]:
    """Text a spreadsheet would run as a formula is refused where it comes in."""
    return [
        RowProblem(number, field, "must not begin with =, +, @, a tab or a carriage return")
        for field in fields
        if looks_like_formula(_raw_text(raw, field))
    ]


def _raw_text(raw: Mapping[str, object], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).lstrip(" ")


def _shown(text: str) -> str:
    """A value quoted back in a problem, cut short: a feed may send anything."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def directory_problems(
    people: Iterable[PersonRow],
    *,
    stored_slack_ids: Mapping[str, str],
    stored_managers: Mapping[str, str | None],
) -> list[RowProblem]:
    """What valid rows would break in the directory as a whole: a Slack id given twice or held
    by someone else, and managers forming a loop. The stored mappings are keyed by email."""
    rows = list(people)
    replaced = {row.email for row in rows if row.slack_user_id}
    # Whoever is given a new id in the file frees their old one.
    holders = {sid: email for email, sid in stored_slack_ids.items() if email not in replaced}
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    for row in rows:
        slack_id = row.slack_user_id
        if not slack_id:
            continue
        if slack_id in first_row:
            message = f"{slack_id} is also given in row {first_row[slack_id]}"
            problems.append(RowProblem(row.row, "slack_user_id", message))
        elif holders.get(slack_id, row.email) != row.email:
            message = f"{slack_id} already belongs to {holders[slack_id]}"
            problems.append(RowProblem(row.row, "slack_user_id", message))
        first_row.setdefault(slack_id, row.row)
    managers = dict(stored_managers)
    managers.update({row.email: row.manager_email for row in rows})
    for row in rows:
        if _manages_themself(row.email, managers):
            message = "the manager chain from this person loops back to them"
            problems.append(RowProblem(row.row, "manager_email", message))
    return sorted(problems, key=lambda p: p.row)


def _manages_themself(email: str, managers: Mapping[str, str | None]) -> bool:
    seen = {email}
    current = managers.get(email)
    while current is not None:
        if current == email:
            return True
        if current in seen:
            return False  # a loop further up is reported on the rows of its own members
        seen.add(current)
        current = managers.get(current)
    return False
