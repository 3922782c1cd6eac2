"""Calibration exercises: each question's spread, consensus and agreement, and completion."""

from __future__ import annotations

from datetime import UTC, datetime

from inspections.calibration import (
    QuestionResult,
    check_inspectors,
    check_reference,
    closes,
    is_complete,
    question_results,
)

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_each_question_has_its_spread_consensus_and_agreement() -> None:
    marks = {
        "a": {"q1": "fully_met", "q2": "not_met", "q3": "fully_met"},
        "b": {"q1": "partially_met", "q2": "not_met", "q3": "fully_met"},
        "c": {"q1": "not_met", "q2": "fully_met"},
    }

    results = question_results(marks, order=["q1", "q2", "q3", "q4"])

    assert results == (
        QuestionResult("q1", (("fully_met", 1), ("not_met", 1), ("partially_met", 1)), None, 0, 3),
        QuestionResult("q2", (("not_met", 2), ("fully_met", 1)), "not_met", 2, 3),
        QuestionResult("q3", (("fully_met", 2),), "fully_met", 2, 2),
    )
    assert [r.unanimous for r in results] == [False, False, True]


def test_an_exercise_completes_when_all_submit_or_when_due() -> None:
    before, after = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC)

    assert is_complete(["submitted", "submitted"], due_at=NOON, now=before)
    assert not is_complete(["submitted", "in_progress"], due_at=NOON, now=before)
    assert is_complete(["submitted", "in_progress"], due_at=NOON, now=after)
    # Due with nobody submitted: complete too, reported as closed with no markings.
    assert is_complete(["assigned", "in_progress"], due_at=NOON, now=after)
    assert not is_complete(["assigned", "in_progress"], due_at=NOON, now=before)
    assert not is_complete([], due_at=NOON, now=after)
    statuses = ("assigned", "in_progress", "paused", "queued", "submitted", "withdrawn")
    assert [closes(s) for s in statuses] == [True, True, True, True, False, False]
    assert check_inspectors(1) and check_inspectors(2) == []


def test_a_reference_mark_needs_a_marked_question_a_mark_of_its_scale_and_a_reason() -> None:
    results = question_results({"a": {"q1": "fully_met"}, "b": {"q1": "not_met"}}, order=["q1"])
    options = {"fully_met", "partially_met", "not_met"}

    def problems(question: str | None, code: str | None, reason: str | None) -> list[str]:
        return check_reference(
            results, question_id=question, option_code=code, options=options, reason=reason
        )

    assert problems("q1", "partially_met", "Half the plan.") == []
    assert problems("q9", "yes", " ") == [
        "Choose a question the inspectors marked.",
        "Choose a mark the question's scale offers.",
        "Give a reason for the reference mark.",
    ]
