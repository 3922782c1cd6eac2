"""Owners' reminders through `dipsample jobs run rjoim-action-reminders --now …`, as an
operator would run them: one outbox row per action owned by someone in the directory, from
09:00 on the working day before it is due, never a second; none for an action owned by a named
police officer (the bot cannot reach them), nor one already overdue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from support.intake_data import import_fixture_people

from bot.cli.parser import main
from bot.services.rjoim import record
from storage.models import AuditEvent, OutboxMessage
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
JOB = "rjoim-action-reminders"
HAL = "U0HAL0001"
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)  # Monday 30 March 2026 (BST from the 29th)


@pytest.fixture
def cli(database_url: str, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DIPSAMPLE_TIMEZONE", "Europe/London")
    import_fixture_people(uow_factory, NOW)
    meeting = record.record_meeting(
        uow_factory(),
        actor_slack_id=HAL,
        area="Wessex",
        force_code="44",
        held_on=date(2026, 3, 30),
        next_meeting_on=None,
        attendees="cps_unit_head: Hal Head",
        urns="",
        now=NOW,
        tz=ZoneInfo("Europe/London"),
    ).id
    for text, owner, police, due in [
        ("Ann's, due Tuesday 7 April", "U0ANN0001", "", date(2026, 4, 7)),
        ("Police-owned", None, "DS Patel", date(2026, 4, 7)),
        ("Bob's, due Wednesday 1 April", "U0BOB0001", "", date(2026, 4, 1)),
    ]:
        record.add_action(
            uow_factory(),
            actor_slack_id=HAL,
            meeting_id=meeting,
            description=text,
            agency="cps" if owner else "police",
            owner_slack_id=owner,
            police_owner=police,
            due_on=due,
            request_key=None,
            today=NOW.date(),
            now=NOW,
        )


def reminders(uow_factory: UowFactory) -> list[tuple[str, str]]:
    with uow_factory() as uow:
        rows = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "rjoim_reminder")
        ).all()
        return [(m.dedupe_key, m.payload["text"].split(":")[0]) for m in rows]


def test_each_owner_is_reminded_once_from_nine_the_working_day_before(
    cli: None, uow_factory: UowFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(at: str) -> None:
        assert main(["jobs", "run", JOB, "--now", at]) == 0

    run("2026-03-31T07:59:00Z")  # 08:59 BST on Tuesday 31 March: not yet
    assert reminders(uow_factory) == []
    run("2026-03-31T08:00:00Z")  # 09:00 BST: Bob's is due Wednesday
    run("2026-03-31T15:00:00Z")
    assert [text for _, text in reminders(uow_factory)] == ["RJOIM action due 2026-04-01"]
    # Ann's is due Tuesday 7 April: Good Friday and Easter Monday skipped, Thursday 2 April.
    run("2026-04-01T09:00:00Z")
    assert len(reminders(uow_factory)) == 1
    run("2026-04-02T08:00:00Z")
    run("2026-04-06T08:00:00Z")
    assert sorted(text for _, text in reminders(uow_factory)) == [
        "RJOIM action due 2026-04-01",
        "RJOIM action due 2026-04-07",
    ]
    with uow_factory() as uow:
        audited = uow.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "rjoim.reminder_enqueued")
        ).all()
    assert sorted(d["to"] for d in audited) == [
        "ann.lawyer@example.test",
        "bob.lawyer@example.test",
    ]
    # On the last run Bob's was overdue (the digest's business), Ann's already reminded.
    assert capsys.readouterr().out.splitlines()[-1] == (
        "rjoim-action-reminders: ran (enqueued 0, already 1)"
    )
