"""`dipsample calibration report`: agreement between inspectors over the reviews marked twice,
blind, and the calibration exercises, in a period (--from and --to are days, both included;
the current quarter by default). `dipsample calibration start`: an exercise.

Krippendorff's alpha per question and over all questions (ordinal and nominal, with 95%
intervals from resampling reviews), then each inspector's figures, by name: the report is for
the inspection leads, and each run is audited.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from typing import Any

from bot.bootstrap import unit_of_work
from bot.cli.actor import cli_actor
from bot.cli.trends import period_of
from bot.clock import system_clock
from bot.refusals import Refused
from bot.services.consistency.calibration_start import start_calibration
from bot.services.consistency.report import CalibrationReport, report_for_lead
from bot.settings import Settings
from bot.slack.blocks.consistency import alpha_text, difference_text, share_text
from inspections.agreement import Alpha, Difference
from inspections.periods import BadPeriod, local_midnight, parse_day
from inspections.trends import Share


def start(args: argparse.Namespace, settings: Settings) -> int:
    """`dipsample calibration start --urn URN --review-type T [--inspectors …] [--due DATE]`."""
    try:
        due = parse_day(args.due) if args.due else None
    except BadPeriod as bad:
        print(f"dipsample calibration start: {bad}", file=sys.stderr)
        return 2
    emails = [e for e in args.inspectors.split(",") if e.strip()] if args.inspectors else None
    try:
        with unit_of_work(settings.database_url) as uow:
            started = start_calibration(
                uow,
                urn=args.urn,
                review_type=args.review_type,
                inspector_emails=emails,
                due=due,
                now=system_clock(),
                settings=settings,
                actor=cli_actor(),
            )
    except Refused as refused:
        print(f"dipsample calibration start: {refused}", file=sys.stderr)
        return 1
    due_text = started.due_at.astimezone(settings.timezone).isoformat(timespec="minutes")
    print(
        f"Calibration {started.calibration_id} of {started.urn} started: "
        f"{', '.join(started.inspectors)}; due {due_text}."
    )
    return 0


def report(args: argparse.Namespace, settings: Settings) -> int:
    try:
        period = period_of(args.date_from, args.date_to, settings)
    except BadPeriod as bad:
        print(f"dipsample calibration report: {bad}", file=sys.stderr)
        return 2
    tz = settings.timezone
    with unit_of_work(settings.database_url) as uow:
        found = report_for_lead(
            uow,
            actor=cli_actor(),
            start=local_midnight(period.start, tz),
            end=local_midnight(period.end, tz),
            now=system_clock(),
        )
    first, last = period.start.isoformat(), period.last_day.isoformat()
    if args.format == "json":
        print(json.dumps(as_json(found, first, last), indent=2))
    elif args.format == "csv":
        print(as_csv(found), end="")
    else:
        print(as_table(found, first, last))
    return 0


def _alpha(alpha: Alpha) -> dict[str, Any]:
    return {
        "alpha": alpha.value,
        "low": alpha.interval.low if alpha.interval else None,
        "high": alpha.interval.high if alpha.interval else None,
        "reviews": alpha.reviews,
        "marks": alpha.marks,
    }


def _difference(difference: Difference) -> dict[str, Any]:
    interval = difference.interval
    return {
        "mean": difference.mean,
        "low": interval.low if interval else None,
        "high": interval.high if interval else None,
        "reviews": difference.reviews,
    }


def _share(share: Share) -> dict[str, Any]:
    interval = share.interval
    return {
        "count": share.successes,
        "of": share.trials,
        "share": share.value,
        "low": interval.low if interval else None,
        "high": interval.high if interval else None,
    }


def as_json(found: CalibrationReport, first: str, last: str) -> dict[str, Any]:
    agreement = found.agreement
    return {
        "from": first,
        "to": last,
        "reviews": found.reviews,
        "calibration_exercises": found.exercises,
        "method": (
            "Krippendorff's alpha (krippendorff package), nominal and ordinal over Not met < "
            "Partially met < Fully met, Not applicable missing; 95% percentile bootstrap "
            "resampling reviews"
        ),
        "overall": {"ordinal": _alpha(agreement.ordinal), "nominal": _alpha(agreement.nominal)},
        "questions": [
            {
                "question_id": q.question_id,
                "label": found.labels.get(q.question_id, q.question_id),
                "ordinal": _alpha(q.ordinal),
                "nominal": _alpha(q.nominal),
            }
            for q in agreement.questions
        ],
        "inspectors": [
            {
                "email": f.inspector,
                "name": found.names.get(f.inspector, f.inspector),
                "reviews": f.reviews,
                "score_difference": _difference(f.score_difference),
                "not_applicable": _share(f.not_applicable),
                "others_not_applicable": _share(f.others_not_applicable),
                "overall_mark_agrees": _share(f.overall_agrees),
            }
            for f in found.inspectors
        ],
    }


CSV_COLUMNS = ("kind", "id", "label", "reviews", "ordinal", "nominal", "score_difference",
               "not_applicable", "others_not_applicable", "overall_mark_agrees")  # fmt: skip


def as_csv(found: CalibrationReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    agreement = found.agreement
    writer.writerow(("all", "", "All questions", found.reviews, _num(agreement.ordinal.value),
                     _num(agreement.nominal.value), "", "", "", ""))  # fmt: skip
    for q in agreement.questions:
        label = found.labels.get(q.question_id, q.question_id)
        writer.writerow(("question", q.question_id, label, q.ordinal.reviews,
                         _num(q.ordinal.value), _num(q.nominal.value), "", "", "", ""))  # fmt: skip
    for f in found.inspectors:
        writer.writerow(("inspector", f.inspector, found.names.get(f.inspector, f.inspector),
                         f.reviews, "", "", _num(f.score_difference.mean),
                         _num(f.not_applicable.value), _num(f.others_not_applicable.value),
                         _num(f.overall_agrees.value)))  # fmt: skip
    return out.getvalue()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def as_table(found: CalibrationReport, first: str, last: str) -> str:
    if not found.reviews and not found.exercises:
        return f"No review was marked twice and submitted from {first} to {last}."
    agreement = found.agreement
    exercises = f", and {found.exercises} calibration exercises" if found.exercises else ""
    lines = [
        f"{found.reviews} reviews marked twice, blind{exercises}, from {first} to {last}.",
        "Krippendorff's alpha, 95% interval from resampling reviews:",
        f"  all questions  ordinal {alpha_text(agreement.ordinal)}  "
        f"nominal {alpha_text(agreement.nominal)}",
    ]
    width = max((len(found.labels.get(q.question_id, "")) for q in agreement.questions), default=0)
    for q in agreement.questions:
        label = found.labels.get(q.question_id, q.question_id).ljust(width)
        lines.append(
            f"  {label}  ordinal {alpha_text(q.ordinal)}  nominal {alpha_text(q.nominal)}  "
            f"({q.ordinal.reviews} reviews)"
        )
    lines.append("Inspectors (score difference from the others on the same reviews, in points):")
    for f in found.inspectors:
        lines.append(
            f"  {found.names.get(f.inspector, f.inspector)} <{f.inspector}>  {f.reviews} reviews  "
            f"difference {difference_text(f.score_difference)}  "
            f"Not applicable {share_text(f.not_applicable)} "
            f"(others {share_text(f.others_not_applicable)})  "
            f"overall mark agrees {share_text(f.overall_agrees)}"
        )
    return "\n".join(lines)
