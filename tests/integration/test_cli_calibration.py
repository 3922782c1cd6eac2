"""`dipsample calibration start` through the real entry point, and the results sent by the
periodic job once the due time has passed with only some markings in: the markings still open
are then closed, and an exercise nobody submitted is reported as closed with no markings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from support.trend_data import add_submitted, build_world, person

from bot.cli.parser import main
from bot.refusals import Refused
from bot.services.inspection import flow
from storage import inspections_repo, people_repo
from storage.models import Answer, AuditEvent, Calibration, Inspection, OutboxMessage, Person
from storage.uow import UnitOfWork

URN = "01AB7777726"
SAM = "sam.second@example.test"
TIA = "tia.third@example.test"
IVY = "ivy.inspector@example.test"


@pytest.fixture
def reviewed(
    database_url: str, uow_factory: Callable[[], UnitOfWork], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOGNAME", "ops.lead")
    with uow_factory() as uow:
        s = uow.session
        world = build_world(s, now=datetime(2025, 9, 1, tzinfo=UTC))
        for name, area in (("Sam Second", "Wessex"), ("Tia Third", "North East")):
            person(s, name=name, roles=["inspector"], area=area, unit=f"RASSO {area}",
                   now=datetime(2025, 9, 1, tzinfo=UTC))  # fmt: skip
        add_submitted(
            s, world, lawyer=world.london_lawyers[0], submitted_at=datetime(2026, 2, 2, tzinfo=UTC),
            urn=URN,
        )  # fmt: skip
        uow.commit()


def start(*extra: str) -> int:
    return main(
        ["calibration", "start", "--urn", URN, "--review-type", "pre_charge_decision", *extra]
    )


def test_start_gives_the_review_to_each_inspector_named_blind(
    reviewed: None, capsys: pytest.CaptureFixture[str], uow_factory: Callable[[], UnitOfWork]
) -> None:
    assert start("--inspectors", f"{SAM},{TIA}", "--due", "2099-01-30") == 0

    assert capsys.readouterr().out.startswith(
        f"Calibration 1 of {URN} started: Sam Second, Tia Third; due 2099-01-31T00:00"
    )
    with uow_factory() as uow:
        session = uow.session
        markings = session.scalars(
            select(Inspection).where(Inspection.purpose == "calibration").order_by(Inspection.slot)
        ).all()
        assert [
            (m.slot, m.status, m.inspector.email if m.inspector else None) for m in markings
        ] == [
            (1, "assigned", SAM),
            (2, "assigned", TIA),
        ]
        messages = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "assignment")
        ).all()
        assert all("Calibration exercise" in str(m.payload["blocks"]) for m in messages)
        assert len(messages) == 2
        started = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "calibration.started")
        ).one()
        assert started.actor == "cli:ops.lead"


def test_start_refuses_an_unknown_review_and_an_inspector_who_marked_it(
    reviewed: None, capsys: pytest.CaptureFixture[str], uow_factory: Callable[[], UnitOfWork]
) -> None:
    assert main(["calibration", "start", "--urn", "01AB0000026", "--review-type",
                 "pre_charge_decision"]) == 1  # fmt: skip
    assert "There is no pre charge decision review of 01AB0000026" in capsys.readouterr().err
    assert start("--inspectors", f"{IVY},{SAM}") == 1
    assert f"{IVY} has marked this review already" in capsys.readouterr().err
    assert start("--inspectors", SAM) == 1
    assert "at least 2 inspectors" in capsys.readouterr().err
    with uow_factory() as uow:
        assert uow.session.scalars(select(Calibration)).all() == []


def test_past_the_due_time_the_job_reports_what_was_submitted_once(
    reviewed: None, capsys: pytest.CaptureFixture[str], uow_factory: Callable[[], UnitOfWork]
) -> None:
    assert start("--inspectors", f"{SAM},{TIA}", "--due", "2099-01-30") == 0
    with uow_factory() as uow:  # Sam's marking submitted with the primary inspection's marks
        session = uow.session
        primary, sams, _ = session.scalars(select(Inspection).order_by(Inspection.id)).all()
        for answer in session.scalars(select(Answer).where(Answer.inspection_id == primary.id)):
            session.add(
                Answer(
                    inspection_id=sams.id, question_id=answer.question_id,
                    option_code=answer.option_code, text=answer.text, reason=answer.reason,
                    answered_by=sams.inspector_id, answered_at=answer.answered_at, revision=1,
                )
            )  # fmt: skip
        sams.status, sams.submitted_at, sams.score = "submitted", primary.submitted_at, 1.0
        uow.commit()

    assert main(["jobs", "run", "calibration-results", "--now", "2099-01-30T12:00:00Z"]) == 0
    assert main(["jobs", "run", "calibration-results", "--now", "2099-02-01T12:00:00Z"]) == 0
    assert main(["jobs", "run", "calibration-results", "--now", "2099-02-02T12:00:00Z"]) == 0

    with uow_factory() as uow:
        session = uow.session
        sent = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "calibration_results")
        ).all()
        # The lead and Sam, once; not Tia, who did not submit.
        assert len(sent) == 2
        assert all("(1 did not submit by the due time)" in str(m.payload["blocks"]) for m in sent)
        exercise = session.scalars(select(Calibration)).one()
        assert exercise.reported_at == datetime(2099, 2, 1, 12, 0, tzinfo=UTC)

    with uow_factory() as uow:  # Tia's marking, still open at the due time, is closed
        session = uow.session
        tias = session.scalars(
            select(Inspection).where(Inspection.purpose == "calibration").order_by(Inspection.slot)
        ).all()[1]
        tia = session.scalars(select(Person).where(Person.email == TIA)).one()
        assert (tias.status, tias.inspector_id, tias.due_at) == ("withdrawn", tia.id, None)
        assert tias.id not in {i.id for i in inspections_repo.queued(session)}
        closed = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "calibration_closed")
        ).all()
        assert [m.recipient_person_id for m in closed] == [tia.id]
        assert "has closed and your marking is withdrawn" in str(closed[0].payload["blocks"])
        audited = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "calibration.marking_closed")
        ).one()
        assert (audited.entity_id, audited.details["inspector_id"]) == (str(tias.id), tia.id)
        reported = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "calibration.reported")
        ).one()
        assert reported.details["closed"] == [tias.id]
        tia.slack_user_id = "U0TIATHIRD"
        tias_id, version = tias.id, tias.lock_version
        uow.commit()
    # Her card, clicked after the results went out, changes nothing.
    with pytest.raises(Refused):
        flow.submit(
            uow_factory(),
            flow.CardClick("U0TIATHIRD", tias_id, version, datetime(2099, 2, 3, tzinfo=UTC)),
        )
    with uow_factory() as uow:
        assert uow.session.get(Inspection, tias_id).status == "withdrawn"  # type: ignore[union-attr]


def test_past_the_due_time_with_nobody_submitted_the_exercise_closes_once(
    reviewed: None, capsys: pytest.CaptureFixture[str], uow_factory: Callable[[], UnitOfWork]
) -> None:
    assert start("--inspectors", f"{SAM},{TIA}", "--due", "2099-01-30") == 0

    for day in ("2099-01-30", "2099-02-01", "2099-02-02"):
        assert main(["jobs", "run", "calibration-results", "--now", f"{day}T12:00:00Z"]) == 0

    with uow_factory() as uow:
        session = uow.session
        exercise = session.scalars(select(Calibration)).one()
        assert exercise.reported_at == datetime(2099, 2, 1, 12, 0, tzinfo=UTC)
        markings = session.scalars(
            select(Inspection).where(Inspection.purpose == "calibration")
        ).all()
        assert {m.status for m in markings} == {"withdrawn"}
        assert all(m.inspector_id is not None for m in markings)  # who it was with, on record
        closed = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "calibration_closed")
        ).all()
        leads = set(people_repo.active_admin_ids(session))
        inspectors = {
            p.id for p in session.scalars(select(Person).where(Person.email.in_((SAM, TIA))))
        }
        # Each inspector told their marking closed, each lead that the exercise closed with no
        # markings; once, though the job ran again.
        assert leads and sorted(m.recipient_person_id or 0 for m in closed) == sorted(
            leads | inspectors
        )
        to_leads = [m for m in closed if m.recipient_person_id in leads]
        assert all("closed with no markings" in str(m.payload["blocks"]) for m in to_leads)
        assert (
            session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "calibration_results")
            ).all()
            == []
        )
        reported = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "calibration.reported")
        ).one()
        assert reported.details["submitted"] == []
        assert sorted(reported.details["closed"]) == sorted(m.id for m in markings)
