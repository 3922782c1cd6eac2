from __future__ import annotations

import pytest
from support.questionnaire_builders import (
    EA,
    PCD,
    answers,
    mark,
    question,
    questionnaire,
    section,
    when,
    written,
)

from inspections.answers import Answer, Answers
from inspections.runtime import (
    applicable_questions,
    enabled_questions,
    is_complete,
    next_question,
    position,
    validate_answer,
)
from questionnaires.model import Question, QuestionKind, Questionnaire, Subject

# m1 "was a meeting offered?" enables m2, whose mark enables m3; s3 is for charging reviews only.
WALK = questionnaire(
    section(
        "meeting",
        question("m1", kind=QuestionKind.YES_NO),
        question("m2", conditions=(when("m1", "yes"),)),
        question("m3", conditions=(when("m2", "fully_met", "partially_met"),)),
    ),
    section(
        "safety",
        question("s1", critical=True),
        question("s2", kind=QuestionKind.FREE_TEXT, required=False),
        question("s3", applies_to=frozenset({PCD})),
    ),
)


def ids(questions: tuple[Question, ...]) -> list[str]:
    return [q.id for q in questions]


def enabled_ids(given: Answers, review_type: str = EA, of: Questionnaire = WALK) -> list[str]:
    return ids(enabled_questions(of, review_type=review_type, answers=given))


def next_and_position(given: Answers) -> tuple[str | None, tuple[int, int] | None]:
    upcoming = next_question(WALK, review_type=EA, answers=given)
    if upcoming is None:
        return None, None
    return upcoming.id, position(WALK, review_type=EA, answers=given, question_id=upcoming.id)


def test_applicable_questions_keep_questionnaire_order_and_drop_other_review_types() -> None:
    assert ids(applicable_questions(WALK, EA)) == ["m1", "m2", "m3", "s1", "s2"]
    assert ids(applicable_questions(WALK, PCD)) == ["m1", "m2", "m3", "s1", "s2", "s3"]


def test_unknown_review_type_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'charging'"):
        applicable_questions(WALK, "charging")


def test_without_answers_only_unconditional_questions_are_enabled() -> None:
    assert enabled_ids({}) == ["m1", "s1", "s2"]


def test_condition_holds_only_for_listed_option_codes() -> None:
    assert enabled_ids(answers(mark("m1", "yes"))) == ["m1", "m2", "s1", "s2"]
    assert enabled_ids(answers(mark("m1", "no"))) == ["m1", "s1", "s2"]


def test_disabling_a_question_disables_the_questions_that_depend_on_it() -> None:
    given = answers(mark("m1", "yes"), mark("m2", "fully_met"))
    assert enabled_ids(given) == ["m1", "m2", "m3", "s1", "s2"]

    # m2 keeps its answer, but being disabled it no longer enables m3.
    given["m1"] = mark("m1", "no")
    assert enabled_ids(given) == ["m1", "s1", "s2"]


def test_condition_on_a_question_that_does_not_apply_is_never_met() -> None:
    form = questionnaire(
        section(
            "a",
            question("pcd_only", applies_to=frozenset({PCD})),
            question("follow_up", conditions=(when("pcd_only", "not_met"),)),
        )
    )
    given = answers(mark("pcd_only", "not_met"))
    assert enabled_ids(given, review_type=PCD, of=form) == ["pcd_only", "follow_up"]
    assert enabled_ids(given, review_type=EA, of=form) == []


def test_all_conditions_of_a_question_must_hold() -> None:
    form = questionnaire(
        section(
            "a",
            question("x", kind=QuestionKind.YES_NO),
            question("y", kind=QuestionKind.YES_NO),
            question("both", conditions=(when("x", "yes"), when("y", "yes"))),
        )
    )
    only_x = answers(mark("x", "yes"), mark("y", "no"))
    assert enabled_ids(only_x, of=form) == ["x", "y"]
    assert enabled_ids({**only_x, "y": mark("y", "yes")}, of=form) == ["x", "y", "both"]


def test_walk_follows_conditions_as_answers_toggle_a_question_on_and_off() -> None:
    given: dict[str, Answer] = {}
    assert next_and_position(given) == ("m1", (1, 3))

    given["m1"] = mark("m1", "yes")
    assert next_and_position(given) == ("m2", (2, 4))

    given["m2"] = mark("m2", "partially_met")
    assert next_and_position(given) == ("m3", (3, 5))

    given["m1"] = mark("m1", "no")
    assert next_and_position(given) == ("s1", (2, 3))

    # Back to yes: m2's kept answer counts again, so m3 is next once more.
    given["m1"] = mark("m1", "yes")
    assert next_and_position(given) == ("m3", (3, 5))

    given["m3"] = mark("m3", "fully_met")
    given["s1"] = mark("s1", "fully_met")
    assert next_and_position(given) == ("s2", (5, 5))

    given["s2"] = written("s2")
    assert next_and_position(given) == (None, None)


def test_position_of_a_question_that_is_not_enabled_is_refused() -> None:
    with pytest.raises(ValueError, match="m2"):
        position(WALK, review_type=EA, answers={}, question_id="m2")


def test_complete_when_every_enabled_required_question_is_answered() -> None:
    given = answers(mark("m1", "no"), mark("s1", "fully_met"))
    assert is_complete(WALK, review_type=EA, answers=given) is True


def test_incomplete_while_a_required_question_is_unanswered() -> None:
    given = answers(mark("m1", "yes"), mark("s1", "fully_met"))
    assert is_complete(WALK, review_type=EA, answers=given) is False


def test_charging_review_also_needs_its_own_questions_answered() -> None:
    given = answers(mark("m1", "no"), mark("s1", "fully_met"))
    assert is_complete(WALK, review_type=PCD, answers=given) is False
    given["s3"] = mark("s3", "not_applicable")
    assert is_complete(WALK, review_type=PCD, answers=given) is True


# validate_answer


def problems(answer: Answer, question_id: str | None = None) -> list[str]:
    target = WALK.question(question_id or answer.question_id)
    return validate_answer(WALK, question=target, answer=answer)


def test_a_mark_from_the_scale_is_valid() -> None:
    assert problems(mark("s1", "fully_met")) == []
    assert problems(mark("m1", "yes")) == []


def test_a_mark_not_on_the_scale_names_the_allowed_labels() -> None:
    assert problems(mark("s1", "yes")) == [
        "'yes' is not a mark for question s1: "
        "choose one of Fully met, Partially met, Not met, Not applicable."
    ]


def test_a_missing_mark_names_the_allowed_labels() -> None:
    assert problems(Answer(question_id="m1")) == [
        "Question m1 needs a mark: choose one of Yes, No."
    ]


@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_a_mark_that_needs_a_reason_is_refused_without_one(reason: str | None) -> None:
    answer = Answer(question_id="s1", option_code="partially_met", reason=reason)
    assert problems(answer) == ["Partially met needs a written reason (question s1)."]


def test_a_mark_with_its_reason_is_valid() -> None:
    assert problems(mark("s1", "not_met", reason="The risk assessment was not considered.")) == []


def test_required_free_text_needs_a_written_answer() -> None:
    form = questionnaire(section("a", question("notes", kind=QuestionKind.FREE_TEXT)))
    answer = Answer(question_id="notes", text="  ")
    assert validate_answer(form, question=form.question("notes"), answer=answer) == [
        "Question notes needs a written answer."
    ]


def test_optional_free_text_may_be_left_empty() -> None:
    assert problems(Answer(question_id="s2")) == []


def test_free_text_refuses_a_mark() -> None:
    assert problems(Answer(question_id="s2", option_code="fully_met", text="Fine.")) == [
        "Question s2 takes a written answer, not a mark."
    ]


def test_text_reason_and_comment_are_limited_to_what_slack_accepts() -> None:
    long = "x" * 3001
    assert problems(written("s2", long)) == [
        "The answer to question s2 is 3001 characters long; the limit is 3000."
    ]
    assert problems(mark("s1", "not_met", reason=long)) == [
        "The reason to question s1 is 3001 characters long; the limit is 3000."
    ]
    commented = Answer(question_id="s1", option_code="fully_met", comment=long)
    assert problems(commented) == [
        "The comment to question s1 is 3001 characters long; the limit is 3000."
    ]
    assert problems(written("s2", "x" * 3000)) == []


def test_a_question_from_another_questionnaire_is_refused() -> None:
    other = questionnaire(section("a", question("elsewhere")))
    answer = mark("elsewhere", "fully_met")
    assert validate_answer(WALK, question=other.question("elsewhere"), answer=answer) == [
        "Question elsewhere is not in questionnaire synthetic version 1."
    ]


def test_an_answer_to_a_different_question_is_refused() -> None:
    assert problems(mark("m2", "fully_met"), question_id="s1") == [
        "This answer is for question m2, not s1."
    ]


def test_not_applicable_on_a_critical_question_needs_a_reason() -> None:
    critical, other = WALK.question("s1"), WALK.question("m2")

    bare = validate_answer(WALK, question=critical, answer=Answer("s1", "not_applicable"))
    given = Answer("s1", "not_applicable", reason="No victim contact at this stage.")

    assert bare == ["Not applicable needs a written reason (question s1)."]
    assert validate_answer(WALK, question=critical, answer=given) == []
    assert validate_answer(WALK, question=other, answer=Answer("m2", "not_applicable")) == []
    na = [o for o in WALK.options_for(critical) if o.not_applicable]
    assert [o.reason_required for o in na] == [True]


# By outcome: d1 is asked of a charge, d2 of no further action, d3 of either, c1 of CPS Direct.
BY_OUTCOME = questionnaire(
    section(
        "decision",
        question("d1", applies_to=frozenset({PCD}), outcomes=frozenset({"charge"})),
        question("d2", applies_to=frozenset({PCD}), outcomes=frozenset({"no_further_action"})),
        question(
            "d3",
            applies_to=frozenset({PCD}),
            outcomes=frozenset({"action_plan", "charge", "threshold_charge", "no_further_action"}),
        ),
        question("c1", cps_direct_only=True),
        question("e1", outcomes=frozenset({"advice_given"}), applies_to=frozenset({EA})),
    )
)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        (Subject(PCD, "charge"), ["d1", "d3"]),
        (Subject(PCD, "no_further_action"), ["d2", "d3"]),
        (Subject(PCD, "action_plan"), ["d3"]),
        # Not known: only what applies whatever the outcome of a pre-charge decision.
        (Subject(PCD), ["d3"]),
        (Subject(PCD, "charge", cps_direct=True), ["d1", "d3", "c1"]),
        # An early advice review can only have been advice given.
        (Subject(EA), ["e1"]),
        (PCD, ["d3"]),  # a review type alone is a subject whose outcome is not known
    ],
)
def test_questions_apply_by_outcome_and_cps_direct(
    subject: Subject | str, expected: list[str]
) -> None:
    assert ids(applicable_questions(BY_OUTCOME, subject)) == expected
