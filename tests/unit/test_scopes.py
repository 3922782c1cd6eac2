"""Who may see which trends: scopes follow roles and the place in the management chain."""

from __future__ import annotations

import pytest

from inspections.scopes import (
    Breakdown,
    Reach,
    Scope,
    ScopeKind,
    ScopeRefused,
    ScopeRequest,
    Viewer,
    reach,
    resolve,
)

TEAM = frozenset({11, 12, 13})


def viewer(*roles: str, heads_unit: bool = False, team: frozenset[int] = frozenset()) -> Viewer:
    return Viewer(
        person_id=7,
        roles=frozenset(roles),
        area="London North",
        unit="RASSO London North",
        heads_unit=heads_unit,
        team=team,
    )


LAWYER = viewer("lawyer")
LINE_MANAGER = viewer("manager", team=TEAM)
UNIT_HEAD = viewer("manager", heads_unit=True, team=TEAM | {20})
NATIONAL_LEAD = viewer("admin")
INSPECTOR = viewer("inspector")
CHIEF_CROWN_PROSECUTOR = viewer("ccp")


def test_reach_follows_role_and_position() -> None:
    viewers = (LAWYER, LINE_MANAGER, UNIT_HEAD, NATIONAL_LEAD, INSPECTOR, CHIEF_CROWN_PROSECUTOR)
    assert [reach(v) for v in viewers] == [
        Reach.OWN,
        Reach.TEAM,
        Reach.AREA,
        Reach.NATIONAL,
        Reach.NONE,
        Reach.AREA,
    ]


def test_each_person_gets_their_own_scope_by_default() -> None:
    assert resolve(LAWYER, ScopeRequest()) == Scope(
        ScopeKind.LAWYER, "Your reviews", lawyer_ids=frozenset({7})
    )
    assert resolve(LINE_MANAGER, ScopeRequest()) == Scope(
        ScopeKind.TEAM, "Your team", lawyer_ids=TEAM
    )
    assert resolve(UNIT_HEAD, ScopeRequest()) == Scope(
        ScopeKind.AREA, "London North", area="London North"
    )
    assert resolve(NATIONAL_LEAD, ScopeRequest()) == Scope(ScopeKind.NATIONAL, "National")


def test_a_line_managers_team_has_a_row_per_lawyer() -> None:
    assert resolve(LINE_MANAGER, ScopeRequest("team")).breakdown is Breakdown.LAWYER
    assert resolve(UNIT_HEAD, ScopeRequest("area")).breakdown is Breakdown.UNIT
    assert resolve(NATIONAL_LEAD, ScopeRequest()).breakdown is Breakdown.AREA


def test_a_unit_head_may_see_their_own_area_and_its_units() -> None:
    assert resolve(UNIT_HEAD, ScopeRequest("area", "london NORTH")).area == "London North"
    unit = resolve(UNIT_HEAD, ScopeRequest("unit", "RASSO London North 2"))
    assert (unit.kind, unit.area, unit.unit) == (
        ScopeKind.UNIT,
        "London North",
        "RASSO London North 2",
    )


def test_a_manager_asking_for_another_area_is_refused() -> None:
    with pytest.raises(ScopeRefused) as refused:
        resolve(UNIT_HEAD, ScopeRequest("area", "Wessex"))

    assert refused.value.reason == (
        "Sorry, your trends cover London North only, so I can't show you that Area. "
        "The national inspection lead can see every Area."
    )


@pytest.mark.parametrize(
    "request_",
    [ScopeRequest("area"), ScopeRequest("unit"), ScopeRequest("national")],
)
def test_a_line_manager_sees_no_further_than_their_team(request_: ScopeRequest) -> None:
    with pytest.raises(ScopeRefused, match="your own team"):
        resolve(LINE_MANAGER, request_)


def test_a_lawyer_sees_only_their_own_reviews() -> None:
    with pytest.raises(ScopeRefused, match="your own reviews only"):
        resolve(LAWYER, ScopeRequest("team"))
    with pytest.raises(ScopeRefused, match="your own reviews only"):
        resolve(LAWYER, ScopeRequest("area", "London North"))


def test_someone_with_no_reviews_and_no_team_is_refused() -> None:
    with pytest.raises(ScopeRefused, match="no reviews of your own"):
        resolve(INSPECTOR, ScopeRequest())
    with pytest.raises(ScopeRefused, match="no team"):
        resolve(viewer("manager"), ScopeRequest("team"))


def test_the_national_lead_sees_any_area_or_unit() -> None:
    assert resolve(NATIONAL_LEAD, ScopeRequest("area", "Wessex")).area == "Wessex"
    unit = resolve(NATIONAL_LEAD, ScopeRequest("unit", "RASSO Wessex"))
    assert (unit.area, unit.unit) == (None, "RASSO Wessex")


def test_an_unknown_area_is_named_in_the_refusal() -> None:
    with pytest.raises(ScopeRefused, match="'Atlantis' is not a CPS Area"):
        resolve(NATIONAL_LEAD, ScopeRequest("area", "Atlantis"))
