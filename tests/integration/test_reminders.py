"""Reminders and escalations: scheduled in working days, swept into the outbox exactly once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from support.scheduling_data import (
    add_open_inspection,
    add_person,
    publish_default_questionnaire,
    urn,
)

from bot.clock import ManualClock
from bot.services.assignment.reminders import (
    SweepReport,
    cancel_for_inspection,
    schedule_for_assignment,
    sweep_reminders,
)
from inspections.bank_holidays import england_and_wales_bank_holidays
from inspections.working_days import add_working_days
from storage import reminders_repo
from storage.models import AuditEvent, Inspection, OutboxMessage
from storage.uow import UnitOfWork

LONDON = ZoneInfo("Europe/London")
HOLIDAYS = england_and_wales_bank_holidays([2027, 2028])


@dataclass(frozen=True)
class World:
    inspection_id: int
    inspector_id: int
    admin_ids: list[int]
    reminder_id: int
    escalation_id: int
    due_at: datetime


def _assign(
    uow_factory: Callable[[], UnitOfWork],
    assigned_at: datetime,
    *,
    admins: int = 2,
    number: int = 1,
) -> World:
    due_at = add_working_days(assigned_at, 2, tz=LONDON, holidays=HOLIDAYS)
    with uow_factory() as uow:
        session = uow.session
        now = assigned_at
        admin_ids = [
            add_person(
                session,
                email=f"admin{n}@example.test",
                name=f"Admin {n}",
                roles=["admin"],
                slack_user_id=f"U0ADMIN{n}",
                now=now,
            ).id
            for n in range(admins)
        ]
        lawyer = add_person(
            session, email="lawyer@example.test", name="Lee Lawyer", roles=["lawyer"], now=now
        )
        inspector = add_person(
            session,
            email="inspector@example.test",
            name="Ivy Inspector",
            roles=["inspector"],
            slack_user_id="U0IVY",
            area="Wessex",
            unit="Magistrates",
            now=now,
        )
        inspection = add_open_inspection(
            session,
            urn=urn(number),
            lawyer=lawyer,
            inspector=inspector,
            questionnaire=publish_default_questionnaire(session, now=now),
            assigned_at=assigned_at,
            due_at=due_at,
        )
        reminder, escalation = schedule_for_assignment(
            session,
            inspection_id=inspection.id,
            assigned_at=assigned_at,
            due_at=due_at,
            tz=LONDON,
            holidays=HOLIDAYS,
            now=now,
        )
        uow.commit()
    return World(inspection.id, inspector.id, admin_ids, reminder.id, escalation.id, due_at)


def _outbox(uow_factory: Callable[[], UnitOfWork]) -> list[OutboxMessage]:
    with uow_factory() as uow:
        return list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _london(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_christmas_2027_due_date_reminder_and_escalation_are_each_sent_exactly_once(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    # Thu 23 Dec 2027: Christmas and Boxing Day fall on the weekend, so Mon 27 and Tue 28
    # are substitute bank holidays. Two working days on is Wed 29 Dec (Fri 24 is the first).
    assigned = _london(2027, 12, 23, 14, 30)
    world = _assign(uow_factory, assigned)
    clock = ManualClock(assigned)

    reports = {}
    for moment in [
        _london(2027, 12, 24, 14, 29),
        _london(2027, 12, 24, 14, 30),  # the reminder: the working day before the due date
        _london(2027, 12, 24, 18, 0),
        _london(2027, 12, 25, 10, 0),
        _london(2027, 12, 28, 16, 0),
        _london(2027, 12, 29, 14, 29),
        _london(2027, 12, 29, 15, 45),  # overdue: the escalation
        _london(2027, 12, 30, 9, 0),
        _london(2028, 1, 4, 9, 0),
    ]:
        clock.set(moment)
        reports[moment.astimezone(LONDON).strftime("%a %d %b %H:%M")] = sweep_reminders(
            uow_factory(), now=clock(), timezone="Europe/London"
        )

    assert world.due_at == datetime(2027, 12, 29, 14, 30, tzinfo=UTC)
    with uow_factory() as uow:
        rows = reminders_repo.for_inspection(uow.session, world.inspection_id)
    assert [(r.kind, r.due_at, r.sent_at) for r in rows] == [
        (
            "reminder",
            datetime(2027, 12, 24, 14, 30, tzinfo=UTC),
            datetime(2027, 12, 24, 14, 30, tzinfo=UTC),
        ),
        (
            "escalation",
            datetime(2027, 12, 29, 14, 30, tzinfo=UTC),
            datetime(2027, 12, 29, 15, 45, tzinfo=UTC),
        ),
    ]
    nothing = SweepReport()
    assert reports == {
        "Fri 24 Dec 14:29": nothing,
        "Fri 24 Dec 14:30": SweepReport(reminders=1, messages=1),
        "Fri 24 Dec 18:00": nothing,
        "Sat 25 Dec 10:00": nothing,
        "Tue 28 Dec 16:00": nothing,
        "Wed 29 Dec 14:29": nothing,
        "Wed 29 Dec 15:45": SweepReport(escalations=1, messages=2),
        "Thu 30 Dec 09:00": nothing,
        "Tue 04 Jan 09:00": nothing,
    }

    messages = _outbox(uow_factory)
    admin_a, admin_b = world.admin_ids
    assert [(m.dedupe_key, m.kind, m.recipient_person_id, m.status) for m in messages] == [
        (f"reminder:{world.reminder_id}", "reminder", world.inspector_id, "pending"),
        (f"escalation:{world.escalation_id}:{admin_a}", "escalation", admin_a, "pending"),
        (f"escalation:{world.escalation_id}:{admin_b}", "escalation", admin_b, "pending"),
    ]
    assert messages[0].payload["text"] == (
        "Reminder: inspection of 42AB0000127 due Wed 29 Dec 2027, 14:30"
    )
    assert messages[1].payload["text"] == "Overdue inspection: 42AB0000127, 1 hour overdue"
    escalation_fields = str(messages[1].payload["blocks"])
    assert "Ivy Inspector" in escalation_fields
    assert "Wed 29 Dec 2027, 14:30" in escalation_fields


def test_a_sweep_after_downtime_catches_up_once_across_easter_and_the_clocks_going_forward(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    # Thu 25 Mar 2027 at 10:00 GMT. Good Friday (26th) and Easter Monday (29th) are bank
    # holidays and British Summer Time starts on the 28th: due Wed 31 Mar at 10:00 BST.
    world = _assign(uow_factory, _london(2027, 3, 25, 10, 0))

    first = sweep_reminders(uow_factory(), now=_london(2027, 4, 1, 12, 0))
    again = [
        sweep_reminders(uow_factory(), now=_london(2027, 4, day, 12, 0)) for day in (1, 2, 5, 6)
    ]

    assert world.due_at == datetime(2027, 3, 31, 9, 0, tzinfo=UTC)
    with uow_factory() as uow:
        rows = reminders_repo.for_inspection(uow.session, world.inspection_id)
    assert [(r.kind, r.due_at) for r in rows] == [
        ("reminder", datetime(2027, 3, 30, 9, 0, tzinfo=UTC)),  # Tue 30 Mar, 10:00 BST
        ("escalation", datetime(2027, 3, 31, 9, 0, tzinfo=UTC)),
    ]
    assert first == SweepReport(reminders=1, escalations=1, messages=3)
    assert again == [SweepReport()] * 4
    messages = _outbox(uow_factory)
    assert [m.kind for m in messages] == ["reminder", "escalation", "escalation"]
    # Sent late, the reminder says so.
    reminder_text = str(messages[0].payload["blocks"])
    assert "was due on *Wed 31 Mar 2027, 10:00*" in reminder_text
    assert "1 day overdue" in reminder_text


def test_cancelled_reminders_are_never_sent_and_rescheduling_sends_only_the_new_ones(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    assigned = _london(2027, 6, 7, 9, 0)  # Mon
    world = _assign(uow_factory, assigned)
    reassigned = _london(2027, 6, 8, 11, 0)  # declined, then handed back on Tue
    new_due = add_working_days(reassigned, 2, tz=LONDON, holidays=HOLIDAYS)
    with uow_factory() as uow:
        cancelled = cancel_for_inspection(
            uow.session, inspection_id=world.inspection_id, now=reassigned
        )
        schedule_for_assignment(
            uow.session,
            inspection_id=world.inspection_id,
            assigned_at=reassigned,
            due_at=new_due,
            tz=LONDON,
            holidays=HOLIDAYS,
            now=reassigned,
        )
        uow.commit()

    report = sweep_reminders(uow_factory(), now=_london(2027, 6, 20, 9, 0))

    assert cancelled == 2
    assert report == SweepReport(reminders=1, escalations=1, messages=3)
    with uow_factory() as uow:
        rows = reminders_repo.for_inspection(uow.session, world.inspection_id)
        actions = uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [(r.kind, r.due_at, r.cancelled_at is None, r.sent_at is None) for r in rows] == [
        ("reminder", datetime(2027, 6, 8, 8, 0, tzinfo=UTC), False, True),
        ("escalation", datetime(2027, 6, 9, 8, 0, tzinfo=UTC), False, True),
        ("reminder", datetime(2027, 6, 9, 10, 0, tzinfo=UTC), True, False),
        ("escalation", datetime(2027, 6, 10, 10, 0, tzinfo=UTC), True, False),
    ]
    assert actions == [
        "reminders.scheduled",
        "reminders.cancelled",
        "reminders.scheduled",
        "reminder.sent",
        "escalation.sent",
    ]


def test_a_due_reminder_of_an_inspection_no_longer_open_is_cancelled_not_sent(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = _assign(uow_factory, _london(2027, 6, 7, 9, 0))
    with uow_factory() as uow:
        row = uow.session.get(Inspection, world.inspection_id)
        assert row is not None
        row.status = "submitted"
        uow.commit()

    report = sweep_reminders(uow_factory(), now=_london(2027, 6, 20, 9, 0))

    assert report == SweepReport(skipped=2)
    assert _outbox(uow_factory) == []
    with uow_factory() as uow:
        rows = reminders_repo.for_inspection(uow.session, world.inspection_id)
    assert [(r.sent_at, r.cancelled_at) for r in rows] == [
        (None, datetime(2027, 6, 20, 8, 0, tzinfo=UTC))
    ] * 2


def test_an_escalation_with_no_admin_is_marked_sent_without_messages(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = _assign(uow_factory, _london(2027, 6, 7, 9, 0), admins=0)

    report = sweep_reminders(uow_factory(), now=_london(2027, 6, 20, 9, 0))
    repeat = sweep_reminders(uow_factory(), now=_london(2027, 6, 21, 9, 0))

    assert report == SweepReport(reminders=1, escalations=1, messages=1)
    assert repeat == SweepReport()
    assert [m.recipient_person_id for m in _outbox(uow_factory)] == [world.inspector_id]


def test_a_sweep_works_through_more_due_rows_than_one_batch(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    assigned = _london(2027, 6, 7, 9, 0)
    world = _assign(uow_factory, assigned, admins=1)
    due_at = world.due_at
    with uow_factory() as uow:
        for n in range(2, 8):
            template = uow.session.get(Inspection, world.inspection_id)
            assert template is not None and template.inspector is not None
            inspector = template.inspector
            inspection = add_open_inspection(
                uow.session,
                urn=urn(n),
                lawyer=template.case_review.lawyer,
                inspector=inspector,
                questionnaire=template.questionnaire_version,
                assigned_at=assigned,
                due_at=due_at,
            )
            schedule_for_assignment(
                uow.session,
                inspection_id=inspection.id,
                assigned_at=assigned,
                due_at=due_at,
                tz=LONDON,
                holidays=HOLIDAYS,
                now=assigned,
            )
        uow.commit()

    report = sweep_reminders(uow_factory(), now=_london(2027, 6, 20, 9, 0), batch=3)

    assert report == SweepReport(reminders=7, escalations=7, messages=14)
    keys = [m.dedupe_key for m in _outbox(uow_factory)]
    assert len(keys) == len(set(keys)) == 14


def test_a_row_that_cannot_be_sent_is_set_aside_and_the_others_still_go(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    world = _assign(uow_factory, _london(2027, 6, 7, 9, 0))
    with uow_factory() as uow:
        template = uow.session.get(Inspection, world.inspection_id)
        assert template is not None and template.inspector is not None
        # Inconsistent data: an open inspection without a due date cannot be "overdue".
        broken = add_open_inspection(
            uow.session,
            urn=urn(2),
            lawyer=template.case_review.lawyer,
            inspector=template.inspector,
            questionnaire=template.questionnaire_version,
            assigned_at=_london(2027, 6, 1, 9, 0),
            due_at=_london(2027, 6, 3, 9, 0),
        )
        broken.due_at = None
        reminders_repo.add(
            uow.session,
            inspection_id=broken.id,
            kind="escalation",
            due_at=_london(2027, 6, 3, 9, 0),
        )
        uow.commit()

    report = sweep_reminders(uow_factory(), now=_london(2027, 6, 20, 9, 0))
    again = sweep_reminders(uow_factory(), now=_london(2027, 6, 21, 9, 0))

    assert report == SweepReport(reminders=1, escalations=1, messages=3, failed=1)
    assert again == SweepReport()
    with uow_factory() as uow:
        failures = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "escalation.failed")
        ).all()
    assert [(e.entity_id, e.details["error"]) for e in failures] == [
        (str(broken.id), "ValueError: Only an inspection with a due date can be overdue.")
    ]
