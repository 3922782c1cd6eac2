"""`dipsample learning export --quarter Q [--area A] --format csv|json`: the learning-programme
feed, anonymised."""

from __future__ import annotations

import argparse
import sys

from bot.bootstrap import unit_of_work
from bot.cli.actor import cli_actor
from bot.clock import system_clock
from bot.services.trends.learning import as_csv, as_json, learning_feed
from bot.settings import Settings
from inspections.periods import BadPeriod, PeriodKind, parse_period
from inspections.scopes import ScopeRefused, canonical_area


def export(args: argparse.Namespace, settings: Settings) -> int:
    try:
        area = canonical_area(args.area) if args.area else None
        today = system_clock().astimezone(settings.timezone).date()
        quarter = parse_period(args.quarter, today=today)
    except (BadPeriod, ScopeRefused) as bad:
        print(f"dipsample learning export: {bad}", file=sys.stderr)
        return 2
    if quarter.kind is not PeriodKind.QUARTER:
        print(
            f"dipsample learning export: {args.quarter!r} is not a quarter, e.g. 2026-Q1",
            file=sys.stderr,
        )
        return 2
    with unit_of_work(settings.database_url) as uow:
        feed = learning_feed(
            uow,
            quarter=quarter,
            area=area,
            tz=settings.timezone,
            actor=cli_actor(),
            now=system_clock(),
        )
    sys.stdout.write(as_json(feed) if args.format == "json" else as_csv(feed))
    return 0
