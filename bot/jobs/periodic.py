"""The periodic jobs: plain functions of `now` and their dependencies, idempotent.

Each runs as a singleton: on PostgreSQL a transaction-scoped advisory lock is held for the
job's duration (another instance finding it taken skips its turn), and the run is recorded in
job_runs when it finishes. The work itself uses its own short transactions, so the lock's
transaction only holds the lock and the bookkeeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.jobs.outbox import DEFAULT_BATCH, DispatchReport, dispatch_due
from bot.services.assignment.assign import RetryOutcome, retry_queued_assignments
from bot.services.assignment.reminders import SweepReport, sweep_reminders
from bot.services.consistency.calibration_results import send_due_results
from bot.services.intake.floor import FloorReport, top_up_monthly_floor
from bot.services.interventions.escalation import EscalationReport, escalate_unacknowledged
from bot.services.people.directory import SlackResolution, resolve_slack_ids
from bot.services.rjoim.reminders import ReminderRun, remind_action_owners
from bot.services.trends.reports import ReportRun, board_packs, quarterly_packs, weekly_digests
from bot.settings import Settings
from storage.locks import last_run, record_run, singleton
from storage.uow import UnitOfWork

OUTBOX_DISPATCH = "outbox-dispatch"
REMINDER_SWEEP = "reminder-sweep"
ASSIGNMENT_RETRY = "assignment-retry"
MONTHLY_FLOOR_TOP_UP = "monthly-floor-top-up"
WEEKLY_DIGEST = "weekly-digest"
QUARTERLY_PACK = "quarterly-apr-pack"
BOARD_PACK = "quarterly-board-pack"
SLACK_ID_RESOLUTION = "slack-id-resolution"
INTERVENTION_ESCALATION = "intervention-escalation"
CALIBRATION_RESULTS = "calibration-results"
RJOIM_REMINDERS = "rjoim-action-reminders"

T = TypeVar("T")
SessionFactory = Callable[[], Session]


@dataclass(frozen=True)
class JobResult(Generic[T]):
    name: str
    ran: bool  # False when another instance was running the job: it skipped its turn
    outcome: T | None = None


def run_outbox_dispatch(
    now: datetime,
    *,
    session_factory: SessionFactory,
    client: WebClient,
    batch: int = DEFAULT_BATCH,
) -> JobResult[DispatchReport]:
    return _as_singleton(
        OUTBOX_DISPATCH,
        now,
        session_factory,
        lambda _since: dispatch_due(session_factory, client, now=now, batch=batch),
    )


def run_reminder_sweep(
    now: datetime, *, session_factory: SessionFactory, settings: Settings
) -> JobResult[SweepReport]:
    return _as_singleton(
        REMINDER_SWEEP,
        now,
        session_factory,
        lambda _since: sweep_reminders(
            UnitOfWork(session_factory), now=now, timezone=settings.timezone.key
        ),
    )


def run_assignment_retry(
    now: datetime, *, session_factory: SessionFactory, settings: Settings
) -> JobResult[RetryOutcome]:
    def work(_since: datetime | None) -> RetryOutcome:
        return retry_queued_assignments(UnitOfWork(session_factory), now=now, settings=settings)

    return _as_singleton(ASSIGNMENT_RETRY, now, session_factory, work)


def run_monthly_floor_top_up(
    now: datetime, *, session_factory: SessionFactory, settings: Settings
) -> JobResult[FloorReport]:
    def work(since: datetime | None) -> FloorReport:
        return top_up_monthly_floor(
            UnitOfWork(session_factory), now=now, since=since, settings=settings
        )

    return _as_singleton(MONTHLY_FLOOR_TOP_UP, now, session_factory, work)


def run_weekly_digest(
    now: datetime, *, session_factory: SessionFactory, settings: Settings
) -> JobResult[ReportRun]:
    """Due from Monday 09:00 local time; enqueues each manager's digest once per week."""
    return _as_singleton(
        WEEKLY_DIGEST,
        now,
        session_factory,
        lambda _since: weekly_digests(UnitOfWork(session_factory), now=now, tz=settings.timezone),
    )


def run_quarterly_packs(
    now: datetime, *, session_factory: SessionFactory, settings: Settings
) -> JobResult[ReportRun]:
    """Due from 09:00 on the first working day after a quarter; each lead's pack once."""
    return _as_singleton(
        QUARTERLY_PACK,
        now,
        session_factory,
        lambda _since: quarterly_packs(UnitOfWork(session_factory), now=now, tz=settings.timezone),
    )


def run_intervention_escalation(
    now: datetime, *, session_factory: SessionFactory, settings: Settings
) -> JobResult[EscalationReport]:
    """Interventions unacknowledged for the working hours allowed go to the Area's Chief Crown
    Prosecutor, or the national leads."""
    return _as_singleton(
        INTERVENTION_ESCALATION,
        now,
        session_factory,
        lambda _since: escalate_unacknowledged(
            UnitOfWork(session_factory),
            now=now,
            tz=settings.timezone,
            within_hours=settings.acknowledge_within_hours,
        ),
    )


def run_rjoim_reminders(
    now: datetime, *, session_factory: SessionFactory, settings: Settings
) -> JobResult[ReminderRun]:
    """Owners of open RJOIM actions reminded once, the working day before each is due."""
    return _as_singleton(
        RJOIM_REMINDERS,
        now,
        session_factory,
        lambda _since: remind_action_owners(
            UnitOfWork(session_factory), now=now, tz=settings.timezone
        ),
    )


def run_board_pack(
    now: datetime, *, session_factory: SessionFactory, settings: Settings
) -> JobResult[ReportRun]:
    """Due with the APR packs; the national board pack to each national lead and CCP once."""
    return _as_singleton(
        BOARD_PACK,
        now,
        session_factory,
        lambda _since: board_packs(UnitOfWork(session_factory), now=now, tz=settings.timezone),
    )


def run_calibration_results(
    now: datetime, *, session_factory: SessionFactory, settings: Settings
) -> JobResult[int]:
    """Calibration exercises past their due time: the results, with what was submitted."""
    return _as_singleton(
        CALIBRATION_RESULTS,
        now,
        session_factory,
        lambda _since: send_due_results(UnitOfWork(session_factory), now=now),
    )


def run_slack_id_resolution(
    now: datetime, *, session_factory: SessionFactory, client: WebClient
) -> JobResult[SlackResolution]:
    """People imported while Slack could not be reached (or before they joined it) get their
    Slack id by email once Slack knows them; until then they are kept and retried."""
    return _as_singleton(
        SLACK_ID_RESOLUTION,
        now,
        session_factory,
        lambda _since: resolve_slack_ids(UnitOfWork(session_factory), client, now=now),
    )


def _as_singleton(
    name: str,
    now: datetime,
    session_factory: SessionFactory,
    work: Callable[[datetime | None], T],
) -> JobResult[T]:
    """Run work(previous run time) unless another instance holds the job; record the run."""
    with UnitOfWork(session_factory) as guard, singleton(guard.session, name) as acquired:
        if not acquired:
            return JobResult(name, ran=False)
        # Read apart from the guard: on SQLite the guard's first query would take the write
        # lock (BEGIN IMMEDIATE) and hold it against the job's own transactions.
        with UnitOfWork(session_factory) as reader:
            since = last_run(reader.session, name)
        outcome = work(since)
        record_run(guard.session, name, now)
        guard.commit()
    return JobResult(name, ran=True, outcome=outcome)
