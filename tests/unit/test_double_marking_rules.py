"""Blind double-marking: which disagreements between the two inspectors go to the lead."""

from __future__ import annotations

from support.questionnaire_builders import (
    EA,
    answers,
    mark,
    question,
    questionnaire,
    section,
    when,
)

from inspections.double_marking import Disagreement, large_disagreements
from inspections.sampling import double_mark_draw, draw
from questionnaires.model import QuestionKind, Scale, ScaleOption

DECISION = Scale(
    id="decision",
    options=(
        ScaleOption(code="fully_met", label="Fully met", score=1.0),
        ScaleOption(code="not_met", label="Not met", score=0.0, reason_required=True),
    ),
)
FORM = questionnaire(
    section(
        "s",
        question("safety", critical=True),
        question("right", scale_id="decision"),
        question("plain"),
        question("gate", kind=QuestionKind.YES_NO),
        question("later", critical=True, conditions=(when("gate", "yes"),)),
    ),
    scales=(DECISION,),
)


def disagreements(first: dict, second: dict) -> tuple[Disagreement, ...]:  # type: ignore[type-arg]
    return large_disagreements(FORM, review_type=EA, first=first, second=second)


def test_a_critical_failure_against_a_pass_and_a_wrong_decision_are_flagged() -> None:
    first = answers(
        mark("safety", "not_met"), mark("right", "fully_met"), mark("plain", "not_met"),
        mark("gate", "no"),
    )  # fmt: skip
    second = answers(
        mark("safety", "partially_met"), mark("right", "not_met"), mark("plain", "fully_met"),
        mark("gate", "no"),
    )  # fmt: skip

    assert disagreements(first, second) == (
        Disagreement("safety", "not_met", "partially_met"),
        Disagreement("right", "fully_met", "not_met"),
    )  # "plain" is neither critical nor a decision: not flagged, however far apart


def test_small_disagreements_and_questions_only_one_reached_are_not_flagged() -> None:
    first = answers(
        mark("safety", "fully_met"), mark("right", "fully_met"), mark("plain", "fully_met"),
        mark("gate", "yes"), mark("later", "not_met"),
    )  # fmt: skip
    second = answers(
        mark("safety", "partially_met"), mark("right", "fully_met"), mark("plain", "fully_met"),
        mark("gate", "no"),
    )  # fmt: skip

    assert disagreements(first, second) == ()


def test_the_double_marking_draw_is_its_own() -> None:
    secret = b"synthetic secret"

    assert double_mark_draw(secret, "review:x") == draw(secret, "double-mark\nreview:x")
    assert double_mark_draw(secret, "review:x") != draw(secret, "review:x")
