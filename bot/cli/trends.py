"""`dipsample trends`: the trend summary as a table, CSV or JSON, and optionally the chart.

Without --area or --unit the scope is national; without --from and --to the period is the
current quarter. --from and --to are days, both included. Groups of fewer than 5 inspections
show as "fewer than 5", as they do in Slack.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.bootstrap import unit_of_work
from bot.cli.actor import cli_actor
from bot.clock import system_clock
from bot.services.trends.charts import trend_chart
from bot.services.trends.engine import section_series, summarise
from bot.services.trends.export import as_csv, as_json, as_table
from bot.services.trends.summary import chart_data
from bot.settings import Settings
from inspections.periods import (
    BadPeriod,
    Period,
    PeriodKind,
    parse_day,
    parse_period,
    quarter_of,
    range_period,
)
from inspections.scopes import Scope, ScopeKind, ScopeRefused, canonical_area
from storage import audit

RENDERERS = {"table": as_table, "csv": as_csv, "json": as_json}


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        scope = scope_of(args.area, args.unit)
        period = period_of(args.date_from, args.date_to, settings)
    except (BadPeriod, ScopeRefused) as bad:
        print(f"dipsample trends: {bad}", file=sys.stderr)
        return 2
    # Refuse a chart path that cannot be written before anything is read, printed or audited.
    if args.chart and (problem := chart_path_problem(Path(args.chart))):
        chart_refused(args.chart, problem)
        return 2
    with unit_of_work(settings.database_url) as uow:
        tz = settings.timezone
        summary = summarise(
            uow.session, scope=scope, period=period, review_type=args.review_type, tz=tz
        )
        series = None
        if args.chart:
            series = section_series(
                uow.session, scope=scope, period=period, review_type=args.review_type, tz=tz
            )
        audit.record(
            uow.session,
            actor=cli_actor(),
            action="trends.exported",
            entity_type="trend_scope",
            entity_id=scope.label,
            details={"period": period.label, "format": args.format, "chart": bool(args.chart)},
            now=system_clock(),
        )
        uow.commit()
    sys.stdout.write(RENDERERS[args.format](summary))
    if series is not None:
        try:
            Path(args.chart).write_bytes(trend_chart(chart_data(summary, series)))
        except OSError as error:  # what the path check cannot foresee: permissions, a full disk
            chart_refused(args.chart, error.strerror or str(error))
            return 1
        print(f"chart written to {args.chart}", file=sys.stderr)
    return 0


def chart_path_problem(path: Path) -> str | None:
    if path.is_dir():
        return "it is a directory"
    if not path.parent.is_dir():
        return f"there is no directory {path.parent}"
    return None


def chart_refused(chart: str, why: str) -> None:
    print(f"dipsample trends: cannot write the chart to {chart}: {why}", file=sys.stderr)


def scope_of(area: str | None, unit: str | None) -> Scope:
    if unit:
        found = canonical_area(area) if area else None
        return Scope(ScopeKind.UNIT, unit.strip(), area=found, unit=unit.strip())
    if area:
        found = canonical_area(area)
        return Scope(ScopeKind.AREA, found, area=found)
    return Scope(ScopeKind.NATIONAL, "National")


def period_of(first: str | None, last: str | None, settings: Settings) -> Period:
    today = system_clock().astimezone(settings.timezone).date()
    if first is None and last is None:
        return quarter_of(today)
    end = parse_day(last) if last else today
    start = parse_day(first) if first else quarter_of(end).start
    return range_period(start, end)


def quarter_named(text: str, settings: Settings) -> Period:
    """The quarter a command was given (`2026-Q1`, `last-quarter`); BadPeriod for a period
    that is not a quarter."""
    today = system_clock().astimezone(settings.timezone).date()
    found = parse_period(text, today=today)
    if found.kind is not PeriodKind.QUARTER:
        raise BadPeriod(f"{text!r} is not a quarter, e.g. 2026-Q1")
    return found
