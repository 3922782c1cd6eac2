from collections import Counter
from dataclasses import replace

import pytest

from inspections.assignment import (
    Independence,
    IndependenceSetting,
    InspectorCandidate,
    LawyerFacts,
    choose_inspector,
    ineligibility_reason,
    ineligibility_summary,
)

LAWYER = LawyerFacts(
    person_id=1,
    email="lawyer.one@example.test",
    area="Wessex",
    unit="RASSO 1",
    line_manager_id=2,
)


def inspector(person_id: int, **overrides: object) -> InspectorCandidate:
    candidate = InspectorCandidate(
        person_id=person_id,
        email=f"inspector.{person_id}@example.test",
        area="London North",
        unit="RASSO 1",
        active=True,
        away=False,
        open_count=0,
    )
    return replace(candidate, **overrides)  # type: ignore[arg-type]


def choose(
    candidates: list[InspectorCandidate],
    *,
    independence: IndependenceSetting = "unit",
    tie_break_key: str = "source:CMS-000001",
) -> InspectorCandidate | None:
    return choose_inspector(
        candidates, LAWYER, independence=independence, capacity=5, tie_break_key=tie_break_key
    )


def reason(candidate: InspectorCandidate, *, independence: Independence = "unit") -> str | None:
    return ineligibility_reason(candidate, LAWYER, independence=independence, capacity=5)


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (inspector(10, active=False), "inactive"),
        (inspector(10, away=True), "away"),
        (inspector(1), "is the lawyer"),
        (inspector(10, email="Lawyer.One@example.test"), "is the lawyer"),
        (inspector(2), "is the lawyer's line manager"),
        (inspector(10, area="Wessex", unit="RASSO 1"), "in the lawyer's unit"),
        (inspector(10, area="wessex", unit="rasso 1 "), "in the lawyer's unit"),
        (inspector(10, open_count=5), "at capacity"),
    ],
)
def test_ineligible_inspectors_are_given_a_reason(
    candidate: InspectorCandidate, expected: str
) -> None:
    assert reason(candidate) == expected
    assert choose([candidate]) is None


def test_the_same_unit_name_in_another_area_is_independent() -> None:
    other_area = inspector(10, area="London North", unit="RASSO 1")

    assert reason(other_area) is None
    assert choose([other_area]) == other_area


def test_another_unit_in_the_lawyers_area_is_eligible_unless_area_independence_is_required() -> (
    None
):
    same_area = inspector(10, area="Wessex", unit="RASSO 2")

    assert reason(same_area) is None
    assert reason(same_area, independence="area") == "in the lawyer's Area"
    assert choose([same_area], independence="area") is None


def test_an_inspector_below_capacity_is_eligible() -> None:
    assert reason(inspector(10, open_count=4)) is None


def test_nobody_eligible_gives_none() -> None:
    assert choose([]) is None
    assert choose([inspector(1), inspector(2), inspector(10, away=True)]) is None


def test_only_eligible_inspectors_are_chosen_whatever_their_workload() -> None:
    candidates = [
        inspector(2, open_count=0),  # line manager
        inspector(10, area="Wessex", unit="RASSO 1", open_count=0),  # same unit
        inspector(11, away=True, open_count=0),
        inspector(12, open_count=3),
    ]

    assert choose(candidates) == candidates[3]


def test_least_open_workload_wins() -> None:
    candidates = [
        inspector(10, open_count=2),
        inspector(11, open_count=1),
        inspector(12, open_count=3),
    ]

    assert choose(candidates) == candidates[1]


def test_tie_break_is_deterministic_and_ignores_the_order_of_candidates() -> None:
    candidates = [inspector(n) for n in range(10, 16)]

    first = choose(candidates, tie_break_key="source:CMS-000042")

    assert choose(list(reversed(candidates)), tie_break_key="source:CMS-000042") == first
    assert choose(candidates, tie_break_key="source:CMS-000042") == first


def test_tie_break_spreads_reviews_across_equally_loaded_inspectors() -> None:
    candidates = [inspector(n) for n in range(10, 14)]

    chosen = Counter(
        choice.email
        for n in range(400)
        if (choice := choose(candidates, tie_break_key=f"source:CMS-{n:06d}")) is not None
    )

    assert sorted(chosen) == sorted(c.email for c in candidates)
    assert all(60 <= count <= 140 for count in chosen.values()), chosen


def test_summary_counts_why_nobody_could_take_the_review() -> None:
    candidates = [
        inspector(2),
        inspector(10, away=True),
        inspector(11, away=True),
        inspector(12, open_count=5),
        inspector(13),
    ]

    assert ineligibility_summary(candidates, LAWYER, capacity=5) == (
        "2 away, 1 at capacity, 1 is the lawyer's line manager, 1 eligible"
    )
    assert ineligibility_summary([], LAWYER, capacity=5) == "no inspectors in the directory"


def test_area_where_possible_prefers_outside_the_area_and_falls_back_to_another_unit() -> None:
    home = inspector(10, area="Wessex", unit="RASSO 2")
    outside = inspector(11, open_count=3)  # London North, busier
    full = inspector(12, open_count=5)  # London North, at capacity

    assert choose([home, outside], independence="area_where_possible") == outside
    assert choose([home, full], independence="area_where_possible") == home
    assert choose([home], independence="unit") == home
