"""The overall mark against the marks: when it needs the inspector's reason."""

from __future__ import annotations

from support.questionnaire_builders import EA, answers, mark, question, questionnaire, section

from inspections.answers import Answer
from inspections.overall import NOT_MET_ABOVE, confirmation_needed, overall_mismatch

# Four scored questions of weight 1, one of them critical, and the unweighted overall mark.
FORM = questionnaire(
    section(
        "s",
        question("q1"),
        question("q2"),
        question("q3"),
        question("safe", critical=True),
        question("overall_mark", weight=0),
    )
)


def given(overall: str, *, reason: str | None = None, **marks: str) -> dict[str, Answer]:
    codes = {"q1": "fully_met", "q2": "fully_met", "q3": "fully_met", "safe": "fully_met"}
    codes.update(marks)
    found = answers(*(mark(q, code) for q, code in codes.items()))
    return {**found, "overall_mark": Answer("overall_mark", overall, reason=reason)}


def test_fully_met_overall_beside_a_failed_critical_question_needs_a_reason() -> None:
    failing = given("fully_met", safe="not_met")

    assert overall_mismatch(FORM, review_type=EA, answers=failing) == (
        "The overall mark is Fully met, but “Synthetic question safe?” failed. Say why the "
        "review meets the standard overall."
    )
    assert confirmation_needed(FORM, review_type=EA, answers=failing) is not None
    explained = given("fully_met", reason="Put right the next day.", safe="not_met")
    assert confirmation_needed(FORM, review_type=EA, answers=explained) is None


def test_not_met_overall_needs_a_reason_only_above_the_threshold() -> None:
    # 4 of 4 points: 100%, above the threshold; 2.5 of 4: 62.5%, below it.
    high = given("not_met")
    low = given("not_met", q1="not_met", q2="partially_met")

    assert NOT_MET_ABOVE == 0.75
    assert overall_mismatch(FORM, review_type=EA, answers=high) == (
        "The overall mark is Not met, but the score is 100%. Say why the review does not meet "
        "the standard overall."
    )
    assert overall_mismatch(FORM, review_type=EA, answers=low) is None


def test_marks_that_agree_or_no_overall_mark_need_nothing() -> None:
    assert overall_mismatch(FORM, review_type=EA, answers=given("fully_met")) is None
    assert (
        overall_mismatch(FORM, review_type=EA, answers=given("partially_met", safe="not_met"))
        is None
    )
    without = {k: v for k, v in given("fully_met", safe="not_met").items() if k != "overall_mark"}
    assert overall_mismatch(FORM, review_type=EA, answers=without) is None
