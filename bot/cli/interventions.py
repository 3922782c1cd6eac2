"""`dipsample interventions list`: every intervention (a safeguard or decision alert with its
life), with when it was raised, acknowledged and closed and how long each took. It names
URNs and lawyers, so it is audited."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from bot.bootstrap import unit_of_work
from bot.cli.actor import cli_actor
from bot.clock import system_clock
from bot.settings import Settings
from inspections.areas import AREAS
from inspections.interventions import Record, Stage
from storage import audit, interventions_repo

HEADINGS = ("URN", "AREA", "LAWYER", "QUESTION", "STATUS", "RAISED", "ACKNOWLEDGED", "CLOSED")


def list_interventions(args: argparse.Namespace, settings: Settings) -> int:
    stages = [s.value for s in Stage]
    if args.status is not None and args.status not in stages:
        print(f"unknown status {args.status!r}: use one of {', '.join(stages)}", file=sys.stderr)
        return 2
    if args.area is not None and args.area not in AREAS:
        print(f"unknown Area {args.area!r}", file=sys.stderr)
        return 2
    with unit_of_work(settings.database_url) as uow:
        rows = [
            _item(alert, urn, area, email)
            for alert, urn, area, _name, email in interventions_repo.listing(
                uow.session, area=args.area
            )
        ]
        rows = [r for r in rows if args.status is None or r["status"] == args.status]
        audit.record(
            uow.session,
            actor=cli_actor(),
            action="interventions.listed",
            entity_type="intervention_list",
            entity_id=args.area or "all",
            details={"status": args.status, "area": args.area, "rows": len(rows)},
            now=system_clock(),
        )
        uow.commit()
    if args.format == "json":
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("No interventions.")
    else:
        print(_table(rows, settings))
    return 0


def _item(alert: Any, urn: str, area: str, email: str) -> dict[str, Any]:
    record = Record(alert.raised_at, alert.acknowledged_at, alert.closed_at)

    def minutes(end: datetime | None) -> float | None:
        return None if end is None else round((end - alert.raised_at).total_seconds() / 60, 1)

    return {
        "id": alert.id,
        "urn": urn,
        "area": area,
        "lawyer_email": email,
        "question_id": alert.question_id,
        "status": record.stage.value,
        "raised_at": alert.raised_at.isoformat(),
        "acknowledged_at": _iso(alert.acknowledged_at),
        "closed_at": _iso(alert.closed_at),
        "escalated_at": _iso(alert.escalated_at),
        "outcome": alert.outcome,
        "minutes_to_acknowledge": minutes(alert.acknowledged_at),
        "minutes_to_close": minutes(alert.closed_at),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _table(rows: list[dict[str, Any]], settings: Settings) -> str:
    def local(value: str | None) -> str:
        if value is None:
            return ""
        return datetime.fromisoformat(value).astimezone(settings.timezone).isoformat("T", "minutes")

    cells = [
        (
            r["urn"],
            r["area"],
            r["lawyer_email"],
            r["question_id"],
            r["status"],
            local(r["raised_at"]),
            local(r["acknowledged_at"]),
            local(r["closed_at"]),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [HEADINGS, *cells]) for i in range(len(HEADINGS))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [HEADINGS, *cells]
    )
