"""`dipsample jobs list|run`: the periodic jobs, and running them once now or as of a given
time, with the scheduler's idempotence and locking (each runs as a singleton)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, is_dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import open_database
from bot.clock import system_clock
from bot.jobs.periodic import JobResult
from bot.jobs.scheduler import PeriodicJob, standard_jobs
from bot.settings import Settings
from bot.slack.client import make_outbox_client, make_web_client


def list_jobs(args: argparse.Namespace, settings: Settings) -> int:
    for job in _jobs(settings, None):
        print(f"{job.name}  every {job.every}")
    if not settings.slack_bot_token:
        print("(without SLACK_BOT_TOKEN: no outbox dispatch or Slack id resolution)")
    return 0


def run_jobs(args: argparse.Namespace, settings: Settings) -> int:
    try:
        now = datetime.fromisoformat(args.now) if args.now else system_clock()
    except ValueError:
        print(f"--now {args.now!r} is not an ISO 8601 time", file=sys.stderr)
        return 2
    if now.tzinfo is None or now.utcoffset() is None:
        print(f"--now {args.now!r} has no time zone (add Z or +01:00)", file=sys.stderr)
        return 2
    with open_database(settings.database_url) as database:
        jobs = {job.name: job for job in _jobs(settings, database.sessions)}
        unknown = [name for name in args.names if name not in jobs]
        if unknown:
            print(f"no job {', '.join(unknown)}: the jobs are {', '.join(jobs)}", file=sys.stderr)
            return 2
        for name in args.names or list(jobs):
            result = jobs[name].run(now)
            print(f"{name}: {_said(result)}")
    return 0


def _jobs(settings: Settings, sessions: sessionmaker[Session] | None) -> list[PeriodicJob]:
    """The jobs `serve` runs; listing them needs no database (their sessions are never made)."""
    client = make_web_client(settings) if settings.slack_bot_token else None
    outbox_client = make_outbox_client(settings) if settings.slack_bot_token else None
    return standard_jobs(
        settings=settings,
        session_factory=sessions or sessionmaker(),
        client=client,
        outbox_client=outbox_client,
    )


def _said(result: object) -> str:
    if isinstance(result, JobResult):
        if not result.ran:
            return "skipped: another instance is running it"
        outcome = result.outcome
        if is_dataclass(outcome) and not isinstance(outcome, type):
            fields = ", ".join(f"{k} {v}" for k, v in asdict(outcome).items())
            return f"ran ({fields})" if fields else "ran"
        return "ran"
    return "ran"
