"""The shipped RASSO review questionnaire: valid, complete for both review types, traceable."""

from __future__ import annotations

import pytest

from questionnaires.loader import default_questionnaire_path, load_questionnaire, validate_document
from questionnaires.model import QuestionKind, Questionnaire, ScaleOption

SEEDS = {"000", "001", "002", "003", "004"}


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    loaded, _ = load_questionnaire(default_questionnaire_path())
    return loaded


def ids_for(questionnaire: Questionnaire, review_type: str) -> list[str]:
    return [q.id for q in questionnaire.questions if review_type in q.applies_to]


def test_shipped_file_lives_in_the_package_and_validates_cleanly() -> None:
    path = default_questionnaire_path()
    _, raw = load_questionnaire(path)

    assert (path.parent.name, path.name) == ("questionnaires", "rasso_review.json")
    assert validate_document(raw) == []
    assert (raw["id"], raw["version"]) == ("rasso_review", 1)


def test_question_ids_are_the_stable_ones_in_order(questionnaire: Questionnaire) -> None:
    # Answers are stored against these ids: renaming one breaks every earlier inspection.
    assert [q.id for q in questionnaire.questions] == [
        "ea_meeting_offered_recorded",
        "pcd_ea_meeting_held",
        "pcd_meeting_offered_recorded",
        "suspect_focused_strategy",
        "reasonable_lines_of_enquiry",
        "assumptions_misconceptions",
        "ccb_relevant",
        "ccb_addressed",
        "intoxication_relevant",
        "intoxication_addressed",
        "previous_allegations_relevant",
        "previous_allegations_addressed",
        "historic_offences_relevant",
        "historic_offences_addressed",
        "action_plan_quality",
        "third_party_material",
        "code_test_applied",
        "charges_reflect_offending",
        "safeguarding_considered",
        "special_measures_considered",
        "isva_offer_recorded",
        "victim_communication",
        "review_language",
        "overall_mark",
        "key_learning_point",
    ]


def test_question_counts_per_review_type(questionnaire: Questionnaire) -> None:
    early_advice = ids_for(questionnaire, "early_advice")
    pre_charge = ids_for(questionnaire, "pre_charge_decision")

    assert (len(questionnaire.questions), len(early_advice), len(pre_charge)) == (25, 19, 24)
    assert set(early_advice) - set(pre_charge) == {"ea_meeting_offered_recorded"}
    assert set(pre_charge) - set(early_advice) == {
        "pcd_ea_meeting_held",
        "pcd_meeting_offered_recorded",
        "action_plan_quality",
        "code_test_applied",
        "charges_reflect_offending",
        "victim_communication",
    }


def test_every_question_cites_a_seed_document_and_section(questionnaire: Questionnaire) -> None:
    uncited = [
        q.id
        for q in questionnaire.questions
        if q.source.document not in SEEDS or not q.source.section.strip()
    ]
    assert uncited == []


def test_the_critical_questions_are_exactly_the_victim_safety_ones(
    questionnaire: Questionnaire,
) -> None:
    critical = [(q.id, q.section_id, q.weight) for q in questionnaire.questions if q.critical]
    assert critical == [
        ("safeguarding_considered", "victim_safety", 2.0),
        ("special_measures_considered", "victim_safety", 2.0),
        ("isva_offer_recorded", "victim_safety", 2.0),
    ]
    both = frozenset({"early_advice", "pre_charge_decision"})
    assert [q.id for q in questionnaire.questions if q.critical and q.applies_to != both] == []


def test_every_condition_points_back_to_an_earlier_yes_no_question(
    questionnaire: Questionnaire,
) -> None:
    position = {q.id: i for i, q in enumerate(questionnaire.questions)}
    for question in questionnaire.questions:
        for condition in question.conditions:
            gate = questionnaire.question(condition.question_id)
            assert position[gate.id] < position[question.id]
            assert gate.kind is QuestionKind.YES_NO
            assert question.applies_to <= gate.applies_to


def test_gates_and_the_questions_they_open(questionnaire: Questionnaire) -> None:
    gated = {
        q.id: (c.question_id, sorted(c.answer_in))
        for q in questionnaire.questions
        for c in q.conditions
    }
    assert gated == {
        "pcd_meeting_offered_recorded": ("pcd_ea_meeting_held", ["no"]),
        "ccb_addressed": ("ccb_relevant", ["yes"]),
        "intoxication_addressed": ("intoxication_relevant", ["yes"]),
        "previous_allegations_addressed": ("previous_allegations_relevant", ["yes"]),
        "historic_offences_addressed": ("historic_offences_relevant", ["yes"]),
    }
    assert (
        questionnaire.question("pcd_ea_meeting_held").text == "Was there an early advice meeting?"
    )


def test_standard_scale_is_the_domain_scale(questionnaire: Questionnaire) -> None:
    assert questionnaire.scales["standard"].options == (
        ScaleOption("fully_met", "Fully met", 1.0),
        ScaleOption("partially_met", "Partially met", 0.5, reason_required=True),
        ScaleOption("not_met", "Not met", 0.0, reason_required=True),
        ScaleOption("not_applicable", "Not applicable", None, not_applicable=True),
    )
    assert questionnaire.scales["yes_no"].options == (
        ScaleOption("yes", "Yes", None),
        ScaleOption("no", "No", None),
    )


def test_each_kind_uses_the_right_scale(questionnaire: Questionnaire) -> None:
    scales_by_kind = {
        kind: {q.scale_id for q in questionnaire.questions if q.kind is kind}
        for kind in QuestionKind
    }
    assert scales_by_kind == {
        QuestionKind.SCALE: {"standard", "overall"},
        QuestionKind.YES_NO: {"yes_no"},
        QuestionKind.FREE_TEXT: {None},
    }


def test_overall_mark_is_recorded_but_not_weighted(questionnaire: Questionnaire) -> None:
    overall = questionnaire.question("overall_mark")
    learning = questionnaire.question("key_learning_point")

    assert (overall.kind, overall.weight, overall.scale_id) == (QuestionKind.SCALE, 0.0, "overall")
    assert [o.label for o in questionnaire.scales["overall"].options] == [
        "Fully met",
        "Partially met",
        "Not met",
    ]
    assert (learning.kind, learning.required) == (QuestionKind.FREE_TEXT, True)


def test_charging_decision_questions_weigh_double(questionnaire: Questionnaire) -> None:
    weights = {q.id: q.weight for q in questionnaire.section("charging_decision").questions}
    assert weights == {"code_test_applied": 2.0, "charges_reflect_offending": 2.0}


def test_texts_fit_in_slack_blocks(questionnaire: Questionnaire) -> None:
    too_long = [
        q.id for q in questionnaire.questions if len(q.text) >= 300 or len(q.guidance) >= 600
    ]
    assert too_long == []
