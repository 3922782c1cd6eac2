"""Composing the lawyer's feedback and their manager's summary from marks and a score."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from support.questionnaire_builders import (
    EA,
    PCD,
    answers,
    mark,
    question,
    questionnaire,
    section,
    written,
)

from inspections.answers import Answer
from inspections.feedback import (
    FeedbackDocument,
    ManagerSummary,
    MarkedQuestion,
    ReviewFacts,
    SectionMark,
    compose_feedback,
    key_learning_point_of,
    manager_summary,
)
from inspections.scoring import score_inspection
from questionnaires.model import QuestionKind, Questionnaire, Scale, ScaleOption, Statements

OVERALL_SCALE = Scale(
    id="overall",
    options=(
        ScaleOption(code="fully_met", label="Fully met", score=1.0),
        ScaleOption(code="partially_met", label="Partially met", score=0.5, reason_required=True),
    ),
)
FORM = questionnaire(
    section(
        "case",
        question("a1", weight=2.0),
        question("a2"),
        question("a3"),
        question("a4", kind=QuestionKind.YES_NO),
        question("a5", applies_to=frozenset({PCD})),
    ),
    section("safety", question("b1", critical=True), question("b2")),
    section(
        "overall",
        question("overall_mark", weight=0.0, scale_id="overall"),
        question("key_learning_point", kind=QuestionKind.FREE_TEXT),
    ),
    scales=(OVERALL_SCALE,),
)
REVIEW = ReviewFacts(
    urn="42AB1234525",
    review_type=EA,
    completed_at=datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
    lawyer_name="Lee Lawyer",
    area="Wessex",
)
GIVEN = answers(
    Answer("a1", "fully_met", comment="Clear, suspect-focused strategy."),
    mark("a2", "partially_met", reason="Lines of enquiry listed but not prioritised."),
    mark("a3", "not_applicable"),
    mark("a4", "yes"),
    mark("b1", "not_met", reason="No safeguarding considered."),
    mark("b2", "fully_met"),
    mark("overall_mark", "partially_met", reason="Sound, but the safety gap matters."),
    written("key_learning_point", "  Record the safeguarding plan.  "),
)


def compose(form: Questionnaire = FORM, given: dict[str, Answer] = GIVEN) -> FeedbackDocument:
    result = score_inspection(form, review_type=EA, answers=given)
    return compose_feedback(
        form,
        inspection_id=7,
        review=REVIEW,
        answers=given,
        result=result,
        key_learning_point=key_learning_point_of(form, given),
    )


def test_fully_met_marks_are_what_was_done_well_with_the_inspectors_comments() -> None:
    document = compose()

    assert [(m.question_id, m.mark, m.comment) for m in document.done_well] == [
        ("a1", "Fully met", "Clear, suspect-focused strategy."),
        ("b2", "Fully met", None),
    ]


def test_partial_and_unmet_marks_are_to_develop_with_reasons() -> None:
    document = compose()

    assert document.to_develop == (
        MarkedQuestion(
            question_id="a2",
            section_title="Section case",
            text="Synthetic question a2?",
            mark="Partially met",
            reason="Lines of enquiry listed but not prioritised.",
            label="Synthetic question a2?",
        ),
        MarkedQuestion(
            question_id="b1",
            section_title="Section safety",
            text="Synthetic question b1?",
            mark="Not met",
            reason="No safeguarding considered.",
            critical_failure=True,
            label="Synthetic question b1?",
        ),
    )
    assert [m.question_id for m in document.critical_failures] == ["b1"]


def test_not_applicable_yes_no_unweighted_and_free_text_answers_are_not_marks() -> None:
    document = compose()

    assert {m.question_id for m in document.marks} == {"a1", "a2", "b1", "b2"}


def test_score_section_marks_overall_mark_and_key_learning_point_are_carried() -> None:
    document = compose()

    # (2×1 + 1×0.5) / 3 for the case section; (0 + 1) / 2 for safety; overall 3.5 / 5.
    assert document.score == pytest.approx(3.5 / 5)
    assert document.sections == (
        SectionMark("Section case", 2.5 / 3),
        SectionMark("Section safety", 0.5),
    )
    assert (document.overall_mark, document.overall_reason) == (
        "Partially met",
        "Sound, but the safety gap matters.",
    )
    assert document.key_learning_point == "Record the safeguarding plan."


def test_the_lawyer_reads_the_statements_never_the_inspectors_guidance() -> None:
    stated = replace(
        question("q1"),
        guidance="Mark Not applicable when there is no victim contact.",
        statements=Statements(met="You set out the strategy.", not_met="Set out the strategy."),
        label="Strategy set out",
    )
    form = questionnaire(section("s", stated, question("q2")))

    develop = compose(form, answers(mark("q1", "not_met"), mark("q2", "not_met"))).to_develop
    well = compose(form, answers(mark("q1", "fully_met"), mark("q2", "fully_met"))).done_well

    assert [(m.said, m.label, m.guidance) for m in develop] == [
        ("Set out the strategy.", "Strategy set out", ""),
        ("Synthetic question q2?", "Synthetic question q2?", ""),  # no statements: the text
    ]
    assert well[0].said == "You set out the strategy."


def test_a_questionnaire_without_a_key_learning_question_has_none() -> None:
    form = questionnaire(section("s", question("q1")))

    assert key_learning_point_of(form, answers(mark("q1", "fully_met"))) is None


def test_amended_marks_remember_the_mark_they_replaced() -> None:
    given = {**GIVEN, "a2": mark("a2", "fully_met")}
    result = score_inspection(FORM, review_type=EA, answers=given)

    document = compose_feedback(
        FORM,
        inspection_id=7,
        review=REVIEW,
        answers=given,
        result=result,
        key_learning_point=None,
        amended={"a2": "Partially met"},
        original_score=0.7,
    )

    assert [(m.question_id, m.was) for m in document.done_well] == [
        ("a1", None),
        ("a2", "Partially met"),
        ("b2", None),
    ]
    assert document.original_score == 0.7


def test_the_document_survives_a_round_trip_through_json() -> None:
    document = compose()

    assert FeedbackDocument.from_dict(document.to_dict()) == document


def test_an_unknown_stored_format_is_refused_rather_than_misread() -> None:
    with pytest.raises(ValueError, match="unknown feedback format"):
        FeedbackDocument.from_dict({**compose().to_dict(), "format": 99})


def test_the_manager_summary_keeps_the_marks_but_not_the_reasons() -> None:
    summary = manager_summary(compose())

    assert summary == ManagerSummary(
        inspection_id=7,
        review=REVIEW,
        score=3.5 / 5,
        overall_mark="Partially met",
        sections=compose().sections,
        done_well_count=2,
        to_develop=(
            ("Synthetic question a2?", "Partially met"),
            ("Synthetic question b1?", "Not met"),
        ),
        critical_failures=("Synthetic question b1?",),
        key_learning_point="Record the safeguarding plan.",
    )
