"""The RJOIM record's rules: themes traced to seed 003, what a meeting, an action and an
impact must hold, what carries forward and when an owner is reminded."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from inspections.areas import AREAS
from inspections.bank_holidays import england_and_wales_bank_holidays
from inspections.rjoim_record import (
    ActionDraft,
    ActionState,
    Attendee,
    ImpactDraft,
    action_problems,
    carried_forward,
    impact_meeting_problem,
    impact_problems,
    is_overdue,
    lead_areas,
    meeting_problems,
    parse_attendees,
    parse_urns,
    reminder_at,
)
from inspections.rjoim_themes import THEMES, theme_problem
from inspections.scopes import Viewer
from questionnaires.loader import default_questionnaire_path

SEED_003 = Path(default_questionnaire_path()).parent / "seeds" / "003_6df24bb853638612.txt"
LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 3, 2)


def test_every_theme_quotes_its_own_section_of_the_scrutiny_report() -> None:
    text = SEED_003.read_text(encoding="utf-8")
    assert len({t.code for t in THEMES}) == len(THEMES) == 15
    for theme in THEMES:
        heading = re.search(rf"^{re.escape(theme.section)}\. .*$", text, re.MULTILINE)
        assert heading is not None, theme.section
        start = heading.end()
        following = re.search(r"^3\.\d(\.\d)?\. ", text[start:], re.MULTILINE)
        body = text[start : start + following.start()] if following else text[start:]
        assert theme.quote in body, theme.code
        assert len(theme.label) <= 75


def test_an_unknown_theme_is_named() -> None:
    assert theme_problem("action_plans") is None
    assert theme_problem("weather") is not None and "'weather'" in str(theme_problem("weather"))


def test_a_meeting_with_an_unknown_force_and_nobody_attending_gets_each_problem() -> None:
    assert meeting_problems(area="Wessex", force_code="99", held_on=None, attendees=[]) == [
        "'99' is not a police force code: use the two digits a URN begins with, e.g. 42",
        "Give the date the meeting was held.",
        "List who attended, one per line as role: name.",
    ]
    good = [Attendee("cps_unit_head", "Una Head"), Attendee("police_lead", "DI Grey")]
    assert meeting_problems(area="Wessex", force_code="44", held_on=TODAY, attendees=good) == []


def test_attendees_are_read_one_per_line_as_role_and_name() -> None:
    attendees, problems = parse_attendees("cps_unit_head: Una Head\n\npolice_lead:DI Grey\nboss")
    assert attendees == [Attendee("cps_unit_head", "Una Head"), Attendee("police_lead", "DI Grey")]
    assert problems == ["Line 4 of the attendees is not `role: name`."]
    _, problems = parse_attendees("mayor: Someone")
    assert problems[0].startswith("Line 1 of the attendees: 'mayor' is not an attendee role")


def draft(**changes: object) -> ActionDraft:
    values: dict[str, object] = {
        "description": "Review the third-party material requests together",
        "agency": "cps",
        "owner_person_id": 7,
        "police_owner": "",
        "due_on": date(2026, 3, 20),
    }
    return ActionDraft(**(values | changes))  # type: ignore[arg-type]


def test_an_action_needs_an_owner_and_a_due_date_not_in_the_past() -> None:
    assert action_problems(draft(), today=TODAY) == []
    assert action_problems(draft(owner_person_id=None), today=TODAY) == [
        "Every action needs an owner: a person in the directory, or for a police action "
        "the named police officer who owns it."
    ]
    assert action_problems(draft(due_on=date(2026, 3, 1)), today=TODAY) == [
        "The due date 2026-03-01 is in the past: give today (2026-03-02) or a later date."
    ]
    assert action_problems(draft(due_on=TODAY), today=TODAY) == []  # today is not the past


def test_a_police_action_may_be_owned_by_a_named_officer_but_a_cps_one_may_not() -> None:
    police = draft(agency="police", owner_person_id=None, police_owner="DS Patel")
    assert action_problems(police, today=TODAY) == []
    cps = draft(agency="cps", owner_person_id=None, police_owner="DS Patel")
    assert action_problems(cps, today=TODAY) == [
        "A CPS action's owner must be a person in the directory."
    ]


def test_an_impact_says_whether_it_was_done_and_what_it_changed() -> None:
    assert impact_problems(ImpactDraft(None, " ", "")) == [
        "Say whether the action was done.",
        "Describe the effect observed (or why there was none).",
    ]
    assert impact_problems(ImpactDraft(False, "Not started: officer on leave", "")) == []


def state(action_id: int, force: str, agreed: date, *, done: bool = False) -> ActionState:
    return ActionState(action_id, "Wessex", force, agreed, done)


def test_open_actions_of_earlier_meetings_with_the_same_force_carry_forward() -> None:
    actions = [
        state(1, "44", date(2026, 1, 12)),
        state(2, "44", date(2026, 1, 12), done=True),  # done: closed
        state(3, "55", date(2026, 1, 12)),  # another force
        state(4, "44", date(2026, 2, 9)),
        state(5, "44", date(2026, 3, 9)),  # agreed at this very meeting
        ActionState(6, "Thames and Chiltern", "44", date(2026, 1, 5), False),  # another Area
    ]
    carried = carried_forward(actions, area="Wessex", force_code="44", before=date(2026, 3, 9))
    assert [a.action_id for a in carried] == [1, 4]


def test_impact_is_assessed_at_a_later_meeting_with_the_same_force() -> None:
    action = state(1, "44", date(2026, 1, 12))
    later = {"area": "Wessex", "force_code": "44", "held_on": date(2026, 2, 9)}
    assert impact_meeting_problem(action, **later) is None  # type: ignore[arg-type]
    same_day = later | {"held_on": date(2026, 1, 12)}
    assert impact_meeting_problem(action, **same_day) is not None  # type: ignore[arg-type]
    other_force = later | {"force_code": "55"}
    assert impact_meeting_problem(action, **other_force) is not None  # type: ignore[arg-type]


def test_the_owner_is_reminded_at_nine_on_the_working_day_before_it_is_due() -> None:
    holidays = england_and_wales_bank_holidays([2026])
    # Due Tuesday 7 April 2026: Easter Monday and Good Friday are holidays, so Thursday 2nd.
    assert reminder_at(date(2026, 4, 7), tz=LONDON, holidays=holidays) == datetime(
        2026, 4, 2, 9, 0, tzinfo=LONDON
    )
    assert reminder_at(date(2026, 3, 16), tz=LONDON, holidays=holidays) == datetime(
        2026, 3, 13, 9, 0, tzinfo=LONDON
    )


def test_an_open_action_is_overdue_the_day_after_its_due_date() -> None:
    due = date(2026, 3, 13)
    assert not is_overdue(due, done=False, today=due)
    assert is_overdue(due, done=False, today=date(2026, 3, 14))
    assert not is_overdue(due, done=True, today=date(2026, 3, 14))


def viewer(roles: set[str], *, heads_unit: bool, area: str = "Wessex") -> Viewer:
    return Viewer(1, frozenset(roles), area, "RASSO Wessex", heads_unit, frozenset({2}))


def test_the_unit_head_or_ccp_keeps_their_areas_record_and_the_national_lead_every_one() -> None:
    assert lead_areas(viewer({"manager"}, heads_unit=True)) == {"Wessex"}
    assert lead_areas(viewer({"ccp"}, heads_unit=False)) == {"Wessex"}
    assert lead_areas(viewer({"admin"}, heads_unit=False)) == set(AREAS)
    assert lead_areas(viewer({"manager"}, heads_unit=False)) == set()  # a line manager
    assert lead_areas(viewer({"lawyer", "inspector"}, heads_unit=True)) == set()


def test_urns_discussed_are_read_from_any_separators_once_each_and_of_the_force() -> None:
    urns, problems = parse_urns(
        "44ha0000125, 44HA0000225\n44HA0000125 55DO0000125 x", force_code="44"
    )
    assert urns == ["44HA0000125", "44HA0000225"]
    assert problems == [
        "55DO0000125 is a case of force 55, not 44.",
        "'x' is not a URN (two digits, two letters, seven digits).",
    ]
