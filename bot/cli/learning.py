"""`dipsample learning export --quarter Q [--area A] --format csv|json`: the learning-programme
feed, anonymised."""

from __future__ import annotations

import argparse
import sys

from bot.bootstrap import unit_of_work
from bot.cli.actor import cli_actor
from bot.cli.trends import quarter_named
from bot.clock import system_clock
from bot.services.trends.learning import as_csv, as_json, learning_feed
from bot.settings import Settings
from inspections.periods import BadPeriod
from inspections.scopes import ScopeRefused, canonical_area


def export(args: argparse.Namespace, settings: Settings) -> int:
    try:
        area = canonical_area(args.area) if args.area else None
        quarter = quarter_named(args.quarter, settings)
    except (BadPeriod, ScopeRefused) as bad:
        print(f"dipsample learning export: {bad}", file=sys.stderr)
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
