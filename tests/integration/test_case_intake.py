"""`dipsample cases import`: validation, idempotence and progress, through the real CLI."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from support.intake_data import (
    FIXTURES,
    directory,
    import_directory,
    import_fixture_people,
    reviews,
)

from bot.cli.parser import main
from bot.services.intake.reviews import ingest_reviews, validate_reviews
from bot.services.intake.sampling import policy_from_settings
from bot.settings import Settings
from inspections.intake import CASE_COLUMNS
from storage.models import (
    Assignment,
    AuditEvent,
    CaseReview,
    Inspection,
    OutboxMessage,
    Reminder,
    SamplingDecision,
)
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
TABLES = (CaseReview, SamplingDecision, Inspection, Assignment, Reminder, OutboxMessage)

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def cli(
    database_url: str, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., int]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    import_fixture_people(uow_factory, NOW)
    return lambda *args: main(list(args))


def counts(session: Session) -> dict[str, int]:
    return {
        table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
        for table in TABLES
    }


def rules_by_urn(session: Session) -> dict[str, str]:
    query = select(CaseReview.urn, SamplingDecision.rule).join(
        SamplingDecision, SamplingDecision.case_review_id == CaseReview.id
    )
    return {urn: rule for urn, rule in session.execute(query)}


def test_import_stores_each_review_once_and_decides_on_every_one(
    cli: Callable[..., int], uow_factory: UowFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("cases", "import", str(FIXTURES / "cases.csv")) == 0

    out = capsys.readouterr().out
    assert "7 reviews received, 6 new, 1 already stored" in out  # the last row repeats the first
    with uow_factory() as uow:
        found = counts(uow.session)
        rules = rules_by_urn(uow.session)
    assert (found["case_reviews"], found["sampling_decisions"]) == (6, 6)
    assert rules["42AB1234525"] == "pcd_action_plans"
    assert rules["42AB1234625"] == "threshold_charge"
    assert rules["01CD0000125"] == "no_further_action"


def test_reimporting_the_same_file_creates_nothing(
    cli: Callable[..., int], uow_factory: UowFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    cli("cases", "import", str(FIXTURES / "cases.csv"))
    with uow_factory() as uow:
        before = counts(uow.session)

    assert cli("cases", "import", str(FIXTURES / "cases.csv")) == 0

    assert "0 new, 7 already stored" in capsys.readouterr().out
    with uow_factory() as uow:
        assert counts(uow.session) == before


def test_a_bad_row_rejects_the_whole_file_naming_each_row_and_field(
    cli: Callable[..., int], uow_factory: UowFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("cases", "import", str(FIXTURES / "cases_bad_row.csv")) == 1

    err = capsys.readouterr().err
    assert "3 problem(s); nothing was imported" in err
    assert "row 4, field 'urn': '42AB12346' is not a URN like 42AB1234525" in err
    assert "row 5, field 'completed_at': '2026-03-04 16:20' has no time zone" in err
    assert "row 5, field 'action_plan_count': '-1' is not a whole number from 0 to 999" in err
    with uow_factory() as uow:
        assert set(counts(uow.session).values()) == {0}


def test_a_review_for_someone_not_a_lawyer_is_a_problem_of_its_row(
    cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        ",".join(CASE_COLUMNS) + "\n"
        "42AB1234525,early_advice,Wessex,RASSO 1,fay.inspector@example.test,"
        "2026-03-02T10:00:00Z,0,,\n",
        encoding="utf-8",
    )

    assert cli("cases", "import", str(path)) == 1

    err = capsys.readouterr().err
    expected = "row 2, field 'lawyer_email': 'fay.inspector@example.test' is not a lawyer"
    assert expected in err


def test_a_review_without_source_id_is_recognised_by_urn_type_and_time_in_any_offset(
    cli: Callable[..., int], uow_factory: UowFactory, tmp_path: Path
) -> None:
    row = "01CD0000125,pre_charge_decision,London North,RASSO 1,cat.lawyer@example.test"
    first, again = tmp_path / "first.csv", tmp_path / "again.csv"
    header = ",".join(CASE_COLUMNS) + "\n"
    first.write_text(header + f"{row},2026-03-03T09:30:00+00:00,1,charge,\n", encoding="utf-8")
    # The same instant written in summer time.
    again.write_text(header + f"{row},2026-03-03T10:30:00+01:00,1,charge,\n", encoding="utf-8")

    assert cli("cases", "import", str(first)) == 0
    assert cli("cases", "import", str(again)) == 0

    with uow_factory() as uow:
        assert counts(uow.session)["case_reviews"] == 1


def test_an_import_is_audited_with_one_row_per_new_inspection(
    cli: Callable[..., int], uow_factory: UowFactory
) -> None:
    cli("cases", "import", str(FIXTURES / "cases.csv"))

    with uow_factory() as uow:
        inspections = counts(uow.session)["inspections"]
        created = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "inspection.created")
        ).all()
        imported = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case_reviews.imported")
        ).one()
    assert len(created) == inspections
    assert {e.details["status"] for e in created} <= {"assigned", "queued"}
    shipped = policy_from_settings(Settings()).version
    assert all(e.details["policy_version"] == shipped for e in created)
    assert imported.entity_id == "csv:cases.csv"
    assert (imported.details["received"], imported.details["created"]) == (7, 6)


def test_the_service_reports_progress_batch_by_batch(
    database_url: str, uow_factory: UowFactory
) -> None:
    import_fixture_people(uow_factory, NOW)
    with open(FIXTURES / "cases.csv", newline="", encoding="utf-8") as handle:
        raw = [(n, row) for n, row in enumerate(csv.DictReader(handle), start=2)]
    settings = Settings(database_url=database_url)
    seen: list[tuple[int, int]] = []

    with uow_factory() as uow:
        rows, problems = validate_reviews(uow.session, raw)
        ingest_reviews(
            uow,
            rows,
            policy=policy_from_settings(settings),
            settings=settings,
            now=NOW,
            batch_size=4,
            progress=lambda done, total: seen.append((done, total)),
        )

    assert problems == []
    assert seen == [(4, 6), (6, 6)]


def test_a_long_import_prints_its_progress_on_stderr(
    database_url: str,
    uow_factory: UowFactory,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    found = directory(["Wessex", "Cymru/Wales"], lawyers_per_unit=3)
    import_directory(uow_factory, found.rows, NOW)
    path = tmp_path / "many.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, CASE_COLUMNS)
        writer.writeheader()
        writer.writerows(reviews(found, 2500, first_month=date(2026, 1, 1), months=2))

    assert main(["cases", "import", str(path)]) == 0

    err = capsys.readouterr().err
    assert "2,000 of 2,500 reviews stored and sampled" in err
    assert "2,500 of 2,500 reviews stored and sampled" in err


def test_a_file_with_the_optional_columns_stores_them_and_one_without_still_imports(
    cli: Callable[..., int], uow_factory: UowFactory, tmp_path: Path
) -> None:
    with open(FIXTURES / "cases.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    extra = ("substantive_action_plan_count", "referred_at", "meeting_held_at")
    path = tmp_path / "with-dates.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, [*CASE_COLUMNS, *extra])
        writer.writeheader()
        first = {**rows[0], "substantive_action_plan_count": "1"}
        first["referred_at"] = "2026-02-20T09:00:00Z"
        first["meeting_held_at"] = ""
        writer.writerow(first)

    assert cli("cases", "import", str(path)) == 0
    assert cli("cases", "import", str(FIXTURES / "cases.csv")) == 0

    with uow_factory() as uow:
        stored = uow.session.scalars(
            select(CaseReview).where(CaseReview.urn == rows[0]["urn"])
        ).one()
        others = uow.session.scalars(select(CaseReview).where(CaseReview.id != stored.id)).all()
    assert stored.substantive_action_plan_count == 1
    assert stored.referred_at == datetime(2026, 2, 20, 9, 0, tzinfo=UTC)
    assert stored.meeting_held_at is None
    assert others and all(r.referred_at is None for r in others)
