"""`dipsample cases import FILE.csv`: store completed reviews and sample each at once."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.bootstrap import unit_of_work
from bot.cli.csv_input import UnreadableFile, print_problems, read_table
from bot.services.intake.policy_file import InvalidSamplingPolicy
from bot.services.intake.reviews import IntakeReport, Progress, ingest_reviews, validate_reviews
from bot.services.intake.sampling import policy_from_settings
from bot.settings import Settings
from inspections.intake import CASE_COLUMNS, OPTIONAL_CASE_COLUMNS
from storage.sampling_policies import PolicyVersionConflict

PROGRESS_EVERY = 2000  # rows; smaller imports finish before progress would help


def import_cases(args: argparse.Namespace, settings: Settings) -> int:
    try:
        table = read_table(args.file, CASE_COLUMNS, OPTIONAL_CASE_COLUMNS)
        policy = policy_from_settings(settings)
    except UnreadableFile as error:
        print(error, file=sys.stderr)
        return 1
    except InvalidSamplingPolicy as invalid:
        print(f"The sampling policy is not valid:\n{invalid}", file=sys.stderr)
        return 1
    if table.problems:
        print_problems(args.file, table.problems, what="case reviews")
        return 1
    try:
        with unit_of_work(settings.database_url) as uow:
            rows, problems = validate_reviews(uow.session, table.rows)
            if problems:
                print_problems(args.file, problems, what="case reviews")
                return 1
            report = ingest_reviews(
                uow,
                rows,
                policy=policy,
                settings=settings,
                now=datetime.now(UTC),
                source=f"csv:{Path(args.file).name}",
                progress=_progress_printer() if len(rows) > PROGRESS_EVERY else None,
                batch_size=PROGRESS_EVERY,
            )
    except PolicyVersionConflict as conflict:
        print(f"{args.file}: {conflict} Nothing was imported.", file=sys.stderr)
        return 1
    print(summary(args.file, report, policy.version))
    return 0


def summary(source: str, report: IntakeReport, policy_version: str) -> str:
    rules = ", ".join(f"{rule} {count}" for rule, count in sorted(report.by_rule.items()))
    return (
        f"{source}: {report.received} reviews received, {report.created} new, "
        f"{report.skipped} already stored.\n"
        f"Sampled under policy {policy_version}: {report.selected} selected "
        f"({rules or 'none new'}); {report.assigned} assigned, {report.queued} waiting for "
        f"an eligible inspector."
    )


def _progress_printer() -> Progress:
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        print(
            f"  {done:,} of {total:,} reviews stored and sampled ({elapsed:.1f} s)", file=sys.stderr
        )

    return show
