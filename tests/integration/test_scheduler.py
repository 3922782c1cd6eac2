"""The periodic jobs and the scheduler: singletons, bookkeeping, catch-up, and several instances
working on one database without sending anything twice."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from support.scheduling_data import (
    ON_POSTGRES,
    add_open_inspection,
    add_person,
    publish_default_questionnaire,
    urn,
)

from bot.clock import ManualClock
from bot.jobs import periodic as jobs
from bot.jobs.scheduler import Intervals, PeriodicJob, Scheduler, standard_jobs
from bot.offline.standin import SlackStandIn
from bot.services.assignment.reminders import SweepReport, schedule_for_assignment, sweep_reminders
from bot.services.intake.floor import FloorReport, top_up_monthly_floor
from bot.services.intake.policy_file import load_sampling_policy
from bot.settings import Settings
from bot.slack.client import make_web_client
from inspections.bank_holidays import england_and_wales_bank_holidays
from inspections.working_days import add_working_days
from storage.db import make_engine
from storage.db import session_factory as make_session_factory
from storage.locks import last_run, record_run, singleton
from storage.models import (
    AuditEvent,
    CaseReview,
    Inspection,
    OutboxMessage,
    Person,
    Reminder,
    SamplingDecision,
)
from storage.uow import UnitOfWork

LONDON = ZoneInfo("Europe/London")
HOLIDAYS = england_and_wales_bank_holidays([2027, 2028])
START = datetime(2027, 6, 7, 8, 0, tzinfo=UTC)  # Mon 7 Jun 2027, 09:00 BST
SETTINGS = Settings()
INSPECTOR_SLACK = "U0IVY"
ADMIN_SLACK = ("U0ADMIN0", "U0ADMIN1")


def _seed_open_inspections(session_factory: sessionmaker[Session], count: int) -> int:
    """count inspections assigned 17 minutes apart, each with its reminder and escalation;
    returns how many outbox messages their reminders should produce (1 + 2 admins each)."""
    with UnitOfWork(session_factory) as uow:
        session = uow.session
        for n, slack_id in enumerate(ADMIN_SLACK):
            add_person(
                session,
                email=f"admin{n}@example.test",
                name=f"Admin {n}",
                roles=["admin"],
                slack_user_id=slack_id,
                now=START,
            )
        lawyer = add_person(
            session, email="lawyer@example.test", name="Lee Lawyer", roles=["lawyer"], now=START
        )
        inspector = add_person(
            session,
            email="inspector@example.test",
            name="Ivy Inspector",
            roles=["inspector"],
            slack_user_id=INSPECTOR_SLACK,
            unit="Magistrates",
            now=START,
        )
        questionnaire = publish_default_questionnaire(session, now=START)
        for n in range(count):
            assigned_at = START + timedelta(minutes=17 * n)
            due_at = add_working_days(assigned_at, 2, tz=LONDON, holidays=HOLIDAYS)
            inspection = add_open_inspection(
                session,
                urn=urn(n + 1),
                lawyer=lawyer,
                inspector=inspector,
                questionnaire=questionnaire,
                assigned_at=assigned_at,
                due_at=due_at,
            )
            schedule_for_assignment(
                session,
                inspection_id=inspection.id,
                assigned_at=assigned_at,
                due_at=due_at,
                tz=LONDON,
                holidays=HOLIDAYS,
                now=assigned_at,
            )
        uow.commit()
    return count * (1 + len(ADMIN_SLACK))


def _sent_audits(session_factory: sessionmaker[Session]) -> Counter[str]:
    """How often each reminder row was recorded as sent: exactly once each, or a bug."""
    with UnitOfWork(session_factory) as uow:
        events = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(["reminder.sent", "escalation.sent"]))
        ).all()
    return Counter(str(e.details["reminder_id"]) for e in events)


def _reminder_ids(session_factory: sessionmaker[Session]) -> list[str]:
    with UnitOfWork(session_factory) as uow:
        return [str(i) for i in uow.session.scalars(select(Reminder.id).order_by(Reminder.id))]


def test_a_job_run_is_recorded_and_a_repeated_run_sends_nothing_new(
    session_factory: sessionmaker[Session],
) -> None:
    expected = _seed_open_inspections(session_factory, 3)
    later = START + timedelta(days=10)

    first = jobs.run_reminder_sweep(later, session_factory=session_factory, settings=SETTINGS)
    second = jobs.run_reminder_sweep(
        later + timedelta(minutes=1), session_factory=session_factory, settings=SETTINGS
    )

    assert first == jobs.JobResult(
        jobs.REMINDER_SWEEP, ran=True, outcome=SweepReport(3, 3, expected, 0)
    )
    assert second == jobs.JobResult(jobs.REMINDER_SWEEP, ran=True, outcome=SweepReport())
    with UnitOfWork(session_factory) as uow:
        assert last_run(uow.session, jobs.REMINDER_SWEEP) == later + timedelta(minutes=1)
        assert last_run(uow.session, jobs.OUTBOX_DISPATCH) is None


@pytest.mark.skipif(not ON_POSTGRES, reason="advisory locks exist on PostgreSQL only")
def test_a_job_held_by_another_instance_skips_its_turn(
    session_factory: sessionmaker[Session],
) -> None:
    _seed_open_inspections(session_factory, 2)
    later = START + timedelta(days=10)

    with (
        UnitOfWork(session_factory) as other,
        singleton(other.session, jobs.REMINDER_SWEEP) as held,
    ):
        assert held
        skipped = jobs.run_reminder_sweep(later, session_factory=session_factory, settings=SETTINGS)
        # A different job is not blocked by it.
        other_job = jobs.run_assignment_retry(
            later, session_factory=session_factory, settings=SETTINGS
        )
    after = jobs.run_reminder_sweep(later, session_factory=session_factory, settings=SETTINGS)

    assert skipped == jobs.JobResult(jobs.REMINDER_SWEEP, ran=False)
    assert other_job.ran
    assert after.ran and after.outcome is not None and after.outcome.reminders == 2


def test_the_singleton_guard_shuts_out_a_second_holder_on_postgresql_only(
    session_factory: sessionmaker[Session],
) -> None:
    with (
        UnitOfWork(session_factory) as first,
        UnitOfWork(session_factory) as second,
        singleton(first.session, "job") as a,
        singleton(second.session, "job") as b,
    ):
        outcome = (a, b)
    assert outcome == ((True, False) if ON_POSTGRES else (True, True))


def test_concurrent_sweeps_send_every_due_reminder_exactly_once(database_url: str) -> None:
    """Several workers, each with its own engine, sweeping the same due rows in small batches
    and without the job lock: SKIP LOCKED (PostgreSQL) or BEGIN IMMEDIATE (SQLite) alone keep
    each row to one sender."""
    engines = [make_engine(database_url) for _ in range(4)]
    factories = [make_session_factory(e) for e in engines]
    try:
        expected = _seed_open_inspections(factories[0], 30)
        now = START + timedelta(days=10)
        reports: list[SweepReport] = []
        errors: list[BaseException] = []

        def worker(factory: sessionmaker[Session]) -> None:
            try:
                for _ in range(3):
                    reports.append(sweep_reminders(UnitOfWork(factory), now=now, batch=4))
            except BaseException as exc:  # reported below, not lost in the thread
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(f,)) for f in factories]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert errors == []
        assert sum(r.messages for r in reports) == expected
        assert sum(r.reminders + r.escalations for r in reports) == 60
        sent = _sent_audits(factories[0])
        assert sorted(sent) == sorted(_reminder_ids(factories[0]))
        assert set(sent.values()) == {1}
        with UnitOfWork(factories[0]) as uow:
            keys = uow.session.scalars(select(OutboxMessage.dedupe_key)).all()
        assert len(keys) == len(set(keys)) == expected
    finally:
        for engine in engines:
            engine.dispose()


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="instances share a database only on PostgreSQL; SQLite serves one process",
)
def test_two_scheduler_instances_never_send_one_reminder_twice(database_url: str) -> None:
    engines = [make_engine(database_url) for _ in range(2)]
    factories = [make_session_factory(e) for e in engines]
    schedulers: list[Scheduler] = []
    try:
        expected = _seed_open_inspections(factories[0], 40)
        clock = ManualClock(START)
        with SlackStandIn() as slack:
            slack.add_user(INSPECTOR_SLACK, email="inspector@example.test", name="Ivy Inspector")
            for n, slack_id in enumerate(ADMIN_SLACK):
                slack.add_user(slack_id, email=f"admin{n}@example.test", name=f"Admin {n}")
            settings = Settings(slack_api_url=slack.api_url, slack_bot_token="xoxb-test")
            fast = Intervals(
                outbox_dispatch=timedelta(milliseconds=50),
                reminder_sweep=timedelta(milliseconds=50),
                assignment_retry=timedelta(hours=1),
                monthly_floor_top_up=timedelta(hours=1),
            )
            for factory in factories:
                client = make_web_client(settings, backoff_factor=0.0)
                periodic = standard_jobs(
                    settings=settings, session_factory=factory, client=client, intervals=fast
                )
                # The reminders and their delivery only: the quarterly packs fall due in the
                # weeks this runs through and would send messages of their own.
                wanted = {jobs.REMINDER_SWEEP, jobs.OUTBOX_DISPATCH}
                periodic = [job for job in periodic if job.name in wanted]
                schedulers.append(Scheduler(periodic, clock=clock))
            for scheduler in schedulers:
                scheduler.start()

            # Four working days in two-hour steps: every reminder and escalation falls due.
            while clock() < START + timedelta(days=6):
                clock.advance(timedelta(hours=2))
                time.sleep(0.03)
            _wait_until_delivered(factories[0], expected, timeout=60)
            for scheduler in schedulers:
                scheduler.shutdown()

            posted = [c for c in slack.calls_to("chat.postMessage") if c.ok]
            per_user = {
                user: len(slack.messages_to(user)) for user in (INSPECTOR_SLACK, *ADMIN_SLACK)
            }

        assert len(posted) == expected
        assert per_user == {INSPECTOR_SLACK: 40, ADMIN_SLACK[0]: 40, ADMIN_SLACK[1]: 40}
        sent = _sent_audits(factories[0])
        assert sorted(sent) == sorted(_reminder_ids(factories[0]))
        assert set(sent.values()) == {1}
    finally:
        for scheduler in schedulers:
            scheduler.shutdown()
        for engine in engines:
            engine.dispose()


def _wait_until_delivered(factory: sessionmaker[Session], expected: int, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with UnitOfWork(factory) as uow:
            sent = uow.session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "sent")
            )
        if sent == expected:
            return
        time.sleep(0.1)
    raise AssertionError(f"only {sent} of {expected} messages were delivered in {timeout}s")


def test_the_scheduler_runs_each_job_with_the_injected_clock() -> None:
    clock = ManualClock(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    seen: list[datetime] = []
    ran = threading.Event()

    def record(now: datetime) -> None:
        seen.append(now)
        ran.set()

    def broken(now: datetime) -> None:
        raise RuntimeError("a failing job must not stop the others")

    scheduler = Scheduler(
        [
            PeriodicJob("broken", timedelta(hours=1), broken),
            PeriodicJob("record", timedelta(hours=1), record),
        ],
        clock=clock,
    )
    scheduler.start()
    try:
        assert ran.wait(timeout=10)
    finally:
        scheduler.shutdown()
    clock.advance(timedelta(days=1))
    direct = scheduler.run_now("record")

    assert direct is None
    assert seen == [datetime(2027, 1, 4, 9, 0, tzinfo=UTC), datetime(2027, 1, 5, 9, 0, tzinfo=UTC)]
    assert not scheduler.running


def test_standard_jobs_leave_out_what_needs_slack_without_a_slack_client(
    session_factory: sessionmaker[Session],
) -> None:
    with_client = standard_jobs(
        settings=SETTINGS, session_factory=session_factory, client=WebClient(token="xoxb-t")
    )
    without = standard_jobs(settings=SETTINGS, session_factory=session_factory, client=None)

    assert [j.name for j in with_client] == [
        jobs.REMINDER_SWEEP,
        jobs.ASSIGNMENT_RETRY,
        jobs.MONTHLY_FLOOR_TOP_UP,
        jobs.WEEKLY_DIGEST,
        jobs.INTERVENTION_ESCALATION,
        jobs.RJOIM_REMINDERS,
        jobs.CALIBRATION_RESULTS,
        jobs.BOARD_PACK,
        jobs.QUARTERLY_PACK,
        jobs.SLACK_ID_RESOLUTION,
        jobs.OUTBOX_DISPATCH,
    ]
    assert [j.name for j in without] == [j.name for j in with_client[:-2]]


# The monthly floor -------------------------------------------------------------------------


def _seed_unsampled_lawyer(
    session_factory: sessionmaker[Session],
    completions: list[datetime],
    *,
    inspector_unit: str = "Magistrates",
) -> list[int]:
    """A lawyer whose reviews were all decided "not selected", an independent inspector and an
    admin; returns the review ids."""
    with UnitOfWork(session_factory) as uow:
        session = uow.session
        now = completions[0]
        add_person(session, email="admin@example.test", name="Ada Admin", roles=["admin"], now=now)
        lawyer = add_person(
            session, email="lawyer@example.test", name="Lee Lawyer", roles=["lawyer"], now=now
        )
        add_person(
            session,
            email="inspector@example.test",
            name="Ivy Inspector",
            roles=["inspector"],
            slack_user_id=INSPECTOR_SLACK,
            area="Wessex",
            unit=inspector_unit,
            now=now,
        )
        ids = []
        for n, completed_at in enumerate(completions, start=1):
            review = CaseReview(
                urn=urn(n),
                review_type="early_advice",
                area=lawyer.area,
                unit=lawyer.unit,
                lawyer_id=lawyer.id,
                completed_at=completed_at,
                action_plan_count=0,
                outcome=None,
                source_id=f"src-{n}",
                identity_key=f"src-{n}",
                received_at=completed_at,
            )
            session.add(review)
            session.flush()
            session.add(
                SamplingDecision(
                    case_review_id=review.id,
                    policy_version="2026-11-1",
                    selected=False,
                    rule="not_selected",
                    draw=0.9,
                    decided_at=completed_at,
                )
            )
            ids.append(review.id)
        uow.commit()
    return ids


def _floor(session_factory: sessionmaker[Session], now: datetime) -> FloorReport | None:
    result = jobs.run_monthly_floor_top_up(now, session_factory=session_factory, settings=SETTINGS)
    assert result.ran
    return result.outcome


def test_the_floor_selects_an_unsampled_lawyers_latest_review_once_its_day_has_come(
    session_factory: sessionmaker[Session],
) -> None:
    march = [datetime(2027, 3, d, 11, 0, tzinfo=UTC) for d in (3, 5, 4)]
    review_ids = _seed_unsampled_lawyer(session_factory, march)

    before = _floor(session_factory, datetime(2027, 3, 14, 12, 0, tzinfo=UTC))
    on_the_day = _floor(session_factory, datetime(2027, 3, 15, 12, 0, tzinfo=UTC))
    next_day = _floor(session_factory, datetime(2027, 3, 16, 12, 0, tzinfo=UTC))

    assert before == FloorReport(months=("2027-03",))
    assert on_the_day == FloorReport(months=("2027-03",), selected=1, assigned=1)
    assert next_day == FloorReport(months=("2027-03",))
    with UnitOfWork(session_factory) as uow:
        decisions = uow.session.scalars(
            select(SamplingDecision).order_by(SamplingDecision.case_review_id)
        ).all()
        inspections = uow.session.scalars(select(Inspection)).all()
        kinds = uow.session.scalars(select(OutboxMessage.kind)).all()
        created = uow.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "inspection.created")
        ).all()
    assert [(d.case_review_id, d.selected, d.rule) for d in decisions] == [
        (review_ids[0], False, "not_selected"),
        (review_ids[1], True, "monthly_floor"),  # completed on the 5th: the latest
        (review_ids[2], False, "not_selected"),
    ]
    assert [(i.case_review_id, i.status) for i in inspections] == [(review_ids[1], "assigned")]
    assert kinds == ["assignment"]
    # The decision taken on arrival stays readable in the audit log, whole.
    assert [d["replaces"] for d in created] == [
        {
            "rule": "not_selected",
            "policy_version": "2026-11-1",
            "selected": False,
            "decided_at": march[1].isoformat(),
        }
    ]


def test_the_floor_catches_up_on_a_month_missed_while_the_bot_was_down(
    session_factory: sessionmaker[Session],
) -> None:
    february = [datetime(2027, 2, 2, 11, 0, tzinfo=UTC), datetime(2027, 2, 8, 11, 0, tzinfo=UTC)]
    review_ids = _seed_unsampled_lawyer(session_factory, february)
    with UnitOfWork(session_factory) as uow:
        record_run(uow.session, jobs.MONTHLY_FLOOR_TOP_UP, datetime(2027, 2, 10, 9, 0, tzinfo=UTC))
        uow.commit()

    report = _floor(session_factory, datetime(2027, 3, 2, 9, 0, tzinfo=UTC))

    assert report == FloorReport(months=("2027-02", "2027-03"), selected=1, assigned=1)
    with UnitOfWork(session_factory) as uow:
        selected = uow.session.scalars(
            select(SamplingDecision.case_review_id).where(SamplingDecision.selected)
        ).all()
    assert selected == [review_ids[1]]


def test_nothing_to_do_still_counts_as_a_run(session_factory: sessionmaker[Session]) -> None:
    now = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
    retry = jobs.run_assignment_retry(now, session_factory=session_factory, settings=SETTINGS)
    floor = _floor(session_factory, now)

    assert retry.ran and retry.outcome is not None and retry.outcome.assigned == 0
    assert floor == FloorReport(months=("2027-03",))
    with UnitOfWork(session_factory) as uow:
        assert last_run(uow.session, jobs.ASSIGNMENT_RETRY) == now


def test_a_floor_review_nobody_can_take_waits_in_the_queue_and_the_admins_hear(
    session_factory: sessionmaker[Session],
) -> None:
    # The only inspector works in the lawyer's own unit, so is not independent of them.
    _seed_unsampled_lawyer(
        session_factory, [datetime(2027, 3, 3, 11, 0, tzinfo=UTC)], inspector_unit="RASSO"
    )

    report = _floor(session_factory, datetime(2027, 3, 15, 12, 0, tzinfo=UTC))
    again = _floor(session_factory, datetime(2027, 3, 16, 12, 0, tzinfo=UTC))

    assert report == FloorReport(months=("2027-03",), selected=1, queued=1)
    assert again == FloorReport(months=("2027-03",))
    with UnitOfWork(session_factory) as uow:
        statuses = uow.session.scalars(select(Inspection.status)).all()
        kinds = uow.session.scalars(select(OutboxMessage.kind)).all()
    assert statuses == ["queued"]
    assert kinds == ["admin_alert"]


def test_the_assignment_retry_job_hands_a_queued_review_to_someone_newly_eligible(
    session_factory: sessionmaker[Session],
) -> None:
    _seed_unsampled_lawyer(
        session_factory, [datetime(2027, 3, 3, 11, 0, tzinfo=UTC)], inspector_unit="RASSO"
    )
    _floor(session_factory, datetime(2027, 3, 15, 12, 0, tzinfo=UTC))
    with UnitOfWork(session_factory) as uow:
        newcomer = add_person(
            uow.session,
            email="newcomer@example.test",
            name="Nia Newcomer",
            roles=["inspector"],
            unit="Magistrates",
            now=datetime(2027, 3, 15, 13, 0, tzinfo=UTC),
        )
        uow.commit()

    retry = jobs.run_assignment_retry(
        datetime(2027, 3, 15, 14, 0, tzinfo=UTC), session_factory=session_factory, settings=SETTINGS
    )

    assert retry.ran and retry.outcome is not None
    assert (retry.outcome.assigned, retry.outcome.still_queued) == (1, 0)
    with UnitOfWork(session_factory) as uow:
        inspection = uow.session.scalars(select(Inspection)).one()
    assert (inspection.status, inspection.inspector_id) == ("assigned", newcomer.id)


def _counting_job(runs: list[datetime], *, hold: threading.Event | None = None) -> PeriodicJob:
    def run(now: datetime) -> None:
        runs.append(now)
        if hold is not None:
            hold.wait(10)

    return PeriodicJob("counted", timedelta(hours=1), run)


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_run_soon_runs_a_job_at_once_off_its_hourly_schedule() -> None:
    runs: list[datetime] = []
    scheduler = Scheduler([_counting_job(runs)])
    scheduler.start()
    try:
        assert _wait_for(lambda: len(runs) == 1)  # the catch-up run at start
        scheduler.run_soon("counted")
        assert _wait_for(lambda: len(runs) == 2, seconds=2.0)
    finally:
        scheduler.shutdown()


def test_run_soon_while_the_job_runs_runs_it_once_more_when_it_ends() -> None:
    runs: list[datetime] = []
    hold = threading.Event()
    scheduler = Scheduler([_counting_job(runs, hold=hold)])
    scheduler.start()
    try:
        assert _wait_for(lambda: len(runs) == 1)  # running, held
        scheduler.run_soon("counted")
        scheduler.run_soon("counted")  # twice while running: one more run covers both
        hold.set()
        assert _wait_for(lambda: len(runs) == 2)
        time.sleep(0.3)
        assert len(runs) == 2
    finally:
        hold.set()
        scheduler.shutdown()


def test_run_soon_before_the_scheduler_starts_does_nothing() -> None:
    runs: list[datetime] = []
    scheduler = Scheduler([_counting_job(runs)])
    scheduler.run_soon("counted")
    assert runs == []


def _double_marking_floor(session_factory: sessionmaker[Session], now: datetime) -> FloorReport:
    policy = dataclasses.replace(load_sampling_policy(), version="2027-03-9", double_mark_rate=1.0)
    return top_up_monthly_floor(
        UnitOfWork(session_factory), now=now, settings=SETTINGS, policy=policy
    )


def test_a_floor_selection_is_double_marked_by_another_inspector_or_waits_quietly(
    session_factory: sessionmaker[Session],
) -> None:
    _seed_unsampled_lawyer(session_factory, [datetime(2027, 3, 3, 11, 0, tzinfo=UTC)])

    report = _double_marking_floor(session_factory, datetime(2027, 3, 15, 12, 0, tzinfo=UTC))

    # Ivy, the only independent inspector, takes the review; its second marking waits for
    # someone else, without an alert to the admins.
    assert report == FloorReport(months=("2027-03",), selected=1, assigned=1)
    with UnitOfWork(session_factory) as uow:
        rows = uow.session.execute(
            select(Inspection.purpose, Inspection.status).order_by(Inspection.id)
        ).all()
        kinds = uow.session.scalars(select(OutboxMessage.kind)).all()
    assert [tuple(r) for r in rows] == [("primary", "assigned"), ("double", "queued")]
    assert kinds == ["assignment"]
    with UnitOfWork(session_factory) as uow:
        add_person(uow.session, email="otto@example.test", name="Otto Other",
                   roles=["inspector"], unit="Magistrates 2",
                   now=datetime(2027, 3, 15, 13, 0, tzinfo=UTC))  # fmt: skip
        uow.commit()

    retry = jobs.run_assignment_retry(
        datetime(2027, 3, 15, 14, 0, tzinfo=UTC), session_factory=session_factory, settings=SETTINGS
    )

    assert retry.outcome is not None and retry.outcome.assigned == 1
    with UnitOfWork(session_factory) as uow:
        holders = uow.session.execute(
            select(Inspection.purpose, Person.email)
            .join(Person, Person.id == Inspection.inspector_id)
            .order_by(Inspection.id)
        ).all()
    assert [tuple(h) for h in holders] == [
        ("primary", "inspector@example.test"),
        ("double", "otto@example.test"),
    ]
