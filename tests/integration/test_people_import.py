"""The people directory: `dipsample people import`, Slack id look-up, and absences."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.parser import main
from bot.jobs import periodic as jobs
from bot.offline.standin import SlackStandIn
from bot.services.people.directory import (
    AbsenceRejected,
    import_people,
    mark_away,
    resolve_slack_ids,
)
from bot.settings import Settings
from bot.slack.client import make_web_client
from storage.models import Absence, AuditEvent, Person
from storage.uow import UnitOfWork

FIXTURES = Path(__file__).parents[1] / "fixtures" / "csv"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HEADER = "email,name,roles,area,unit,manager_email,slack_user_id\n"

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    return lambda *args: main(list(args))


def people(session: Session) -> dict[str, Person]:
    return {p.email: p for p in session.scalars(select(Person))}


def write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "people.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_import_creates_everyone_with_roles_and_managers_listed_later_in_the_file(
    cli: Callable[..., int], uow_factory: UowFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("people", "import", str(FIXTURES / "people.csv")) == 0

    with uow_factory() as uow:
        found = people(uow.session)
        ann, dan = found["ann.lawyer@example.test"], found["dan.manager@example.test"]
        assert len(found) == 11
        assert sorted(ann.roles) == ["lawyer"]
        assert sorted(dan.roles) == ["inspector", "manager"]
        assert ann.manager_id == dan.id  # Dan's row comes after Ann's
        assert dan.manager_id == found["hal.head@example.test"].id
        assert found["cat.lawyer@example.test"].slack_user_id is None
    assert "11 created, 0 updated, 0 unchanged" in capsys.readouterr().out


def test_without_a_bot_token_the_import_says_slack_resolution_was_skipped_and_lists_who(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    cli("people", "import", str(FIXTURES / "people.csv"))

    out = capsys.readouterr().out
    assert "Slack id resolution skipped: SLACK_BOT_TOKEN is not set." in out
    assert "1 people have no Slack id yet: cat.lawyer@example.test" in out


def test_reimport_updates_people_by_email_and_duplicates_nobody(
    cli: Callable[..., int], uow_factory: UowFactory, tmp_path: Path
) -> None:
    cli("people", "import", str(FIXTURES / "people.csv"))
    changed = (FIXTURES / "people.csv").read_text(encoding="utf-8")
    changed = changed.replace("Bob Lawyer,lawyer,", "Robert Lawyer,lawyer;inspector,")
    path = tmp_path / "again.csv"
    path.write_text(changed.replace("bob.lawyer@", "Bob.Lawyer@"), encoding="utf-8")

    assert cli("people", "import", str(path)) == 0

    with uow_factory() as uow:
        found = people(uow.session)
        bob = found["bob.lawyer@example.test"]
        assert len(found) == 11
        assert (bob.name, sorted(bob.roles)) == ("Robert Lawyer", ["inspector", "lawyer"])
        updates = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "person.updated")
        ).all()
        assert [(e.details["email"], e.details["name"]) for e in updates] == [
            ("bob.lawyer@example.test", "Robert Lawyer")
        ]


def test_an_empty_slack_id_on_reimport_keeps_the_id_already_known(
    cli: Callable[..., int], uow_factory: UowFactory, tmp_path: Path
) -> None:
    cli("people", "import", str(FIXTURES / "people.csv"))
    body = "ann.lawyer@example.test,Ann Lawyer,lawyer,Wessex,RASSO 1,dan.manager@example.test,\n"

    assert cli("people", "import", write(tmp_path, body)) == 0

    with uow_factory() as uow:
        assert people(uow.session)["ann.lawyer@example.test"].slack_user_id == "U0ANN0001"


def test_any_invalid_row_rejects_the_whole_file_listing_every_bad_row(
    cli: Callable[..., int], uow_factory: UowFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("people", "import", str(FIXTURES / "people_bad.csv")) == 1

    err = capsys.readouterr().err
    assert "3 problem(s); nothing was imported" in err
    assert "row 3, field 'roles': unknown role 'judge'" in err
    assert "row 4, field 'area': unknown Area 'Atlantis'" in err
    assert "row 5, field 'manager_email': manager nobody@example.test is neither" in err
    assert "row 2" not in err
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Person)) == 0


def test_a_slack_id_already_held_by_someone_else_is_a_problem(
    cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli("people", "import", str(FIXTURES / "people.csv"))
    body = "new.lawyer@example.test,New Lawyer,lawyer,Wessex,RASSO 1,,U0ANN0001\n"

    assert cli("people", "import", write(tmp_path, body)) == 1

    err = capsys.readouterr().err
    assert "row 2, field 'slack_user_id': U0ANN0001 already belongs to ann.lawyer" in err


def test_managers_forming_a_loop_are_rejected(
    cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        "a@example.test,A,manager,Wessex,RASSO 1,b@example.test,\n"
        "b@example.test,B,manager,Wessex,RASSO 1,a@example.test,\n"
    )

    assert cli("people", "import", write(tmp_path, body)) == 1

    err = capsys.readouterr().err
    assert "row 2, field 'manager_email': the manager chain from this person loops" in err
    assert "row 3, field 'manager_email': the manager chain from this person loops" in err


def test_a_missing_column_is_named_and_nothing_is_read(
    cli: Callable[..., int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("email,name,roles,area,unit\na@example.test,A,lawyer,Wessex,U\n")

    assert cli("people", "import", str(path)) == 1

    err = capsys.readouterr().err
    assert "row 1, field 'manager_email': missing column" in err
    assert "row 1, field 'slack_user_id': missing column" in err


def test_empty_slack_ids_are_resolved_by_email_and_the_unresolved_are_kept_and_reported(
    cli: Callable[..., int],
    uow_factory: UowFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = (FIXTURES / "people.csv").read_text(encoding="utf-8")
    path = tmp_path / "people.csv"
    # Two people without ids: Slack knows Cat, and nobody called Hal.
    path.write_text(source.replace(",U0HAL0001", ","), encoding="utf-8")
    with SlackStandIn() as slack:
        slack.add_user("U0CAT0001", email="cat.lawyer@example.test", name="Cat Lawyer")
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", slack.api_url)

        assert cli("people", "import", str(path)) == 0

    out = capsys.readouterr().out
    assert "Slack ids found by email: 1." in out
    assert "hal.head@example.test: users_not_found" in out
    with uow_factory() as uow:
        found = people(uow.session)
        assert found["cat.lawyer@example.test"].slack_user_id == "U0CAT0001"
        assert found["hal.head@example.test"].slack_user_id is None
        assert found["hal.head@example.test"].active


def test_resolving_slack_ids_never_takes_an_id_someone_else_holds(
    cli: Callable[..., int], uow_factory: UowFactory
) -> None:
    cli("people", "import", str(FIXTURES / "people.csv"))
    with SlackStandIn() as slack:
        # Slack answers Cat's email with Ann's user: a directory mistake to report, not copy.
        slack.add_user("U0ANN0001", email="cat.lawyer@example.test", name="Cat Lawyer")
        client = make_web_client(
            Settings(slack_bot_token="xoxb-test", slack_api_url=slack.api_url), max_retries=0
        )
        outcome = resolve_slack_ids(uow_factory(), client, now=NOW)

    assert outcome.resolved == {}
    assert outcome.unresolved == {
        "cat.lawyer@example.test": "U0ANN0001 already belongs to ann.lawyer@example.test"
    }


def test_mark_away_records_the_absence_and_refuses_impossible_dates(
    cli: Callable[..., int], uow_factory: UowFactory
) -> None:
    cli("people", "import", str(FIXTURES / "people.csv"))
    with uow_factory() as uow:
        absence = mark_away(
            uow.session,
            person_email="Fay.Inspector@example.test",
            starts_on=date(2026, 3, 9),
            ends_on=date(2026, 3, 13),
            reason="leave",
            now=NOW,
        )
        uow.commit()
        assert (absence.starts_on, absence.ends_on) == (date(2026, 3, 9), date(2026, 3, 13))

    refusals = [
        ("fay.inspector@example.test", date(2026, 3, 13), date(2026, 3, 9), "ends"),
        ("fay.inspector@example.test", date(2026, 2, 1), date(2026, 2, 6), "before today"),
        ("nobody@example.test", date(2026, 3, 9), date(2026, 3, 13), "not in the people"),
    ]
    for email, starts, ends, words in refusals:
        with uow_factory() as uow, pytest.raises(AbsenceRejected, match=words):
            mark_away(
                uow.session,
                person_email=email,
                starts_on=starts,
                ends_on=ends,
                reason=None,
                now=NOW,
            )
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Absence)) == 1


def test_the_service_reports_problems_without_touching_the_directory(
    uow_factory: UowFactory,
) -> None:
    rows = [(2, {"email": "not-an-email", "name": "", "roles": "lawyer", "area": "Wessex"})]

    with uow_factory() as uow:
        report = import_people(uow, rows, now=NOW)

    assert [str(p) for p in report.problems] == [
        "row 2, field 'email': not an email address: 'not-an-email'",
        "row 2, field 'name': empty",
        "row 2, field 'unit': empty",
    ]
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Person)) == 0


def test_when_slack_cannot_be_reached_everyone_unresolved_is_reported_and_kept(
    cli: Callable[..., int], uow_factory: UowFactory, tmp_path: Path
) -> None:
    source = (FIXTURES / "people.csv").read_text(encoding="utf-8")
    path = tmp_path / "people.csv"
    path.write_text(source.replace(",U0HAL0001", ","), encoding="utf-8")
    cli("people", "import", str(path))
    with SlackStandIn() as slack:
        closed = slack.api_url  # nothing listens there once the stand-in has stopped
    client = make_web_client(
        Settings(slack_bot_token="xoxb-test", slack_api_url=closed), max_retries=0
    )

    outcome = resolve_slack_ids(uow_factory(), client, now=NOW)

    assert outcome.resolved == {}
    assert sorted(outcome.unresolved) == ["cat.lawyer@example.test", "hal.head@example.test"]
    assert all(why.startswith("Slack unreachable") for why in outcome.unresolved.values())
    with uow_factory() as uow:
        assert len(people(uow.session)) == 11


def test_the_bot_finds_missing_slack_ids_later_and_asks_nobody_twice(
    cli: Callable[..., int],
    uow_factory: UowFactory,
    session_factory: sessionmaker[Session],
    tmp_path: Path,
) -> None:
    source = (FIXTURES / "people.csv").read_text(encoding="utf-8")
    path = tmp_path / "people.csv"
    path.write_text(source.replace(",U0HAL0001", ","), encoding="utf-8")
    assert cli("people", "import", str(path)) == 0  # no token: Hal (and Cat) wait for the bot
    with SlackStandIn() as slack:
        slack.add_user("U0HAL0001", email="hal.head@example.test", name="Hal Head")
        client = make_web_client(
            Settings(slack_bot_token="xoxb-test", slack_api_url=slack.api_url), max_retries=0
        )

        first = jobs.run_slack_id_resolution(NOW, session_factory=session_factory, client=client)
        asked = len(slack.calls_to("users.lookupByEmail"))
        again = jobs.run_slack_id_resolution(NOW, session_factory=session_factory, client=client)
        asked_again = len(slack.calls_to("users.lookupByEmail")) - asked

    assert first.outcome is not None and again.outcome is not None
    assert first.outcome.resolved == {"hal.head@example.test": "U0HAL0001"}
    assert first.outcome.unresolved == {"cat.lawyer@example.test": "users_not_found"}
    assert asked == 2
    assert asked_again == 1  # Cat only: Hal is found for good
    with uow_factory() as uow:
        found = people(uow.session)
        audited = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "person.slack_id_resolved")
        ).all()
    assert found["hal.head@example.test"].slack_user_id == "U0HAL0001"
    assert found["cat.lawyer@example.test"].slack_user_id is None
    assert audited == ["person.slack_id_resolved"]
