"""`dipsample questionnaire validate|publish FILE` through the real entry point."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli.parser import main
from storage.models import AuditEvent, QuestionnaireVersion
from storage.uow import UnitOfWork

QUESTIONNAIRES = Path(__file__).parents[1] / "fixtures" / "questionnaires"
VALID = QUESTIONNAIRES / "valid_minimal.json"

# Each bad fixture's one problem: the JSON path and the question it belongs to.
ONE_PROBLEM = {
    "condition_on_later_question.json": (
        "$.sections[0].questions[0].enabled_when[0].question",
        "ccb_addressed",
    ),
    "duplicate_id.json": ("$.sections[1].questions[0].id", "ccb_relevant"),
    "missing_scale.json": ("$.sections[0].questions[1].scale", "ccb_addressed"),
    "unknown_field.json": ("$.sections[0].questions[1].colour", "ccb_addressed"),
    "wrong_type.json": ("$.sections[0].questions[1].weight", "ccb_addressed"),
}
SEVERAL = [
    ("$.sections[0].questions[0].enabled_when[0].question", "ccb_addressed"),
    ("$.sections[0].questions[0].scale", "ccb_addressed"),
    ("$.sections[0].questions[0].weight", "ccb_addressed"),
    ("$.sections[0].questions[1].colour", "ccb_relevant"),
    ("$.sections[1].questions[0].id", "ccb_relevant"),
]


@pytest.fixture
def no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database file that validating must never create."""
    path = tmp_path / "untouched.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


@pytest.fixture
def on_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)


def fixture_versions(uow_factory: Callable[[], UnitOfWork]) -> list[dict]:
    with uow_factory() as uow:
        query = select(QuestionnaireVersion.content).where(
            QuestionnaireVersion.questionnaire_id == "fixture"
        )
        return list(uow.session.scalars(query).all())


def publish_events(uow_factory: Callable[[], UnitOfWork]) -> int:
    with uow_factory() as uow:
        query = select(AuditEvent).where(AuditEvent.action == "questionnaire.published")
        return len(uow.session.scalars(query).all())


def test_a_valid_file_exits_0_with_an_outline_and_touches_no_database(
    no_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["questionnaire", "validate", str(VALID)]) == 0

    out, err = capsys.readouterr()
    assert out == (
        f"{VALID}: valid. fixture v1: 2 sections, 3 questions "
        "(3 for early_advice, 3 for pre_charge_decision)\n"
    )
    assert err == ""
    assert not no_database.exists()


@pytest.mark.parametrize("name", sorted(ONE_PROBLEM))
def test_a_bad_file_exits_1_naming_the_json_path_and_question(
    name: str, no_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, question = ONE_PROBLEM[name]

    assert main(["questionnaire", "validate", str(QUESTIONNAIRES / name)]) == 1

    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == ""
    assert lines[0] == f"{QUESTIONNAIRES / name}: 1 problem(s)"
    assert len(lines) == 2
    assert lines[1].startswith(f"  {path} (question {question}): ")


def test_every_problem_of_a_file_is_printed_with_its_path_and_question(
    no_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = QUESTIONNAIRES / "several_problems.json"

    assert main(["questionnaire", "validate", str(file)]) == 1

    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"{file}: 5 problem(s)"
    assert [line.split(": ", 1)[0] for line in lines[1:]] == [
        f"  {path} (question {question})" for path, question in SEVERAL
    ]


def test_a_file_that_is_not_json_names_the_line_and_column(
    no_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["questionnaire", "validate", str(QUESTIONNAIRES / "bad_json.json")]) == 1

    lines = capsys.readouterr().err.splitlines()
    assert lines[1].startswith("  $: invalid JSON at line 7, column 1")


def test_publishing_stores_a_version_and_publishing_it_again_is_a_no_op(
    on_database: None,
    uow_factory: Callable[[], UnitOfWork],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["questionnaire", "publish", str(VALID)]) == 0
    assert capsys.readouterr().out == "fixture v1: created.\n"

    assert main(["questionnaire", "publish", str(VALID)]) == 0
    assert capsys.readouterr().out == "fixture v1: unchanged.\n"

    assert fixture_versions(uow_factory) == [json.loads(VALID.read_text(encoding="utf-8"))]
    assert publish_events(uow_factory) == 1


def test_different_content_under_a_published_version_exits_1_and_stores_nothing(
    on_database: None,
    uow_factory: Callable[[], UnitOfWork],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    original = json.loads(VALID.read_text(encoding="utf-8"))
    changed = json.loads(VALID.read_text(encoding="utf-8"))
    changed["title"] = "Fixture questionnaire, reworded"
    changed_file = tmp_path / "changed.json"
    changed_file.write_text(json.dumps(changed), encoding="utf-8")
    assert main(["questionnaire", "publish", str(VALID)]) == 0
    capsys.readouterr()

    assert main(["questionnaire", "publish", str(changed_file)]) == 1

    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"{changed_file}: ")
    assert "fixture version 1" in err
    assert fixture_versions(uow_factory) == [original]
    assert publish_events(uow_factory) == 1


def test_publishing_a_bad_file_exits_1_and_stores_nothing(
    on_database: None,
    uow_factory: Callable[[], UnitOfWork],
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = QUESTIONNAIRES / "wrong_type.json"

    assert main(["questionnaire", "publish", str(bad)]) == 1

    assert "$.sections[0].questions[1].weight (question ccb_addressed)" in capsys.readouterr().err
    assert fixture_versions(uow_factory) == []


SHIPPED = Path(__file__).parents[2] / "questionnaires" / "rasso_review.json"
SHIPPED_V1 = SHIPPED.parent / "published" / "rasso_review_v1.json"


def rasso_versions(uow_factory: Callable[[], UnitOfWork]) -> list[int]:
    with uow_factory() as uow:
        query = select(QuestionnaireVersion.version).where(
            QuestionnaireVersion.questionnaire_id == "rasso_review"
        )
        return sorted(uow.session.scalars(query).all())


def test_version_2_publishes_over_version_1(
    on_database: None,
    uow_factory: Callable[[], UnitOfWork],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["questionnaire", "publish", str(SHIPPED_V1)]) == 0
    assert main(["questionnaire", "publish", str(SHIPPED)]) == 0

    assert capsys.readouterr().out.splitlines() == [
        "rasso_review v1: created.",
        "rasso_review v2: created.",
    ]
    assert rasso_versions(uow_factory) == [1, 2]


def test_a_version_that_drops_a_question_without_saying_so_is_refused_naming_it(
    on_database: None,
    uow_factory: Callable[[], UnitOfWork],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["questionnaire", "publish", str(SHIPPED_V1)]) == 0
    document = json.loads(SHIPPED.read_text(encoding="utf-8"))
    del document["retired"]["code_test_applied"]
    dropping = tmp_path / "dropping.json"
    dropping.write_text(json.dumps(document), encoding="utf-8")
    capsys.readouterr()

    assert main(["questionnaire", "publish", str(dropping)]) == 1

    out, err = capsys.readouterr()
    assert out == ""
    assert "no longer asks code_test_applied (asked in version 1)" in err
    assert '"renamed"' in err and '"retired"' in err
    assert rasso_versions(uow_factory) == [1]
