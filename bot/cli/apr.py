"""`dipsample apr --area A --quarter 2026-Q1 [--format csv|json]`: the Area Performance Review
pack's metrics, one row per metric per review type (tidy), with 95% intervals for shares."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from bot.bootstrap import unit_of_work
from bot.cli.actor import cli_actor
from bot.cli.trends import quarter_named
from bot.clock import system_clock
from bot.services.trends.apr import apr_metrics, as_csv
from bot.services.trends.apr_pack import apr_document, exported_apr
from bot.settings import Settings
from inspections.periods import BadPeriod
from inspections.scopes import ScopeRefused, canonical_area


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        area = canonical_area(args.area)
        quarter = quarter_named(args.quarter, settings)
    except (BadPeriod, ScopeRefused) as bad:
        print(f"dipsample apr: {bad}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else None
    if args.format == "pdf" and (out is None or not out.is_dir()):
        print("dipsample apr: --format pdf writes to a directory: give --out DIR", file=sys.stderr)
        return 2
    if args.format == "pdf" and out is not None:
        with unit_of_work(settings.database_url) as uow:
            figures = exported_apr(
                uow, area=area, quarter=quarter, tz=settings.timezone, actor=cli_actor(),
                now=system_clock(),
            )  # fmt: skip
        pdf = apr_document(figures)
        path = out / f"{figures.stem}.pdf"
        path.write_bytes(pdf)
        print(f"{path}: {len(pdf):,} bytes")
        return 0
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
