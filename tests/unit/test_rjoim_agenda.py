"""Which questions' marks the RJOIM list shows, from the questionnaire alone."""

from __future__ import annotations

from support.questionnaire_builders import question, questionnaire, section

from inspections.rjoim import action_plan_questions
from questionnaires.loader import default_questionnaire_path, load_questionnaire
from questionnaires.model import QuestionKind

MARK_LABELS = {
    "fully_met": "Fully met",
    "partially_met": "Partially met",
    "not_met": "Not met",
    "not_applicable": "Not applicable",
}


def test_the_shipped_questionnaire_shows_the_action_plan_section_marks() -> None:
    questionnaire, _ = load_questionnaire(default_questionnaire_path())

    found = action_plan_questions(questionnaire)

    assert [q.question_id for q in found] == [
        "action_plan_proportionate",
        "action_plan_tailored",
        "action_plan_rationale",
        "action_plan_dates",
        "action_plan_timing",
        "action_plan_dcp_review",
    ]
    assert all(q.labels == MARK_LABELS for q in found)
    # Short labels, whole words: "Action plan dates", not a 200-character question.
    assert [q.text for q in found][3] == "Action plan dates"


def test_only_marked_questions_of_sections_holding_an_action_plan_question() -> None:
    built = questionnaire(
        section("strategy", question("suspect_focus"), question("lines_of_enquiry")),
        section(
            "pre_charge",
            question("action_plan_rationale"),
            question("tpm_gate", kind=QuestionKind.YES_NO),
            question("tpm_requests"),
            question("notes", kind=QuestionKind.FREE_TEXT),
        ),
    )

    found = action_plan_questions(built)

    assert [q.question_id for q in found] == ["action_plan_rationale", "tpm_requests"]


def test_a_questionnaire_without_an_action_plan_question_shows_no_marks() -> None:
    built = questionnaire(section("strategy", question("suspect_focus")))

    assert action_plan_questions(built) == ()
