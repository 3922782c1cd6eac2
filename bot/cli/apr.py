"""`dipsample apr --area A --quarter 2026-Q1 [--format csv|json]`: the Area Performance Review
pack's metrics, one row per metric per review type (tidy), with 95% intervals for shares."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from bot.bootstrap import unit_of_work
from bot.cli.actor import cli_actor
from bot.clock import system_clock
from bot.services.trends.apr import apr_metrics, as_csv
from bot.settings import Settings
from inspections.periods import BadPeriod, PeriodKind, parse_period
from inspections.scopes import ScopeRefused, canonical_area


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        area = canonical_area(args.area)
        today = system_clock().astimezone(settings.timezone).date()
        quarter = parse_period(args.quarter, today=today)
    except (BadPeriod, ScopeRefused) as bad:
        print(f"dipsample apr: {bad}", file=sys.stderr)
        return 2
    if quarter.kind is not PeriodKind.QUARTER:
        print(f"dipsample apr: {args.quarter!r} is not a quarter, e.g. 2026-Q1", file=sys.stderr)
        return 2
    with unit_of_work(settings.database_url) as uow:
        rows = apr_metrics(
            uow,
            area=area,
            quarter=quarter,
            tz=settings.timezone,
            actor=cli_actor(),
            now=system_clock(),
        )
    if args.format == "json":
        document = {"area": area, "quarter": quarter.label, "metrics": [asdict(r) for r in rows]}
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        sys.stdout.write(as_csv(rows, area, quarter.label))
    return 0
