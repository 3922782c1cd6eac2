"""`dipsample board --quarter Q [--format csv|json|pdf] [--out DIR]`: every Area and CPS Direct
side by side for the Rape Casework Board, with the funnel plot (written to DIR with the CSV)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.bootstrap import unit_of_work
from bot.cli.actor import cli_actor
from bot.cli.trends import quarter_named
from bot.clock import system_clock
from bot.services.trends.apr_document import board_pdf
from bot.services.trends.board import as_csv, as_json, board_lines, board_pack, funnel_png
from bot.settings import Settings
from inspections.periods import BadPeriod


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        quarter = quarter_named(args.quarter, settings)
    except BadPeriod as bad:
        print(f"dipsample board: {bad}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else None
    if out is not None and not out.is_dir():
        print(f"dipsample board: {args.out!r} is not a directory", file=sys.stderr)
        return 2
    if args.format == "pdf" and out is None:
        print(
            "dipsample board: --format pdf writes to a directory: give --out DIR", file=sys.stderr
        )
        return 2
    with unit_of_work(settings.database_url) as uow:
        pack = board_pack(
            uow, quarter=quarter, tz=settings.timezone, actor=cli_actor(), now=system_clock()
        )
    stem = f"board-{quarter.label}"
    chart = funnel_png(pack)
    if args.format == "pdf" and out is not None:
        pdf = board_pdf(quarter.label, board_lines(pack), chart)
        (out / f"{stem}.pdf").write_bytes(pdf)
        print(f"{out / f'{stem}.pdf'}: {len(pdf):,} bytes")
    else:
        text = as_json(pack) if args.format == "json" else as_csv(pack)
        sys.stdout.write(text)
        if out is not None:
            (out / f"{stem}.{args.format}").write_text(text, encoding="utf-8")
    if out is not None and chart is not None:
        (out / f"{stem}-funnel.png").write_bytes(chart)
    return 0
