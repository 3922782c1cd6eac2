"""`dipsample inspections list`: every sampled review, assigned or still queued."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.bootstrap import unit_of_work
from bot.cli.actor import cli_actor
from bot.clock import system_clock
from bot.settings import Settings
from inspections.lifecycle import STATUSES
from storage import audit
from storage.inspections_repo import InspectionListing, listing

HEADINGS = ("URN", "REVIEW TYPE", "LAWYER", "INSPECTOR", "STATUS", "DUE", "RULE")


def list_inspections(args: argparse.Namespace, settings: Settings) -> int:
    if args.status is not None and args.status not in STATUSES:
        print(
            f"unknown status {args.status!r}: use one of {', '.join(STATUSES)}",
            file=sys.stderr,
        )
        return 2
    with unit_of_work(settings.database_url) as uow:
        found = listing(uow.session, args.status)
        # The list discloses URNs and lawyers' emails: audited in the same transaction.
        audit.record(
            uow.session,
            actor=cli_actor(),
            action="inspections.listed",
            entity_type="inspection_list",
            entity_id=args.status or "all",
            details={"status": args.status, "rows": len(found), "format": args.format},
            now=system_clock(),
        )
        uow.commit()
    if args.format == "json":
        print(json.dumps([as_json(item) for item in found], indent=2))
    else:
        print(as_table(found, settings.timezone))
    return 0


def as_json(item: InspectionListing) -> dict[str, str | None]:
    return {
        "urn": item.urn,
        "review_type": item.review_type,
        "lawyer_email": item.lawyer_email,
        "inspector_email": item.inspector_email,
        "status": item.status,
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "rule": item.rule,
    }


def as_table(items: Sequence[InspectionListing], tz: ZoneInfo) -> str:
    if not items:
        return "No sampled reviews."
    rows = [
        (
            item.urn,
            item.review_type,
            item.lawyer_email,
            item.inspector_email or "",
            item.status,
            item.due_at.astimezone(tz).isoformat(timespec="minutes") if item.due_at else "",
            item.rule,
        )
        for item in items
    ]
    widths = [max(len(row[i]) for row in [HEADINGS, *rows]) for i in range(len(HEADINGS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [HEADINGS, *rows]
    ]
    return "\n".join(lines)
