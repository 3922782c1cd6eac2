"""Escalation by time through `dipsample jobs run intervention-escalation --now …`: an
intervention nobody acknowledged goes to the national inspection lead once 4 working hours
have passed (nights, weekends and bank holidays do not count), and only once however often the
job runs."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from support.feedback_support import submit_inspections
from support.intake_data import import_fixture_people

from bot.bootstrap import open_database
from bot.cli.parser import main
from bot.jobs.periodic import run_intervention_escalation
from bot.services.people.directory import import_people
from bot.services.trends.engine import summarise
from bot.settings import Settings
from inspections.interventions import InterventionFigures
from inspections.periods import quarter_of
from inspections.scopes import Scope, ScopeKind
from inspections.trends import Spread
from storage.models import Alert, AuditEvent, OutboxMessage, Person
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
JOB = "intervention-escalation"


@pytest.fixture
def cli(
    database_url: str, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., int]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DIPSAMPLE_TIMEZONE", "Europe/London")
    return lambda *args: main(list(args))


def alert_raised_at(uow_factory: UowFactory, raised_at: datetime) -> int:
    import_fixture_people(uow_factory, raised_at)
    (inspection_id,) = submit_inspections(
        uow_factory,
        reviews=[("ann.lawyer@example.test", "42AB1234525")],
        inspector_email="gus.inspector@example.test",
        now=raised_at,
        marks={
            "safeguarding_considered": ("not_met", "No safety plan."),
            "overall_mark": ("not_met", "A safeguard was missed."),
        },
    )
    with uow_factory() as uow:
        alert = Alert(
            inspection_id=inspection_id,
            question_id="safeguarding_considered",
            kind="critical_failure",
            raised_at=raised_at,
        )
        uow.session.add(alert)
        uow.commit()
        return alert.id


def escalations(uow_factory: UowFactory) -> list[tuple[str, int | None]]:
    with uow_factory() as uow:
        query = select(OutboxMessage.kind, OutboxMessage.recipient_person_id).where(
            OutboxMessage.kind == "alert_escalated"
        )
        return [(kind, person) for kind, person in uow.session.execute(query)]


@pytest.mark.parametrize(
    ("raised", "not_yet", "due"),
    [
        # Friday 15:00 GMT: 2 working hours that day, 2 more on Monday, so due Monday 11:00.
        ("2026-03-06T15:00:00Z", "2026-03-09T10:59:00Z", "2026-03-09T11:00:00Z"),
        # Thursday 2 April 16:00 BST: 1 hour, then Good Friday, the weekend and Easter Monday
        # (bank holidays) do not count, so 3 hours on Tuesday: due 12:00 BST, 11:00 UTC.
        ("2026-04-02T15:00:00Z", "2026-04-07T10:59:00Z", "2026-04-07T11:00:00Z"),
    ],
)
def test_an_unacknowledged_intervention_is_escalated_once_after_four_working_hours(
    cli: Callable[..., int],
    uow_factory: UowFactory,
    capsys: pytest.CaptureFixture[str],
    raised: str,
    not_yet: str,
    due: str,
) -> None:
    alert_id = alert_raised_at(uow_factory, datetime.fromisoformat(raised))
    capsys.readouterr()

    assert cli("jobs", "run", JOB, "--now", not_yet) == 0
    assert escalations(uow_factory) == []
    assert cli("jobs", "run", JOB, "--now", due) == 0
    assert cli("jobs", "run", JOB, "--now", due) == 0

    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{JOB}: ran (escalated 0, messages 0)",
        f"{JOB}: ran (escalated 1, messages 1)",
        f"{JOB}: ran (escalated 0, messages 0)",
    ]
    with uow_factory() as uow:
        lead = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "intervention.escalated")
        ).one()
        alert = uow.session.get(Alert, alert_id)
        assert alert is not None and alert.escalated_at == datetime.fromisoformat(due)
    assert len(escalations(uow_factory)) == 1  # the one national lead in the directory
    assert lead.entity_id == str(alert_id)


def test_an_acknowledged_intervention_is_not_escalated_and_the_list_shows_its_times(
    cli: Callable[..., int], uow_factory: UowFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    raised = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    alert_id = alert_raised_at(uow_factory, raised)
    with uow_factory() as uow:
        alert = uow.session.get(Alert, alert_id)
        assert alert is not None
        alert.acknowledged_at = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)
        uow.commit()

    assert cli("jobs", "run", JOB, "--now", "2026-03-04T10:00:00Z") == 0
    assert escalations(uow_factory) == []
    capsys.readouterr()
    assert cli("interventions", "list", "--format", "json") == 0

    (item,) = json.loads(capsys.readouterr().out)
    assert (item["urn"], item["status"], item["minutes_to_acknowledge"]) == (
        "42AB1234525",
        "acknowledged",
        30.0,
    )
    assert item["closed_at"] is None


def test_jobs_list_names_every_job_and_an_unknown_one_is_refused(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("jobs", "list") == 0
    listed = capsys.readouterr().out
    assert JOB in listed and "reminder-sweep" in listed
    assert cli("jobs", "run", "nightly-magic") == 2
    assert "no job nightly-magic" in capsys.readouterr().err


def test_two_instances_running_the_job_at_once_escalate_once(
    uow_factory: UowFactory, database_url: str
) -> None:
    alert_raised_at(uow_factory, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    settings = Settings(database_url=database_url)
    now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    with (
        open_database(database_url) as one,
        open_database(database_url) as two,
        ThreadPoolExecutor(2) as pool,
    ):
        runs = list(
            pool.map(
                lambda sessions: run_intervention_escalation(
                    now, session_factory=sessions, settings=settings
                ),
                [one.sessions, two.sessions],
            )
        )

    escalated = sum(r.outcome.escalated for r in runs if r.outcome is not None)
    assert escalated == 1
    assert len(escalations(uow_factory)) == 1


def test_the_areas_chief_crown_prosecutor_gets_the_escalation_when_the_directory_names_one(
    uow_factory: UowFactory, database_url: str
) -> None:
    alert_raised_at(uow_factory, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    row = {
        "email": "cora.ccp@example.test",
        "name": "Cora Prosecutor",
        "roles": "ccp",
        "area": "Wessex",  # the lawyer's Area
        "unit": "Area leadership",
        "manager_email": "",
        "slack_user_id": "U0CORA001",
    }
    with uow_factory() as uow:
        assert import_people(uow, [(2, row)], now=datetime(2026, 3, 2, tzinfo=UTC)).problems == []
    with uow_factory() as uow:
        ccp = uow.session.scalars(select(Person.id).where(Person.email == row["email"])).one()

    with open_database(database_url) as database:
        run_intervention_escalation(
            datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
            session_factory=database.sessions,
            settings=Settings(database_url=database_url),
        )

    assert escalations(uow_factory) == [("alert_escalated", ccp)]
    with uow_factory() as uow:
        payload = uow.session.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.kind == "alert_escalated")
        ).one()
    assert "You receive this as the Area's Chief Crown Prosecutor." in json.dumps(payload)


def test_with_nobody_to_escalate_to_the_intervention_waits_and_is_not_marked(
    uow_factory: UowFactory, database_url: str
) -> None:
    alert_id = alert_raised_at(uow_factory, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    with uow_factory() as uow:
        for lead in uow.session.scalars(select(Person).where(Person.email == "lead@example.test")):
            lead.active = False
        uow.commit()

    with open_database(database_url) as database:
        run_intervention_escalation(
            datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
            session_factory=database.sessions,
            settings=Settings(database_url=database_url),
        )

    assert escalations(uow_factory) == []
    with uow_factory() as uow:
        alert = uow.session.get(Alert, alert_id)
        assert alert is not None and alert.escalated_at is None


def test_the_trend_summary_counts_interventions_and_their_times_in_scope(
    uow_factory: UowFactory,
) -> None:
    raised = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    alert_id = alert_raised_at(uow_factory, raised)
    with uow_factory() as uow:
        alert = uow.session.get(Alert, alert_id)
        assert alert is not None
        alert.acknowledged_at = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)  # 1.5 h
        alert.closed_at = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)  # 24 h
        uow.commit()

    q1 = quarter_of(date(2026, 1, 1))
    with uow_factory() as uow:
        wessex = summarise(
            uow.session,
            scope=Scope(ScopeKind.AREA, "Wessex", area="Wessex"),
            period=q1,
            review_type=None,
            tz=ZoneInfo("Europe/London"),
        )
        london = summarise(
            uow.session,
            scope=Scope(ScopeKind.AREA, "London North", area="London North"),
            period=q1,
            review_type=None,
            tz=ZoneInfo("Europe/London"),
        )

    assert wessex.interventions == InterventionFigures(1, 1, 1, Spread(1.5, 1.5), Spread(24, 24))
    assert london.interventions == InterventionFigures(0, 0, 0, None, None)
