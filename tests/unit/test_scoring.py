from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
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

from inspections.answers import Answer
from inspections.runtime import enabled_questions
from inspections.scoring import ScoreResult, is_critical_failure, score_inspection
from questionnaires.model import (
    REVIEW_TYPES,
    Condition,
    Question,
    QuestionKind,
    Questionnaire,
    Scale,
    ScaleOption,
)

# a4 (yes) enables b2, whose "Fully met" enables b3; b4 is for charging reviews only.
FORM = questionnaire(
    section(
        "case",
        question("a1", weight=2.0),
        question("a2"),
        question("a3", weight=0.0),
        question("a4", kind=QuestionKind.YES_NO),
        question("a5", kind=QuestionKind.FREE_TEXT, required=False),
    ),
    section(
        "safety",
        question("b1", critical=True),
        question("b2", weight=3.0, critical=True, conditions=(when("a4", "yes"),)),
        question("b3", conditions=(when("b2", "fully_met"),)),
        question("b4", applies_to=frozenset({PCD})),
    ),
)


def score(*given: Answer, review_type: str = EA) -> ScoreResult:
    return score_inspection(FORM, review_type=review_type, answers=answers(*given))


def test_score_is_the_weighted_mean_of_the_marks() -> None:
    result = score(mark("a1", "fully_met"), mark("a2", "partially_met"), mark("b1", "not_met"))
    # (2×1 + 1×0.5 + 1×0) / (2 + 1 + 1)
    assert result.score == pytest.approx(2.5 / 4)
    assert result.section_scores == {"case": pytest.approx(2.5 / 3), "safety": 0.0}
    assert result.scored_questions == 3


def test_not_applicable_marks_leave_the_mean_and_its_weights() -> None:
    result = score(mark("a1", "fully_met"), mark("a2", "not_met"), mark("b1", "not_applicable"))
    assert result.score == pytest.approx(2 / 3)
    assert result.section_scores == {"case": pytest.approx(2 / 3), "safety": None}
    assert result.scored_questions == 2


def test_a_question_of_weight_zero_is_not_scored() -> None:
    assert score(mark("a1", "partially_met"), mark("a3", "not_met")).score == 0.5
    assert score(mark("a3", "not_met")) == ScoreResult(
        score=None,
        section_scores={"case": None, "safety": None},
        critical_failures=(),
        scored_questions=0,
    )


def test_yes_no_and_free_text_answers_are_never_scored() -> None:
    result = score(mark("a4", "no"), written("a5"))
    assert (result.score, result.scored_questions) == (None, 0)


def test_nothing_answered_scores_nothing() -> None:
    assert score() == ScoreResult(
        score=None,
        section_scores={"case": None, "safety": None},
        critical_failures=(),
        scored_questions=0,
    )


def test_a_question_whose_condition_is_unmet_is_not_scored() -> None:
    base = (mark("a1", "fully_met"), mark("b2", "not_met"))
    assert score(*base, mark("a4", "no")).score == 1.0
    # (2×1 + 3×0) / (2 + 3)
    assert score(*base, mark("a4", "yes")).score == pytest.approx(2 / 5)


def test_disabling_a_question_also_unscores_the_questions_it_enabled() -> None:
    base = (mark("a1", "fully_met"), mark("b2", "fully_met"), mark("b3", "not_met"))
    # (2×1 + 3×1 + 1×0) / (2 + 3 + 1)
    assert score(*base, mark("a4", "yes")).score == pytest.approx(5 / 6)
    assert score(*base, mark("a4", "no")).score == 1.0


def test_a_question_for_the_other_review_type_is_not_scored() -> None:
    given = (mark("a1", "fully_met"), mark("b4", "not_met"))
    assert score(*given, review_type=EA).score == 1.0
    assert score(*given, review_type=PCD).score == pytest.approx(2 / 3)


def test_section_scores_list_every_section_in_questionnaire_order() -> None:
    assert list(score(mark("b1", "fully_met")).section_scores) == ["case", "safety"]


def test_a_critical_question_marked_not_met_is_a_critical_failure() -> None:
    assert score(mark("b1", "not_met")).critical_failures == ("b1",)
    assert score(mark("b1", "partially_met")).critical_failures == ()
    assert score(mark("b1", "not_applicable")).critical_failures == ()


def test_a_non_critical_question_marked_not_met_is_no_critical_failure() -> None:
    assert score(mark("a1", "not_met")).critical_failures == ()


def test_critical_failures_are_listed_in_questionnaire_order() -> None:
    result = score(mark("b2", "not_met"), mark("a4", "yes"), mark("b1", "not_met"))
    assert result.critical_failures == ("b1", "b2")


def test_a_disabled_critical_question_is_no_critical_failure() -> None:
    assert score(mark("a4", "no"), mark("b2", "not_met")).critical_failures == ()


def test_a_not_applicable_option_scoring_zero_is_no_critical_failure() -> None:
    odd = Scale(
        id="odd",
        options=(
            ScaleOption(code="met", label="Met", score=1.0),
            ScaleOption(code="missing", label="Missing", score=0.0),
            ScaleOption(code="na", label="N/A", score=0.0, not_applicable=True),
        ),
    )
    form = questionnaire(section("a", question("c", critical=True, scale_id="odd")), scales=(odd,))
    critical = form.question("c")
    assert is_critical_failure(form, question=critical, answer=mark("c", "missing")) is True
    assert is_critical_failure(form, question=critical, answer=mark("c", "na")) is False
    assert score_inspection(form, review_type=EA, answers=answers(mark("c", "na"))).score is None


def test_a_mark_that_is_not_on_the_scale_is_refused_rather_than_skipped() -> None:
    with pytest.raises(ValueError, match="'yes' to question a1"):
        score(mark("a1", "yes"))


# Properties over random-ish questionnaires and answer sets.

GRADED_SCALE_ID = "graded"
unit_scores = st.floats(min_value=0.0, max_value=1.0)


@st.composite
def questionnaires(draw: st.DrawFn) -> Questionnaire:
    graded = Scale(
        id=GRADED_SCALE_ID,
        options=(
            ScaleOption(code="high", label="High", score=draw(unit_scores)),
            ScaleOption(code="low", label="Low", score=draw(unit_scores)),
            ScaleOption(code="na", label="N/A", score=None, not_applicable=True),
        ),
    )
    form = questionnaire(scales=(graded,))
    built: list[Question] = []
    for i in range(draw(st.integers(min_value=1, max_value=10))):
        kind = draw(st.sampled_from(QuestionKind))
        scale_id = {
            QuestionKind.SCALE: draw(st.sampled_from(["standard", GRADED_SCALE_ID])),
            QuestionKind.YES_NO: "yes_no",
            QuestionKind.FREE_TEXT: None,
        }[kind]
        conditions: tuple[Condition, ...] = ()
        markable = [q for q in built if q.kind is not QuestionKind.FREE_TEXT]
        wants_condition = draw(st.booleans())
        if markable and wants_condition:
            ref = draw(st.sampled_from(markable))
            codes = [o.code for o in form.scales[str(ref.scale_id)].options]
            conditions = (when(ref.id, *draw(st.sets(st.sampled_from(codes), min_size=1))),)
        built.append(
            question(
                f"q{i}",
                kind=kind,
                scale_id=scale_id,
                weight=draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])),
                critical=draw(st.booleans()),
                required=draw(st.booleans()),
                applies_to=draw(
                    st.sampled_from([frozenset(REVIEW_TYPES), frozenset({EA}), frozenset({PCD})])
                ),
                conditions=conditions,
            )
        )
    cut = draw(st.integers(min_value=0, max_value=len(built)))
    return questionnaire(
        section("first", *built[:cut]), section("second", *built[cut:]), scales=(graded,)
    )


def answers_to(form: Questionnaire, q: Question) -> st.SearchStrategy[Answer]:
    scale = form.scale_for(q)
    if scale is None:
        return st.just(written(q.id))
    return st.sampled_from([o.code for o in scale.options]).map(lambda code: mark(q.id, code))


@st.composite
def inspections(draw: st.DrawFn) -> tuple[Questionnaire, str, dict[str, Answer]]:
    form = draw(questionnaires())
    given = {q.id: draw(answers_to(form, q)) for q in form.questions if draw(st.booleans())}
    return form, draw(st.sampled_from(REVIEW_TYPES)), given


@given(inspections())
def test_score_is_none_or_within_zero_and_one(
    case: tuple[Questionnaire, str, dict[str, Answer]],
) -> None:
    form, review_type, given_answers = case
    result = score_inspection(form, review_type=review_type, answers=given_answers)
    assert (result.score is None) == (result.scored_questions == 0)
    for value in (result.score, *result.section_scores.values()):
        assert value is None or 0.0 <= value <= 1.0


@given(inspections(), st.data())
def test_a_not_applicable_answer_to_an_unanswered_question_leaves_the_score_alone(
    case: tuple[Questionnaire, str, dict[str, Answer]], data: st.DataObject
) -> None:
    form, review_type, given_answers = case
    # Excluded: a question whose "Not applicable" would enable another question.
    enabling = {
        (c.question_id, code) for q in form.questions for c in q.conditions for code in c.answer_in
    }
    candidates = [
        (q, option.code)
        for q in form.questions
        if q.id not in given_answers and (scale := form.scale_for(q)) is not None
        for option in scale.options
        if option.not_applicable and (q.id, option.code) not in enabling
    ]
    assume(candidates)
    q, code = data.draw(st.sampled_from(candidates))
    before = score_inspection(form, review_type=review_type, answers=given_answers)
    after = score_inspection(
        form, review_type=review_type, answers={**given_answers, q.id: mark(q.id, code)}
    )
    assert after == before


@given(inspections(), st.data())
def test_changing_answers_to_disabled_questions_leaves_the_score_alone(
    case: tuple[Questionnaire, str, dict[str, Answer]], data: st.DataObject
) -> None:
    form, review_type, given_answers = case
    enabled = enabled_questions(form, review_type=review_type, answers=given_answers)
    disabled = [q for q in form.questions if q not in enabled]
    assume(disabled)
    changed = dict(given_answers)
    for q in disabled:
        if data.draw(st.booleans()):
            changed[q.id] = data.draw(answers_to(form, q))
        else:
            changed.pop(q.id, None)
    before = score_inspection(form, review_type=review_type, answers=given_answers)
    assert score_inspection(form, review_type=review_type, answers=changed) == before
