"""Which safeguards an answer switches off or back on, from the questionnaire alone."""

from __future__ import annotations

from support.questionnaire_builders import (
    PCD,
    answers,
    mark,
    question,
    questionnaire,
    section,
    when,
)

from inspections.safeguards import safeguards_switched
from questionnaires.model import QuestionKind

GATED = questionnaire(
    section(
        "safety",
        question("victim_engaged", kind=QuestionKind.YES_NO),
        question("isva", critical=True, conditions=(when("victim_engaged", "yes"),)),
        question("safeguarding", critical=True),
    )
)


def test_an_answer_that_removes_a_safeguards_condition_switches_it_off() -> None:
    before = answers(mark("victim_engaged", "yes"), mark("isva", "not_met", "No offer."))

    switch = safeguards_switched(
        GATED, review_type=PCD, before=before, given=mark("victim_engaged", "no")
    )

    assert [q.id for q in switch.switched_off] == ["isva"]
    assert switch.failing_again == ()


def test_switched_back_on_with_its_not_met_still_stored_it_fails_again() -> None:
    before = answers(mark("victim_engaged", "no"), mark("isva", "not_met", "No offer."))

    switch = safeguards_switched(
        GATED, review_type=PCD, before=before, given=mark("victim_engaged", "yes")
    )

    assert switch.switched_off == ()
    assert [q.id for q in switch.failing_again] == ["isva"]


def test_switched_back_on_with_a_passing_mark_stored_nothing_fails() -> None:
    before = answers(mark("victim_engaged", "no"), mark("isva", "fully_met"))

    switch = safeguards_switched(
        GATED, review_type=PCD, before=before, given=mark("victim_engaged", "yes")
    )

    assert (switch.switched_off, switch.failing_again) == ((), ())


def test_an_ordinary_answer_switches_nothing() -> None:
    before = answers(mark("victim_engaged", "yes"))

    switch = safeguards_switched(
        GATED, review_type=PCD, before=before, given=mark("safeguarding", "not_met", "None.")
    )

    assert (switch.switched_off, switch.failing_again) == ((), ())
