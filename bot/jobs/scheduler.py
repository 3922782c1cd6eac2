"""Wiring only: APScheduler runs the fixed periodic jobs of bot.jobs.periodic with the
injected clock.

Jobs live in memory (no pickled job state): everything a job needs to resume is in our own
tables. Times are UTC here and nowhere else configured. A job that is still running when its
next turn comes is not started twice (max_instances=1); missed turns collapse into one
(coalesce), which is enough because every job works from what the database says is due.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.clock import Clock, system_clock
from bot.jobs import periodic as jobs
from bot.settings import Settings

log = logging.getLogger(__name__)

MISFIRE_GRACE = timedelta(seconds=30)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[datetime], object]  # called with the clock's now


@dataclass(frozen=True)
class Intervals:
    outbox_dispatch: timedelta = timedelta(seconds=5)
    reminder_sweep: timedelta = timedelta(minutes=1)
    assignment_retry: timedelta = timedelta(minutes=5)
    monthly_floor_top_up: timedelta = timedelta(hours=1)
    reports: timedelta = timedelta(minutes=5)  # each report decides for itself whether it is due
    slack_id_resolution: timedelta = timedelta(hours=1)
    intervention_escalation: timedelta = timedelta(minutes=5)


def standard_jobs(
    *,
    settings: Settings,
    session_factory: Callable[[], Session],
    client: WebClient | None,
    outbox_client: WebClient | None = None,
    intervals: Intervals | None = None,
) -> list[PeriodicJob]:
    """The bot's jobs; without a Slack client the outbox waits (e.g. `dipsample` without a
    token), and the rest still runs. The outbox sends with ``outbox_client`` when given (see
    bot.slack.client.make_outbox_client), else with ``client``."""
    every = intervals or Intervals()
    found = [
        PeriodicJob(
            jobs.REMINDER_SWEEP,
            every.reminder_sweep,
            lambda now: jobs.run_reminder_sweep(
                now, session_factory=session_factory, settings=settings
            ),
        ),
        PeriodicJob(
            jobs.ASSIGNMENT_RETRY,
            every.assignment_retry,
            lambda now: jobs.run_assignment_retry(
                now, session_factory=session_factory, settings=settings
            ),
        ),
        PeriodicJob(
            jobs.MONTHLY_FLOOR_TOP_UP,
            every.monthly_floor_top_up,
            lambda now: jobs.run_monthly_floor_top_up(
                now, session_factory=session_factory, settings=settings
            ),
        ),
        PeriodicJob(
            jobs.WEEKLY_DIGEST,
            every.reports,
            lambda now: jobs.run_weekly_digest(
                now, session_factory=session_factory, settings=settings
            ),
        ),
        PeriodicJob(
            jobs.INTERVENTION_ESCALATION,
            every.intervention_escalation,
            lambda now: jobs.run_intervention_escalation(
                now, session_factory=session_factory, settings=settings
            ),
        ),
        PeriodicJob(
            jobs.RJOIM_REMINDERS,
            every.reports,
            lambda now: jobs.run_rjoim_reminders(
                now, session_factory=session_factory, settings=settings
            ),
        ),
        PeriodicJob(
            jobs.CALIBRATION_RESULTS,
            every.assignment_retry,
            lambda now: jobs.run_calibration_results(
                now, session_factory=session_factory, settings=settings
            ),
        ),
        PeriodicJob(
            jobs.BOARD_PACK,
            every.reports,
            lambda now: jobs.run_board_pack(
                now, session_factory=session_factory, settings=settings
            ),
        ),
        PeriodicJob(
            jobs.QUARTERLY_PACK,
            every.reports,
            lambda now: jobs.run_quarterly_packs(
                now, session_factory=session_factory, settings=settings
            ),
        ),
    ]
    if client is not None:
        found.append(
            PeriodicJob(
                jobs.SLACK_ID_RESOLUTION,
                every.slack_id_resolution,
                lambda now: jobs.run_slack_id_resolution(
                    now, session_factory=session_factory, client=client
                ),
            )
        )
        found.append(
            PeriodicJob(
                jobs.OUTBOX_DISPATCH,
                every.outbox_dispatch,
                lambda now: jobs.run_outbox_dispatch(
                    now, session_factory=session_factory, client=outbox_client or client
                ),
            )
        )
    return found


class Scheduler:
    def __init__(
        self,
        periodic: Sequence[PeriodicJob],
        *,
        clock: Clock = system_clock,
        misfire_grace: timedelta = MISFIRE_GRACE,
    ) -> None:
        names = [job.name for job in periodic]
        if len(set(names)) != len(names):
            raise ValueError(f"job names must be unique: {names}")
        self._jobs = {job.name: job for job in periodic}
        self._clock = clock
        self._lock = threading.Lock()
        self._running: set[str] = set()
        self._again: set[str] = set()
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(max_workers=max(1, len(periodic)))},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": max(1, int(misfire_grace.total_seconds())),
            },
        )
        for job in periodic:
            self._scheduler.add_job(
                self._fire,
                trigger="interval",
                seconds=job.every.total_seconds(),
                args=[job.name],
                id=job.name,
                name=job.name,
                # First run at start-up, to catch up with whatever fell due while stopped.
                next_run_time=datetime.now(UTC),
            )

    @property
    def job_names(self) -> list[str]:
        return list(self._jobs)

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        self._scheduler.start()

    def shutdown(self, *, wait: bool = True) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=wait)

    def run_soon(self, name: str) -> None:
        """Run the job at once, off its schedule (the outbox when a commit wrote a message); if
        it is running, once more as soon as it ends, so what prompted this is not missed."""
        if self._scheduler.running:
            self._scheduler.add_job(
                self._fire,
                args=[name],
                id=f"{name}:soon",
                replace_existing=True,
                # Each one only asks _fire; one arriving while another runs must not be dropped.
                max_instances=3,
                misfire_grace_time=None,
            )

    def run_now(self, name: str) -> object:
        """Run one job in the calling thread, as its schedule would (for the CLI and demo)."""
        return self._jobs[name].run(self._clock())

    def _fire(self, name: str) -> None:
        """Runs the job, never twice at once: asked while it runs, it runs once more after."""
        with self._lock:
            if name in self._running:
                self._again.add(name)
                return
            self._running.add(name)
        while True:
            try:
                self._jobs[name].run(self._clock())
            except Exception:
                # Logged and left for the next turn: a job works from the database, so a failed
                # run loses nothing, and one broken job must not stop the others.
                log.exception("periodic job %s failed", name)
            with self._lock:
                if name not in self._again:
                    self._running.discard(name)
                    return
                self._again.discard(name)
