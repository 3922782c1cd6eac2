"""The change against the previous period, for each breakdown row and each question, composed
from hand-made tallies (the same statistics as the headline: flagged only when the 95% Wilson
intervals do not overlap)."""

from __future__ import annotations

from datetime import date

from inspections.periods import quarter_of
from inspections.scopes import Scope, ScopeKind
from inspections.trend_summary import (
    CURRENT,
    PREVIOUS,
    InspectionTally,
    Labels,
    MarkTally,
    TrendSummary,
    compose,
)
from inspections.trends import Direction, Share

NATIONAL = Scope(ScopeKind.NATIONAL, "National")
LABELS = Labels(
    sections={"safety": "Victim safety"},
    questions={"isva": "ISVA offer recorded", "measures": "Special measures considered"},
    groups={"Wessex": "Wessex", "Thames and Chiltern": "Thames and Chiltern"},
)


def mark(bucket: int, group: str, question: str, marks: int, fully: int) -> MarkTally:
    return MarkTally(bucket, group, "safety", question, marks, fully, marks - fully, 0, True)


def inspected(bucket: int, group: str, count: int) -> InspectionTally:
    return InspectionTally(bucket, group, count, 0.5 * count, count)


def summary(marks: list[MarkTally], inspections: list[InspectionTally]) -> TrendSummary:
    return compose(
        scope=NATIONAL,
        period=quarter_of(date(2026, 1, 1)),
        review_type=None,
        marks=marks,
        inspections=inspections,
        labels=LABELS,
    )


def test_each_row_carries_its_previous_period_and_a_flagged_change() -> None:
    composed = summary(
        marks=[
            mark(PREVIOUS, "Wessex", "isva", 100, 90),
            mark(CURRENT, "Wessex", "isva", 100, 40),  # 90% -> 40%: far apart
            mark(PREVIOUS, "Thames and Chiltern", "isva", 100, 60),
            mark(CURRENT, "Thames and Chiltern", "isva", 100, 62),  # overlapping intervals
        ],
        inspections=[
            inspected(PREVIOUS, "Wessex", 100),
            inspected(CURRENT, "Wessex", 100),
            inspected(PREVIOUS, "Thames and Chiltern", 100),
            inspected(CURRENT, "Thames and Chiltern", 100),
        ],
    )

    rows = {row.key: row for row in composed.rows}
    assert rows["Wessex"].previous.fully_met == Share(90, 100)
    assert rows["Wessex"].change.direction is Direction.DOWN
    assert rows["Thames and Chiltern"].previous.fully_met == Share(60, 100)
    assert rows["Thames and Chiltern"].change.direction is Direction.NONE


def test_a_group_seen_only_in_the_previous_period_gets_no_row() -> None:
    composed = summary(
        marks=[
            mark(PREVIOUS, "Wessex", "isva", 10, 9),
            mark(CURRENT, "Thames and Chiltern", "isva", 10, 9),
        ],
        inspections=[
            inspected(PREVIOUS, "Wessex", 10),
            inspected(CURRENT, "Thames and Chiltern", 10),
        ],
    )

    assert [row.key for row in composed.rows] == ["Thames and Chiltern"]
    assert composed.rows[0].previous.inspections == 0


def test_each_question_carries_its_previous_share_summed_over_groups() -> None:
    composed = summary(
        marks=[
            mark(PREVIOUS, "Wessex", "isva", 50, 45),
            mark(PREVIOUS, "Thames and Chiltern", "isva", 50, 45),
            mark(CURRENT, "Wessex", "isva", 50, 20),
            mark(CURRENT, "Thames and Chiltern", "isva", 50, 20),
            mark(PREVIOUS, "Wessex", "measures", 50, 30),
            mark(CURRENT, "Wessex", "measures", 50, 31),
        ],
        inspections=[inspected(PREVIOUS, "Wessex", 50), inspected(CURRENT, "Wessex", 50)],
    )

    questions = {q.question_id: q for q in composed.questions}
    assert questions["isva"].previous == Share(90, 100)
    assert questions["isva"].share == Share(40, 100)
    assert questions["isva"].change.direction is Direction.DOWN
    assert questions["measures"].previous == Share(30, 50)
    assert questions["measures"].change.direction is Direction.NONE


def test_themes_are_ranked_by_rate_not_by_count() -> None:
    # "measures": 5 of 24 marks not fully met (21%); "isva": 3 of 8 (37.5%): isva comes first.
    composed = summary(
        marks=[
            mark(CURRENT, "Wessex", "measures", 24, 19),
            mark(CURRENT, "Wessex", "isva", 8, 5),
        ],
        inspections=[inspected(CURRENT, "Wessex", 24)],
    )

    assert [(t.question_id, t.not_fully_met, t.marks) for t in composed.themes] == [
        ("isva", 3, 8),
        ("measures", 5, 24),
    ]
