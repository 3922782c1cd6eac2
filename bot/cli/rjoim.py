"""`dipsample rjoim agenda`: an Area's RJOIM agenda, by police force, as a table, CSV or
JSON; `dipsample rjoim export`: the meeting record (or the next agenda with the open actions);
`dipsample rjoim return`: the quarterly return of cases with two or more action plans.
`--police-safe` leaves out lawyers, units and marks, for the joint meeting."""

from __future__ import annotations

import argparse
import sys

from bot.bootstrap import unit_of_work
from bot.cli.actor import cli_actor
from bot.cli.trends import period_of, quarter_named
from bot.clock import system_clock
from bot.services.rjoim import export, record_files
from bot.services.rjoim import quarterly_return as returns
from bot.services.rjoim.agenda import agenda_export
from bot.services.rjoim.quarterly_return import quarterly_return
from bot.services.rjoim.record_export import ExportProblem, record_document
from bot.settings import Settings
from inspections.forces import force_problem
from inspections.periods import BadPeriod
from inspections.scopes import ScopeRefused, canonical_area


def agenda(args: argparse.Namespace, settings: Settings) -> int:
    try:
        area = canonical_area(args.area)
        period = period_of(args.date_from, args.date_to, settings)
    except (BadPeriod, ScopeRefused) as bad:
        print(f"dipsample rjoim agenda: {bad}", file=sys.stderr)
        return 2
    if args.force is not None and (problem := force_problem(args.force)):
        print(f"dipsample rjoim agenda: {problem}", file=sys.stderr)
        return 2
    with unit_of_work(settings.database_url) as uow:
        cases, questions = agenda_export(
            uow,
            actor=cli_actor(),
            area=area,
            force=args.force,
            period=period,
            tz=settings.timezone,
            police_safe=args.police_safe,
            now=system_clock(),
        )
    rows = export.agenda_rows(cases, questions, police_safe=args.police_safe, tz=settings.timezone)
    header = export.columns(questions, police_safe=args.police_safe)
    if args.format == "csv":
        sys.stdout.write(export.as_csv(rows, header))
    elif args.format == "json":
        sys.stdout.write(export.as_json(rows))
    else:
        sys.stdout.write(export.as_table(rows, header))
    return 0


def export_record(args: argparse.Namespace, settings: Settings) -> int:
    """`dipsample rjoim export`: the RJOIM record, CPS or police-safe, as CSV, JSON or PDF."""
    try:
        area = canonical_area(args.area)
    except ScopeRefused as bad:
        print(f"dipsample rjoim export: {bad}", file=sys.stderr)
        return 2
    if args.force is not None and (problem := force_problem(args.force)):
        print(f"dipsample rjoim export: {problem}", file=sys.stderr)
        return 2
    try:
        with unit_of_work(settings.database_url) as uow:
            document = record_document(
                uow,
                actor=cli_actor(),
                area=area,
                force=args.force,
                meeting_id=args.meeting,
                police_safe=args.police_safe,
                now=system_clock(),
                tz=settings.timezone,
            )
    except ExportProblem as bad:
        print(f"dipsample rjoim export: {bad}", file=sys.stderr)
        return 2
    if args.format == "pdf":
        sys.stdout.flush()
        sys.stdout.buffer.write(record_files.as_pdf(document))
        sys.stdout.buffer.flush()
    elif args.format == "json":
        sys.stdout.write(record_files.as_json(document))
    else:
        sys.stdout.write(record_files.as_csv(document))
    return 0


def quarterly(args: argparse.Namespace, settings: Settings) -> int:
    """`dipsample rjoim return`: the quarter's cases with two or more action plans, by force,
    with the narrative theme recorded for each (001 Rec 4)."""
    try:
        area = canonical_area(args.area)
        quarter = quarter_named(args.quarter, settings)
    except (BadPeriod, ScopeRefused) as bad:
        print(f"dipsample rjoim return: {bad}", file=sys.stderr)
        return 2
    with unit_of_work(settings.database_url) as uow:
        document = quarterly_return(
            uow,
            actor=cli_actor(),
            area=area,
            quarter=quarter,
            now=system_clock(),
            tz=settings.timezone,
        )
    if args.format == "json":
        sys.stdout.write(returns.as_json(document))
    else:
        sys.stdout.write(returns.as_csv(document))
    return 0
