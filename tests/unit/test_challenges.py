"""The rules of the lawyer's challenge: which marks, what a decision needs, what amending does."""

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

from inspections import challenges as rules
from inspections.answers import Answer
from inspections.scoring import score_inspection
from questionnaires.model import QuestionKind

FORM = questionnaire(
    section(
        "case",
        question("a1", weight=2.0),
        question("a2"),
        question("a3"),
        question("a4", kind=QuestionKind.YES_NO),
        question("a5", conditions=(when("a2", "fully_met"),)),
        question("a6", weight=0.0),
        question("a7", applies_to=frozenset({PCD})),
        question("a8", kind=QuestionKind.FREE_TEXT),
    ),
)
GIVEN = answers(
    mark("a1", "partially_met", reason="Not prioritised."),
    mark("a2", "not_met"),
    mark("a3", "not_applicable"),
    mark("a4", "yes"),
    mark("a6", "not_met"),
    written("a8"),
)


def check(question_ids: list[str], reason: str | None = "The file shows it.") -> list[str]:
    return rules.check_challenge(
        FORM, review_type=EA, answers=GIVEN, question_ids=question_ids, reason=reason
    )


def amend(question_id: str, code: str, reason: str = "On a second look, yes.") -> Answer:
    return rules.amended_answer(
        FORM,
        review_type=EA,
        answers=GIVEN,
        amendment=rules.Amendment(question_id, code, reason),
    )


def test_only_marks_that_count_towards_the_score_can_be_challenged() -> None:
    found = rules.challengeable(FORM, review_type=EA, answers=GIVEN)

    # Not a3 (Not applicable), a4 (yes/no), a5 (disabled), a6 (no weight), a7 (charging
    # reviews only) or a8 (written).
    assert [q.id for q in found] == ["a1", "a2"]


def test_a_challenge_to_scored_marks_with_a_reason_is_accepted() -> None:
    assert check(["a1", "a2"]) == []


def test_a_challenge_needs_a_mark_and_a_reason() -> None:
    assert check([], reason="  ") == [
        "Choose at least one mark to challenge.",
        "Give a reason: say why you think the mark is wrong.",
    ]


def test_a_challenge_to_an_unscored_answer_is_refused_naming_it() -> None:
    assert check(["a1", "a3", "a6"]) == [
        "Only marks that count towards the score can be challenged, which these are not: a3, a6."
    ]


def test_the_same_mark_cannot_be_challenged_twice_in_one_challenge() -> None:
    assert check(["a1", "a1"]) == ["Each mark can be challenged once."]


def test_an_overlong_reason_is_refused() -> None:
    assert check(["a1"], reason="x" * 3001) == [
        "The reason is 3001 characters long; the limit is 3000."
    ]


def test_amendment_offers_the_rest_of_the_scale() -> None:
    options = rules.amendment_options(FORM, FORM.question("a1"), "partially_met")

    assert [o.code for o in options] == ["fully_met", "not_met", "not_applicable"]


def test_an_amended_mark_replaces_the_answer_keeping_the_comment() -> None:
    given = {**GIVEN, "a1": Answer("a1", "partially_met", reason="Thin.", comment="Kept.")}

    replacement = rules.amended_answer(
        FORM,
        review_type=EA,
        answers=given,
        amendment=rules.Amendment("a1", "fully_met", " The plan is in the annex. "),
    )

    assert replacement == Answer(
        "a1", "fully_met", reason="The plan is in the annex.", comment="Kept."
    )


def test_amending_to_the_same_mark_or_an_unknown_one_is_refused() -> None:
    with pytest.raises(rules.ChallengeRefused) as same:
        amend("a1", "partially_met")
    with pytest.raises(rules.ChallengeRefused) as unknown:
        amend("a1", "excellent")

    assert same.value.problems == ["Choose a different mark, or uphold the mark instead."]
    assert unknown.value.problems == ["'excellent' is not a mark for question a1."]


def test_amending_needs_a_reason() -> None:
    with pytest.raises(rules.ChallengeRefused) as refused:
        amend("a1", "fully_met", reason="")

    assert refused.value.problems == ["Give a reason for the new mark."]


def test_an_amendment_that_would_change_which_questions_apply_is_refused() -> None:
    # a2 Fully met would enable a5, which nobody has answered.
    with pytest.raises(rules.ChallengeRefused) as refused:
        amend("a2", "fully_met")

    assert refused.value.problems == [
        "That mark would change which questions apply; it cannot be amended so."
    ]


def test_amended_marks_change_the_score() -> None:
    before = score_inspection(FORM, review_type=EA, answers=GIVEN)

    merged, after = rules.rescored(
        FORM, review_type=EA, answers=GIVEN, replacements=[amend("a1", "fully_met")]
    )

    # (2×0.5 + 0) / 3 before; (2×1 + 0) / 3 after.
    assert (before.score, after.score) == (pytest.approx(1 / 3), pytest.approx(2 / 3))
    assert merged["a1"].option_code == "fully_met"
    assert merged["a2"] == GIVEN["a2"]


def test_a_decision_is_upheld_or_amended_with_a_reason() -> None:
    assert rules.check_decision("upheld", "The file does not show it.") == []
    assert rules.check_decision("withdrawn", None) == [
        "Unknown decision 'withdrawn'.",
        "Give a reason for your decision.",
    ]


def test_the_outcome_is_due_only_when_every_challenged_mark_is_decided() -> None:
    assert rules.all_decided(["upheld", "amended"]) is True
    assert rules.all_decided(["upheld", "open"]) is False
    assert rules.all_decided([]) is False
    assert rules.outcome_counts({"a1": "upheld", "a2": "amended", "a3": "amended"}) == (1, 2)


LEADS = {10, 11}


def test_the_inspector_who_gave_the_mark_never_decides_even_as_a_lead() -> None:
    problem = rules.decider_problem(10, marking_inspector_id=10, lawyer_id=3, lead_ids=LEADS)

    assert problem is rules.DeciderProblem.GAVE_THE_MARK
    assert rules.deciders(marking_inspector_id=10, lawyer_id=3, lead_ids=LEADS) == (11,)


def test_a_lead_decides_and_so_does_the_inspector_a_lead_named() -> None:
    def problem(actor: int | None, named: int | None = None) -> rules.DeciderProblem | None:
        return rules.decider_problem(
            actor, marking_inspector_id=5, lawyer_id=3, lead_ids=LEADS, named_decider_id=named
        )

    assert problem(11) is None
    assert problem(7) is rules.DeciderProblem.NOT_A_DECIDER
    assert problem(7, named=7) is None
    assert problem(11, named=7) is None  # a lead may still decide after naming someone
    assert problem(3) is rules.DeciderProblem.NOT_A_DECIDER  # the lawyer
    assert problem(None) is rules.DeciderProblem.NOT_IN_DIRECTORY
    assert rules.deciders(marking_inspector_id=5, lawyer_id=3, lead_ids=LEADS) == (10, 11)
    assert rules.deciders(
        marking_inspector_id=5, lawyer_id=3, lead_ids=LEADS, named_decider_id=7
    ) == (7,)


def test_a_lead_may_name_only_another_inspector() -> None:
    def problem(nominee: int | None, *, inspector: bool = True) -> str | None:
        return rules.nominee_problem(
            nominee, nominee_is_inspector=inspector, marking_inspector_id=5, lawyer_id=3
        )

    assert problem(7) is None
    assert problem(5) == "gave the mark, so cannot decide the challenge to it"
    assert problem(3) == "is the lawyer who raised the challenge"
    assert problem(8, inspector=False) == "is not an inspector"
    assert problem(None) == "is not in the directory"


def test_when_every_lead_gave_the_mark_the_leads_get_the_card_to_pass_it_on() -> None:
    def recipients(leads: set[int], named: int | None = None) -> tuple[int, ...]:
        return rules.card_recipients(
            marking_inspector_id=10, lawyer_id=3, lead_ids=leads, named_decider_id=named
        )

    assert recipients({10, 11}) == (11,)
    assert recipients({10}) == (10,)  # to pass on: decider_problem still refuses them
    assert recipients({10}, named=7) == (7,)


def test_nobody_holding_another_marking_of_the_review_decides_or_sees_the_card() -> None:
    # Lead 11 marks the review blind a second time; lead 12 does not.
    assert rules.deciders(
        marking_inspector_id=10, lawyer_id=3, lead_ids={11, 12}, other_markers={11}
    ) == (12,)
    assert (
        rules.decider_problem(
            11, marking_inspector_id=10, lawyer_id=3, lead_ids={11, 12}, other_markers={11}
        )
        is rules.DeciderProblem.MARKED_IT_TOO
    )
    # Every lead marks it: those not marking it first get the card to pass it on.
    assert rules.card_recipients(
        marking_inspector_id=10, lawyer_id=3, lead_ids={10, 11}, other_markers={11}
    ) == (10,)


def test_a_named_decider_must_be_independent_of_the_lawyer() -> None:
    lawyer = rules.Place("Wessex", "RASSO Wessex", manager_id=20)

    def problem(nominee: int, place: rules.Place, *, marking: set[int] | None = None) -> str | None:
        return rules.nominee_problem(
            nominee, nominee_is_inspector=True, marking_inspector_id=5, lawyer_id=3,
            other_markers=marking or set(), nominee_place=place, lawyer_place=lawyer,
        )  # fmt: skip

    elsewhere = rules.Place("Mersey-Cheshire", "RASSO Mersey-Cheshire")
    assert problem(7, elsewhere) is None
    assert problem(7, rules.Place("Wessex", "Wessex Casework Quality")) is None  # another unit
    assert problem(20, elsewhere) == "is the lawyer's line manager"
    assert problem(7, rules.Place("Wessex", "RASSO Wessex")) == "works in the lawyer's unit"
    assert problem(7, elsewhere, marking={7}) == "holds another marking of the same review"
