"""A sampling policy version stands for one set of rules for good: the rules are recorded the
first time the version is used, and a changed file under the same version is refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from support.intake_data import FIXTURES, import_fixture_people

from bot.cli.parser import main
from bot.services.intake.policy_file import DEFAULT_POLICY_PATH
from storage.models import AuditEvent, CaseReview, SamplingDecision, SamplingPolicyVersion
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
UowFactory = Callable[[], UnitOfWork]


def policy_file(tmp_path: Path, name: str, **changes: Any) -> Path:
    document = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    document.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def new_reviews(tmp_path: Path, *, count: int) -> Path:
    """The fixture's first reviews under new source ids: reviews not stored yet."""
    header, *rows = (FIXTURES / "cases.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "new_reviews.csv"
    again = [row.replace("CMS-000", "CMS-900") for row in rows[:count]]
    path.write_text("\n".join([header, *again]) + "\n", encoding="utf-8")
    return path


def import_cases(
    monkeypatch: pytest.MonkeyPatch, database_url: str, policy: Path, cases: Path
) -> int:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DIPSAMPLE_SAMPLING_POLICY", str(policy))
    return main(["cases", "import", str(cases)])


def stored_versions(uow_factory: UowFactory) -> list[tuple[str, str]]:
    with uow_factory() as uow:
        query = select(SamplingPolicyVersion.version, SamplingPolicyVersion.fingerprint)
        return [tuple(row) for row in uow.session.execute(query)]  # type: ignore[misc]


def review_count(uow_factory: UowFactory) -> int:
    with uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(CaseReview)) or 0


@pytest.fixture(autouse=True)
def people(uow_factory: UowFactory) -> None:
    import_fixture_people(uow_factory, NOW)


def test_the_first_use_of_a_version_records_its_rules_and_audits_it(
    monkeypatch: pytest.MonkeyPatch, database_url: str, uow_factory: UowFactory, tmp_path: Path
) -> None:
    policy = policy_file(tmp_path, "policy.json", version="2027-01-1")

    assert import_cases(monkeypatch, database_url, policy, FIXTURES / "cases.csv") == 0

    [(version, fingerprint)] = stored_versions(uow_factory)
    assert version == "2027-01-1" and len(fingerprint) == 64
    with uow_factory() as uow:
        rules = uow.session.scalars(select(SamplingPolicyVersion.rules)).one()
        decided = set(uow.session.scalars(select(SamplingDecision.policy_version)))
        audited = uow.session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "sampling_policy.first_used")
        ).all()
    assert rules["rates"] == {"early_advice": 0.2, "pre_charge_decision": 0.25}
    assert decided == {"2027-01-1"}
    assert audited == ["2027-01-1"]


def test_the_same_rules_again_or_reworded_are_accepted_without_a_second_record(
    monkeypatch: pytest.MonkeyPatch, database_url: str, uow_factory: UowFactory, tmp_path: Path
) -> None:
    first = policy_file(tmp_path, "first.json", version="2027-01-1")
    reworded = policy_file(tmp_path, "reworded.json", version="2027-01-1", description="Reworded.")
    more_cases = new_reviews(tmp_path, count=3)

    assert import_cases(monkeypatch, database_url, first, FIXTURES / "cases.csv") == 0
    assert import_cases(monkeypatch, database_url, reworded, more_cases) == 0

    assert [version for version, _ in stored_versions(uow_factory)] == ["2027-01-1"]


def test_changed_rules_under_a_used_version_are_refused_and_nothing_is_imported(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    uow_factory: UowFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    used = policy_file(tmp_path, "used.json", version="2027-01-1")
    changed = policy_file(
        tmp_path,
        "changed.json",
        version="2027-01-1",
        rates={"early_advice": 0.5, "pre_charge_decision": 0.25},
    )
    assert import_cases(monkeypatch, database_url, used, FIXTURES / "cases.csv") == 0
    before = review_count(uow_factory)
    new_case = new_reviews(tmp_path, count=1)

    assert import_cases(monkeypatch, database_url, changed, new_case) == 1

    err = capsys.readouterr().err
    assert "sampling policy version '2027-01-1' was first used on 2026-" in err
    assert 'new "version". Nothing was imported.' in err
    assert review_count(uow_factory) == before
    assert len(stored_versions(uow_factory)) == 1


def test_changed_rules_under_a_new_version_are_recorded_beside_the_old(
    monkeypatch: pytest.MonkeyPatch, database_url: str, uow_factory: UowFactory, tmp_path: Path
) -> None:
    old = policy_file(tmp_path, "old.json", version="2027-01-1")
    new = policy_file(
        tmp_path, "new.json", version="2027-02-1", monthly_floor={"enabled": False, "by_day": 15}
    )
    more_cases = new_reviews(tmp_path, count=1)

    assert import_cases(monkeypatch, database_url, old, FIXTURES / "cases.csv") == 0
    assert import_cases(monkeypatch, database_url, new, more_cases) == 0

    found = dict(stored_versions(uow_factory))
    assert sorted(found) == ["2027-01-1", "2027-02-1"]
    assert found["2027-01-1"] != found["2027-02-1"]


def test_serve_refuses_to_start_with_changed_rules_under_a_used_version(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    used = policy_file(tmp_path, "used.json", version="2027-01-1")
    changed = policy_file(
        tmp_path,
        "changed.json",
        version="2027-01-1",
        always_select={
            "pcd_action_plans": {"enabled": False, "threshold": 3},
            "threshold_charge": {"enabled": True},
            "no_further_action": {"enabled": True},
        },
    )
    assert import_cases(monkeypatch, database_url, used, FIXTURES / "cases.csv") == 0
    monkeypatch.setenv("DIPSAMPLE_SAMPLING_POLICY", str(changed))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-never-used")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "never-used")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    capsys.readouterr()

    # Refused before Slack is asked anything or a port is opened.
    assert main(["serve", "--http", "--port", "0"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("dipsample serve: sampling policy version '2027-01-1' was first used")
