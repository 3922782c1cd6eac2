"""The shipped RASSO review questionnaire: valid, complete for both review types, traceable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from inspections.runtime import applicable_questions
from questionnaires.lineage import unaccounted_ids
from questionnaires.loader import default_questionnaire_path, load_questionnaire, validate_document
from questionnaires.model import (
    OUTCOMES_BY_REVIEW_TYPE,
    QuestionKind,
    Questionnaire,
    ScaleOption,
    Subject,
)
from questionnaires.themes import THEMES

SEEDS = Path(default_questionnaire_path()).parent / "seeds"
SHARED_SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
V1 = default_questionnaire_path().parent / "published" / "rasso_review_v1.json"


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    loaded, _ = load_questionnaire(default_questionnaire_path())
    return loaded


def ids_for(
    questionnaire: Questionnaire, review_type: str, outcome: str | None = None
) -> list[str]:
    return [q.id for q in applicable_questions(questionnaire, Subject(review_type, outcome))]


def seed_text(document: str) -> str:
    (path,) = SEEDS.glob(f"{document}_*.txt")
    return " ".join(path.read_text(encoding="utf-8").split())


def test_shipped_file_lives_in_the_package_and_validates_cleanly() -> None:
    path = default_questionnaire_path()
    _, raw = load_questionnaire(path)

    assert (path.parent.name, path.name) == ("questionnaires", "rasso_review.json")
    assert validate_document(raw) == []
    assert (raw["id"], raw["version"]) == ("rasso_review", 2)


def test_version_1_as_published_still_validates_and_v2_accounts_for_each_of_its_ids(
    questionnaire: Questionnaire,
) -> None:
    v1, raw = load_questionnaire(V1)

    assert (raw["version"], validate_document(raw)) == (1, [])
    assert unaccounted_ids(v1, questionnaire) == []
    assert sorted(questionnaire.retired) == [
        "action_plan_quality",
        "code_test_applied",
        "ea_meeting_offered_recorded",
        "pcd_meeting_offered_recorded",
        "third_party_material",
    ]


def test_every_citation_quotes_a_phrase_of_the_seed_and_section_it_names(
    questionnaire: Questionnaire,
) -> None:
    # The quote is compared with runs of whitespace collapsed, exactly otherwise.
    wrong = [
        (q.id, q.source.document, q.source.quote)
        for q in questionnaire.questions
        if not q.source.quote
        or " ".join(q.source.quote.split()) not in seed_text(q.source.document)
    ]
    assert wrong == []
    assert all(q.source.section.strip() for q in questionnaire.questions)


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="no ../shared/seeds beside this checkout")
def test_the_seed_copies_are_the_shared_seed_documents() -> None:
    shared = {p.name: p.read_bytes() for p in SHARED_SEEDS.glob("*.txt")}
    copies = {p.name: p.read_bytes() for p in SEEDS.glob("*.txt")}
    assert copies == shared


def test_the_checker_finds_a_quote_that_is_not_in_the_seed() -> None:
    assert "87 of the 90 cases" in seed_text("001")
    assert "88 of the 90 cases" not in seed_text("001")


def test_questions_per_review_type_and_outcome(questionnaire: Questionnaire) -> None:
    counts = {
        (review_type, outcome): len(ids_for(questionnaire, review_type, outcome))
        for review_type, outcomes in OUTCOMES_BY_REVIEW_TYPE.items()
        for outcome in (None, *outcomes)
    }
    assert counts == {
        ("early_advice", None): 28,
        ("early_advice", "advice_given"): 28,
        ("pre_charge_decision", None): 27,
        ("pre_charge_decision", "action_plan"): 36,
        ("pre_charge_decision", "charge"): 35,
        ("pre_charge_decision", "threshold_charge"): 35,
        ("pre_charge_decision", "no_further_action"): 31,
    }


def test_an_action_plan_is_never_asked_about_the_decision_or_the_charges(
    questionnaire: Questionnaire,
) -> None:
    action_plan = set(ids_for(questionnaire, "pre_charge_decision", "action_plan"))
    charge = set(ids_for(questionnaire, "pre_charge_decision", "charge"))
    no_further_action = set(ids_for(questionnaire, "pre_charge_decision", "no_further_action"))
    decision_and_charges = {
        "charge_decision_correct",
        "full_code_test_reasoned",
        "charges_reflect_offending",
        "charge_rationale_recorded",
        "victim_communication",
    }

    assert action_plan & decision_and_charges == set()
    assert decision_and_charges <= charge
    assert "nfa_decision_correct" in no_further_action
    assert "nfa_decision_correct" not in charge | action_plan
    unknown = set(ids_for(questionnaire, "pre_charge_decision"))
    assert {"charge_decision_correct", "nfa_decision_correct"} & unknown == set()


def test_the_cps_direct_question_is_asked_only_of_cps_direct(questionnaire: Questionnaire) -> None:
    local = Subject("pre_charge_decision", "threshold_charge")
    cps_direct = Subject("pre_charge_decision", "threshold_charge", cps_direct=True)

    asked = {q.id for q in applicable_questions(questionnaire, cps_direct)}
    not_asked = {q.id for q in applicable_questions(questionnaire, local)}
    assert asked - not_asked == {"cpsd_offences_flagged"}


def test_the_critical_questions_are_safety_and_the_decisions(
    questionnaire: Questionnaire,
) -> None:
    critical = [(q.id, q.scale_id, q.weight) for q in questionnaire.questions if q.critical]
    assert critical == [
        ("charge_decision_correct", "decision", 2.0),
        ("threshold_charge_correct", "decision", 2.0),
        ("nfa_decision_correct", "decision", 2.0),
        ("safeguarding_considered", "standard", 2.0),
        ("special_measures_considered", "standard", 2.0),
    ]
    isva = questionnaire.question("isva_offer_recorded")
    assert (isva.critical, isva.weight) == (False, 1.0)


def test_every_condition_points_back_to_an_earlier_yes_no_or_scale_question(
    questionnaire: Questionnaire,
) -> None:
    position = {q.id: i for i, q in enumerate(questionnaire.questions)}
    for question in questionnaire.questions:
        for condition in question.conditions:
            gate = questionnaire.question(condition.question_id)
            assert position[gate.id] < position[question.id]
            assert gate.kind is not QuestionKind.FREE_TEXT
            assert question.applies_to <= gate.applies_to


def test_the_meeting_is_asked_as_offered_held_and_recorded(questionnaire: Questionnaire) -> None:
    gated = {
        q.id: (c.question_id, sorted(c.answer_in))
        for q in questionnaire.section("meeting").questions
        for c in q.conditions
    }
    assert set(gated) == {
        "ea_meeting_held",
        "ea_meeting_recorded",
        "pcd_meeting_offered",
        "pcd_meeting_held",
        "pcd_meeting_recorded",
    }
    assert gated["pcd_meeting_offered"] == ("pcd_ea_meeting_held", ["no"])


def test_every_scale_question_has_statements_for_the_lawyer_and_a_short_label(
    questionnaire: Questionnaire,
) -> None:
    missing = [
        q.id
        for q in questionnaire.questions
        if not q.label or (q.kind is QuestionKind.SCALE and q.statements is None)
    ]
    assert missing == []
    # Statements address the lawyer; they are not questions nor instructions to inspectors.
    for q in questionnaire.questions:
        if q.statements is not None:
            for said in (q.statements.met, q.statements.not_met):
                assert not said.rstrip().endswith("?"), q.id
                assert not re.search(r"\bMark\b|Not applicable|alerts", said), q.id


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
        QuestionKind.SCALE: {"standard", "decision", "overall"},
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


def test_the_decision_scale_has_no_not_applicable(questionnaire: Questionnaire) -> None:
    assert questionnaire.scales["decision"].options == (
        ScaleOption("fully_met", "Fully met", 1.0),
        ScaleOption("not_met", "Not met", 0.0, reason_required=True),
    )


def test_texts_fit_in_slack_blocks(questionnaire: Questionnaire) -> None:
    too_long = [
        q.id for q in questionnaire.questions if len(q.text) >= 300 or len(q.guidance) >= 600
    ]
    assert too_long == []


def test_every_theme_is_a_heading_of_the_annual_rape_scrutiny_report() -> None:
    report = seed_text("003")
    for theme in THEMES.values():
        assert f"{theme.section}. {theme.title}" in report, theme


def test_every_scored_question_carries_a_theme_and_the_theme_of_the_heading_it_cites(
    questionnaire: Questionnaire,
) -> None:
    by_heading = {t.label: t.id for t in THEMES.values()}
    for question in questionnaire.questions:
        if question.weight > 0 and question.kind is not QuestionKind.FREE_TEXT:
            assert question.themes, question.id
        assert set(question.themes) <= set(THEMES), question.id
        cited = (
            by_heading.get(question.source.section) if question.source.document == "003" else None
        )
        if cited is not None:
            assert cited in question.themes, question.id


def test_good_practice_is_an_optional_note() -> None:
    questionnaire = load_questionnaire(default_questionnaire_path())[0]
    question = questionnaire.question("good_practice")
    assert (question.kind, question.required) == (QuestionKind.FREE_TEXT, False)
