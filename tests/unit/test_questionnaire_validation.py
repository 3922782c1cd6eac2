"""The questionnaire loader: schema pass, semantic pass, file handling and the content hash."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from questionnaires.loader import (
    SCHEMA_PATH,
    InvalidQuestionnaire,
    Problem,
    content_hash,
    load_questionnaire,
    validate_document,
)
from questionnaires.model import Condition, QuestionKind

FIXTURES = Path(__file__).parents[1] / "fixtures" / "questionnaires"
Q0 = "$.sections[0].questions[0]"
Q1 = "$.sections[0].questions[1]"


def problems_loading(path: Path) -> list[Problem]:
    with pytest.raises(InvalidQuestionnaire) as caught:
        load_questionnaire(path)
    return caught.value.problems


def valid_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / "valid_minimal.json").read_text())
    return doc


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text()))


def test_valid_file_loads_into_the_model_with_defaults_filled_in() -> None:
    questionnaire, raw = load_questionnaire(FIXTURES / "valid_minimal.json")

    assert raw == valid_doc()
    assert (questionnaire.id, questionnaire.version) == ("fixture", 1)
    assert [q.id for q in questionnaire.questions] == [
        "ccb_relevant",
        "ccb_addressed",
        "key_learning_point",
    ]
    gate, follower, learning = questionnaire.questions
    assert (gate.kind, gate.scale_id, gate.weight, gate.required) == (
        QuestionKind.YES_NO,
        "yes_no",
        1.0,
        True,
    )
    assert gate.applies_to == frozenset({"early_advice", "pre_charge_decision"})
    assert follower.conditions == (Condition("ccb_relevant", frozenset({"yes"})),)
    assert (follower.weight, follower.section_id) == (2.0, "case_strategy")
    assert (learning.kind, learning.scale_id, learning.guidance) == (
        QuestionKind.FREE_TEXT,
        None,
        "",
    )
    not_met = questionnaire.scales["standard"].option("not_met")
    assert not_met is not None
    assert (not_met.label, not_met.score, not_met.reason_required) == ("Not met", 0.0, True)


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "duplicate_id.json",
            Problem(
                "$.sections[1].questions[0].id",
                "duplicate id 'ccb_relevant' (first used at $.sections[0].questions[0])",
                "ccb_relevant",
            ),
        ),
        (
            "condition_on_later_question.json",
            Problem(
                f"{Q0}.enabled_when[0].question",
                "condition refers to 'ccb_relevant', a later question; "
                "only earlier questions may be used",
                "ccb_addressed",
            ),
        ),
        (
            "missing_scale.json",
            Problem(f"{Q1}.scale", "unknown scale 'standrad'", "ccb_addressed"),
        ),
        (
            "unknown_field.json",
            Problem(f"{Q1}.colour", "unknown field 'colour'", "ccb_addressed"),
        ),
        (
            "wrong_type.json",
            Problem(f"{Q1}.weight", 'expected number, got string "2"', "ccb_addressed"),
        ),
    ],
)
def test_each_broken_fixture_reports_its_one_problem(fixture: str, expected: Problem) -> None:
    assert problems_loading(FIXTURES / fixture) == [expected]


def test_a_file_with_several_problems_reports_all_of_them_sorted_by_path() -> None:
    assert problems_loading(FIXTURES / "several_problems.json") == [
        Problem(
            f"{Q0}.enabled_when[0].question",
            "condition refers to 'ccb_relevant', a later question; "
            "only earlier questions may be used",
            "ccb_addressed",
        ),
        Problem(f"{Q0}.scale", "unknown scale 'standrad'", "ccb_addressed"),
        Problem(f"{Q0}.weight", 'expected number, got string "2"', "ccb_addressed"),
        Problem(f"{Q1}.colour", "unknown field 'colour'", "ccb_relevant"),
        Problem(
            "$.sections[1].questions[0].id",
            "duplicate id 'ccb_relevant' (first used at $.sections[0].questions[1])",
            "ccb_relevant",
        ),
    ]


def test_problem_reads_as_path_question_and_message() -> None:
    with_question = Problem(f"{Q1}.scale", "unknown scale 'standrad'", "ccb_addressed")
    assert str(with_question) == (
        "$.sections[0].questions[1].scale (question ccb_addressed): unknown scale 'standrad'"
    )
    assert str(Problem("$.version", "0 is less than the minimum of 1")) == (
        "$.version: 0 is less than the minimum of 1"
    )


def test_invalid_questionnaire_message_lists_every_problem() -> None:
    problems = [Problem("$.id", "one"), Problem("$.title", "two")]
    assert str(InvalidQuestionnaire(problems)) == "$.id: one\n$.title: two"


def test_bad_json_reports_line_and_column() -> None:
    assert problems_loading(FIXTURES / "bad_json.json") == [
        Problem(
            "$",
            "invalid JSON at line 7, column 1: Expecting property name enclosed in double quotes",
        )
    ]


def test_missing_file_is_reported_as_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    assert problems_loading(path) == [
        Problem("$", f"cannot read {path}: No such file or directory")
    ]


def test_file_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"title": "caf\xe9"}')
    assert problems_loading(path) == [Problem("$", f"{path} is not UTF-8 text (byte 14)")]


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "valid_minimal.json").read_bytes())
    _, raw = load_questionnaire(path)
    assert raw == valid_doc()


def test_nan_is_not_accepted_as_a_number(tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    path.write_text('{"weight": NaN}')
    assert problems_loading(path) == [Problem("$", "invalid JSON: NaN is not a JSON number")]


def test_a_key_repeated_in_one_object_is_reported(tmp_path: Path) -> None:
    text = (FIXTURES / "valid_minimal.json").read_text()
    path = tmp_path / "twice.json"
    path.write_text(text.replace('"scales": {', '"scales": {\n"yes_no": {"options": []},', 1))
    assert problems_loading(path) == [
        Problem("$.scales.yes_no", "duplicate key 'yes_no' (JSON keeps only the last)")
    ]


def _set(path: tuple[Any, ...], value: object) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


GATE = ("sections", 0, "questions", 0)
FOLLOWER = ("sections", 0, "questions", 1)
CONDITION = (*FOLLOWER, "enabled_when", 0)
LEARNING = ("sections", 1, "questions", 0)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(
            _set((*CONDITION, "question"), "ccb_addressed"),
            [
                Problem(
                    f"{Q1}.enabled_when[0].question",
                    "condition refers to itself; only earlier questions may be used",
                    "ccb_addressed",
                )
            ],
            id="self-reference",
        ),
        pytest.param(
            _set((*CONDITION, "question"), "nowhere"),
            [
                Problem(
                    f"{Q1}.enabled_when[0].question",
                    "condition refers to unknown question 'nowhere'",
                    "ccb_addressed",
                )
            ],
            id="unknown-question",
        ),
        pytest.param(
            _set((*CONDITION, "answer_in"), ["yes", "maybe"]),
            [
                Problem(
                    f"{Q1}.enabled_when[0].answer_in[1]",
                    "'maybe' is not an option of scale 'yes_no' used by question 'ccb_relevant'",
                    "ccb_addressed",
                )
            ],
            id="unknown-answer-code",
        ),
        pytest.param(
            _set((*GATE, "applies_to"), ["early_advice"]),
            [
                Problem(
                    f"{Q1}.enabled_when[0].question",
                    "condition refers to 'ccb_relevant', "
                    "which is not asked for pre_charge_decision",
                    "ccb_addressed",
                )
            ],
            id="gate-not-asked-for-a-review-type",
        ),
        pytest.param(
            _set((*FOLLOWER, "scale"), "yes_no"),
            [
                Problem(
                    f"{Q1}.scale",
                    "scale 'yes_no' gives no score to 'yes', 'no'; a scale question needs a "
                    "score for every option that is not marked not_applicable",
                    "ccb_addressed",
                )
            ],
            id="scale-question-on-unscored-scale",
        ),
        pytest.param(
            _set(("scales", "standard", "options", 3, "score"), 0),
            [
                Problem(
                    "$.scales.standard.options[3].score",
                    "a not-applicable option must have score null",
                )
            ],
            id="not-applicable-with-score",
        ),
        pytest.param(
            _set(("scales", "standard", "options", 1, "code"), "fully_met"),
            [
                Problem(
                    "$.scales.standard.options[1].code",
                    "duplicate option code 'fully_met' in scale 'standard'",
                )
            ],
            id="duplicate-option-code",
        ),
        pytest.param(
            _set(("sections", 1, "id"), "case_strategy"),
            [
                Problem(
                    "$.sections[1].id", "duplicate id 'case_strategy' (first used at $.sections[0])"
                )
            ],
            id="duplicate-section-id",
        ),
        pytest.param(
            _set((*GATE, "critical"), True),
            [
                Problem(
                    f"{Q0}.critical",
                    "a yes_no question is never scored, so it cannot be critical",
                    "ccb_relevant",
                )
            ],
            id="critical-yes-no",
        ),
        pytest.param(
            _set((*LEARNING, "scale"), "standard"),
            [
                Problem(
                    "$.sections[1].questions[0].scale",
                    "a free_text question has no scale",
                    "key_learning_point",
                )
            ],
            id="free-text-with-scale",
        ),
        pytest.param(
            _set((*FOLLOWER, "kind"), "scael"),
            [
                Problem(
                    f"{Q1}.kind",
                    'expected one of "scale", "yes_no", "free_text", got string "scael"',
                    "ccb_addressed",
                )
            ],
            id="unknown-kind",
        ),
        pytest.param(
            _set(("scales", "Bad Scale"), {"options": [{"code": "x", "label": "X", "score": 1}]}),
            [
                Problem(
                    "$.scales['Bad Scale']",
                    'string "Bad Scale" is not a valid id: use lowercase letters, digits and '
                    "underscores, starting with a letter",
                )
            ],
            id="bad-scale-id",
        ),
        pytest.param(
            _set((*GATE, "text"), "x" * 301),
            [Problem(f"{Q0}.text", "too long: 301 characters, at most 300", "ccb_relevant")],
            id="text-too-long-for-slack",
        ),
    ],
)
def test_semantic_and_schema_rules(
    mutate: Callable[[dict[str, Any]], None], expected: list[Problem]
) -> None:
    doc = valid_doc()
    mutate(doc)
    assert validate_document(doc) == expected


def test_condition_on_a_free_text_question_is_refused() -> None:
    doc = valid_doc()
    follower = copy.deepcopy(doc["sections"][0]["questions"][1])
    follower["id"] = "after_learning"
    follower["enabled_when"] = [{"question": "key_learning_point", "answer_in": ["yes"]}]
    doc["sections"][1]["questions"].append(follower)

    assert validate_document(doc) == [
        Problem(
            "$.sections[1].questions[1].enabled_when[0].question",
            "condition refers to free-text question 'key_learning_point'",
            "after_learning",
        )
    ]


def test_scale_and_yes_no_questions_need_a_scale() -> None:
    doc = valid_doc()
    del doc["sections"][0]["questions"][0]["scale"]
    assert validate_document(doc) == [Problem(Q0, "'scale' is a required property", "ccb_relevant")]


def test_paths_sort_by_number_not_by_text() -> None:
    doc = valid_doc()
    learning = doc["sections"][1]["questions"][0]
    doc["sections"] = [
        {"id": f"s{i}", "title": "T", "questions": [{**learning, "id": f"q{i}"}]} for i in range(11)
    ]
    doc["sections"][10]["questions"][0]["required"] = "yes"
    doc["sections"][2]["questions"][0]["required"] = "no"

    assert [p.path for p in validate_document(doc)] == [
        "$.sections[2].questions[0].required",
        "$.sections[10].questions[0].required",
    ]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ([], "expected object, got an array"),
        ("rasso", 'expected object, got string "rasso"'),
        (None, "expected object, got null"),
    ],
)
def test_a_document_that_is_not_an_object_gets_one_problem(doc: object, expected: str) -> None:
    assert validate_document(doc) == [Problem("$", expected)]


def test_wrong_types_everywhere_are_reported_without_crashing() -> None:
    doc = valid_doc()
    doc["scales"]["yes_no"] = []
    doc["scales"]["standard"]["options"] = [1, {"code": 1}]
    doc["sections"][0] = {"questions": {"a": 1}}
    doc["sections"][1]["questions"] = None

    assert validate_document(doc) == [
        Problem("$.scales.standard.options[0]", "expected object, got number 1"),
        Problem("$.scales.standard.options[1]", "'label' is a required property"),
        Problem("$.scales.standard.options[1]", "'score' is a required property"),
        Problem("$.scales.standard.options[1].code", "expected string, got number 1"),
        Problem("$.scales.yes_no", "expected object, got an array"),
        Problem("$.sections[0]", "'id' is a required property"),
        Problem("$.sections[0]", "'title' is a required property"),
        Problem("$.sections[0].questions", "expected array, got an object"),
        Problem("$.sections[1].questions", "expected array, got null"),
    ]


def test_content_hash_ignores_key_order_and_whitespace() -> None:
    doc = valid_doc()
    reordered = json.loads(json.dumps(doc, sort_keys=True, indent=4))
    reordered = dict(reversed(list(reordered.items())))

    assert content_hash(reordered) == content_hash(doc)


def test_content_hash_is_sha256_of_compact_sorted_utf8_json() -> None:
    expected = hashlib.sha256('{"a":"café","b":[1,2]}'.encode()).hexdigest()
    assert content_hash({"b": [1, 2], "a": "café"}) == expected


def test_content_hash_changes_when_wording_changes() -> None:
    doc = valid_doc()
    reworded = copy.deepcopy(doc)
    reworded["sections"][0]["questions"][0]["text"] += " (reworded)"
    assert content_hash(reworded) != content_hash(doc)


def test_renamed_and_retired_ids_must_be_of_questions_no_longer_asked() -> None:
    doc = valid_doc()
    doc["renamed"] = {"old_strategy": "ccb_addressed", "ccb_relevant": "ccb_addressed"}
    doc["retired"] = {"old_strategy": "Split.", "gone": "Asked of the police."}
    doc["renamed"]["older"] = "nowhere"

    assert validate_document(doc) == [
        Problem("$.renamed.ccb_relevant", "'ccb_relevant' is still asked, so it cannot be renamed"),
        Problem("$.renamed.older", "'older' is renamed to 'nowhere', which is not a question here"),
        Problem("$.retired.old_strategy", "'old_strategy' is both renamed and retired"),
    ]


def test_an_outcome_the_questions_review_types_cannot_have_is_refused() -> None:
    doc = valid_doc()
    doc["sections"][0]["questions"][1]["applies_to"] = ["early_advice"]
    doc["sections"][0]["questions"][1]["outcomes"] = ["advice_given", "charge"]
    doc["sections"][0]["questions"][0]["applies_to"] = ["early_advice"]

    assert validate_document(doc) == [
        Problem(f"{Q1}.outcomes", "'charge' is not an outcome of early_advice", "ccb_addressed")
    ]


def test_a_question_gated_on_one_asked_for_fewer_outcomes_is_refused() -> None:
    doc = valid_doc()
    doc["sections"][0]["questions"][0]["outcomes"] = ["advice_given", "charge"]

    assert validate_document(doc) == [
        Problem(
            f"{Q1}.enabled_when[0].question",
            "condition refers to 'ccb_relevant', which is not asked when the outcome is "
            "action_plan, no_further_action, threshold_charge",
            "ccb_addressed",
        )
    ]


def test_statements_belong_to_scale_questions_only() -> None:
    doc = valid_doc()
    doc["sections"][0]["questions"][0]["statements"] = {"met": "Done.", "not_met": "Do it."}

    assert validate_document(doc) == [
        Problem(
            f"{Q0}.statements",
            "only a scale question has statements for the lawyer",
            "ccb_relevant",
        )
    ]


def test_a_theme_not_in_the_annual_rape_scrutiny_report_is_refused() -> None:
    doc = valid_doc()
    doc["sections"][0]["questions"][0]["themes"] = ["coercive_control", "cheese"]

    [problem] = validate_document(doc)

    assert (problem.path, problem.question_id) == (f"{Q0}.themes[1]", "ccb_relevant")
    assert problem.message.startswith(
        "'cheese' is not a theme of the Annual Rape Scrutiny Report; the themes are "
        "case_strategy, suspect_focus,"
    )
