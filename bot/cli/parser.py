"""The `dipsample` command line: parses arguments and hands each command to its handler."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bot.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _lazy(module: str, function: str) -> Handler:
    """Import a command's module only when it runs, so `--help` stays fast."""

    def handler(args: argparse.Namespace, settings: Settings) -> int:
        import importlib

        target: Handler = getattr(importlib.import_module(module), function)
        return target(args, settings)

    return handler


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dipsample",
        description="Dip-sampling, inspection, feedback and trends for RASSO casework reviews.",
    )
    groups = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")

    db = groups.add_parser("db", help="database migrations").add_subparsers(
        dest="action", required=True
    )
    upgrade = db.add_parser("upgrade", help="apply migrations up to the latest revision")
    upgrade.add_argument("--revision", default="head")
    upgrade.set_defaults(handler=_lazy("bot.cli.db", "upgrade"))
    downgrade = db.add_parser("downgrade", help="revert migrations (default: to empty)")
    downgrade.add_argument("--revision", default="base")
    downgrade.set_defaults(handler=_lazy("bot.cli.db", "downgrade"))
    rollups = db.add_parser(
        "rebuild-trend-rollups",
        help="recompute the monthly trend roll-ups from the answers (serve builds them too)",
    )
    rollups.set_defaults(handler=_lazy("bot.cli.db", "rebuild_trend_rollups"))

    people = groups.add_parser("people", help="people directory").add_subparsers(
        dest="action", required=True
    )
    people_import = people.add_parser("import", help="import or update people from a CSV file")
    people_import.add_argument("file")
    people_import.set_defaults(handler=_lazy("bot.cli.people", "import_people"))

    cases = groups.add_parser("cases", help="completed case reviews").add_subparsers(
        dest="action", required=True
    )
    cases_import = cases.add_parser("import", help="import completed reviews and sample them")
    cases_import.add_argument("file")
    cases_import.set_defaults(handler=_lazy("bot.cli.cases", "import_cases"))

    questionnaire = groups.add_parser("questionnaire", help="questionnaire files").add_subparsers(
        dest="action", required=True
    )
    validate = questionnaire.add_parser("validate", help="check a questionnaire file")
    validate.add_argument("file")
    validate.set_defaults(handler=_lazy("bot.cli.questionnaire", "validate"))
    publish = questionnaire.add_parser("publish", help="store an immutable questionnaire version")
    publish.add_argument("file")
    publish.set_defaults(handler=_lazy("bot.cli.questionnaire", "publish"))

    inspections = groups.add_parser("inspections", help="sampled reviews").add_subparsers(
        dest="action", required=True
    )
    listing = inspections.add_parser("list", help="every sampled review, assigned or queued")
    listing.add_argument("--status")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    listing.set_defaults(handler=_lazy("bot.cli.inspections", "list_inspections"))

    interventions = groups.add_parser(
        "interventions", help="safeguard and decision alerts and what was done"
    ).add_subparsers(dest="action", required=True, metavar="ACTION")
    listed = interventions.add_parser("list", help="every intervention, oldest first")
    listed.add_argument("--status", help="raised, acknowledged or closed")
    listed.add_argument("--area", help="one Area")
    listed.add_argument("--format", choices=("table", "json"), default="table")
    listed.set_defaults(handler=_lazy("bot.cli.interventions", "list_interventions"))

    rjoim = groups.add_parser("rjoim", help="RASSO joint meeting agendas").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    rjoim_agenda = rjoim.add_parser(
        "agenda", help="pre-charge decisions with 3 or more substantive action plans, by force"
    )
    rjoim_agenda.add_argument("--area", required=True)
    rjoim_agenda.add_argument("--force", help="a police force code, e.g. 42")
    rjoim_agenda.add_argument("--from", dest="date_from")
    rjoim_agenda.add_argument("--to", dest="date_to")
    rjoim_agenda.add_argument("--format", choices=("table", "csv", "json"), default="table")
    rjoim_agenda.add_argument(
        "--police-safe", action="store_true", help="no lawyers, units or marks"
    )
    rjoim_agenda.set_defaults(handler=_lazy("bot.cli.rjoim", "agenda"))
    rjoim_export = rjoim.add_parser(
        "export", help="the meeting record, or with no meeting the agenda and open actions now"
    )
    rjoim_export.add_argument("--area", required=True)
    rjoim_export.add_argument("--force", help="a police force code, e.g. 42")
    rjoim_export.add_argument("--meeting", type=int, help="a meeting's id")
    rjoim_export.add_argument(
        "--police-safe", action="store_true", help="no lawyers' names or emails, marks or scores"
    )
    rjoim_export.add_argument("--format", choices=("csv", "json", "pdf"), required=True)
    rjoim_export.set_defaults(handler=_lazy("bot.cli.rjoim", "export_record"))
    rjoim_return = rjoim.add_parser(
        "return", help="the quarter's cases with two or more action plans, with narrative themes"
    )
    rjoim_return.add_argument("--area", required=True)
    rjoim_return.add_argument("--quarter", required=True, help="e.g. 2026-Q1, last-quarter")
    rjoim_return.add_argument("--format", choices=("csv", "json"), required=True)
    rjoim_return.set_defaults(handler=_lazy("bot.cli.rjoim", "quarterly"))

    apr = groups.add_parser("apr", help="an Area's quarterly Area Performance Review metrics")
    apr.add_argument("--area", required=True)
    apr.add_argument("--quarter", required=True, help="e.g. 2026-Q1")
    apr.add_argument("--format", choices=("csv", "json", "pdf"), default="csv")
    apr.add_argument("--out", help="the directory for the PDF (with --format pdf)")
    apr.set_defaults(handler=_lazy("bot.cli.apr", "run"))

    board = groups.add_parser("board", help="the national board pack for a quarter")
    board.add_argument("--quarter", required=True, help="e.g. 2026-Q1")
    board.add_argument("--format", choices=("csv", "json", "pdf"), default="csv")
    board.add_argument(
        "--out", help="a directory for the file and the funnel plot (PNG); needed for pdf"
    )
    board.set_defaults(handler=_lazy("bot.cli.board", "run"))

    learning = groups.add_parser("learning", help="the learning-programme feed").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    learning_export = learning.add_parser(
        "export", help="themes by rate, reasons and key learning points, anonymised"
    )
    learning_export.add_argument("--quarter", required=True, help="e.g. 2026-Q1")
    learning_export.add_argument("--area")
    learning_export.add_argument("--format", choices=("csv", "json"), required=True)
    learning_export.set_defaults(handler=_lazy("bot.cli.learning", "export"))

    jobs = groups.add_parser("jobs", help="the periodic jobs").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    jobs.add_parser("list", help="name every periodic job").set_defaults(
        handler=_lazy("bot.cli.jobs", "list_jobs")
    )
    run = jobs.add_parser("run", help="run jobs once (all when none is named)")
    run.add_argument("names", nargs="*", metavar="NAME")
    run.add_argument("--now", help="run as of this ISO 8601 time (default: now)")
    run.set_defaults(handler=_lazy("bot.cli.jobs", "run_jobs"))

    serve = groups.add_parser("serve", help="run the Slack bot")
    serve.add_argument("--http", action="store_true", help="HTTP mode even with SLACK_APP_TOKEN")
    serve.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="interface to listen on (default: all)")
    serve.set_defaults(handler=_lazy("bot.cli.serve", "run"))

    trends = groups.add_parser("trends", help="trend summaries")
    trends.add_argument("--area")
    trends.add_argument("--unit")
    trends.add_argument("--from", dest="date_from")
    trends.add_argument("--to", dest="date_to")
    trends.add_argument("--review-type", choices=("early_advice", "pre_charge_decision"))
    trends.add_argument("--format", choices=("table", "csv", "json"), default="table")
    trends.add_argument("--chart")
    trends.set_defaults(handler=_lazy("bot.cli.trends", "run"))

    calibration = groups.add_parser(
        "calibration", help="consistency between inspectors"
    ).add_subparsers(dest="action", required=True)
    calibration_report = calibration.add_parser(
        "report",
        help="agreement (Krippendorff's alpha) and each inspector's figures over the reviews "
        "marked twice, blind",
    )
    calibration_report.add_argument("--from", dest="date_from")
    calibration_report.add_argument("--to", dest="date_to")
    calibration_report.add_argument("--format", choices=("table", "json", "csv"), default="table")
    calibration_report.set_defaults(handler=_lazy("bot.cli.calibration", "report"))
    calibration_start = calibration.add_parser(
        "start", help="give one review to several inspectors to mark blind, and compare"
    )
    calibration_start.add_argument("--urn", required=True)
    calibration_start.add_argument(
        "--review-type", required=True, choices=("early_advice", "pre_charge_decision")
    )
    calibration_start.add_argument(
        "--inspectors", help="EMAIL,EMAIL,… (default: every independent inspector)"
    )
    calibration_start.add_argument("--due", help="YYYY-MM-DD (default: the usual due date)")
    calibration_start.set_defaults(handler=_lazy("bot.cli.calibration", "start"))

    demo = groups.add_parser("demo", help="the whole flow offline on its own SQLite file")
    demo.add_argument("--output", default="demo-output")
    demo.set_defaults(handler=_lazy("bot.cli.demo", "run"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    settings = Settings.from_env()
    try:
        return handler(args, settings)
    except Exception as error:
        problem = _unmigrated(error, args, settings)
        if problem is None:
            problem = _logged_failure(error, args)
        print(f"dipsample: {problem}", file=sys.stderr)
        return 1


def _logged_failure(error: Exception, args: argparse.Namespace) -> str:
    """One line for the person at the terminal, naming what failed and where the details are;
    the traceback, which may quote the rows being worked on, goes to a file only they can read.
    """
    import tempfile
    import traceback

    command = " ".join(str(part) for part in (args.group, getattr(args, "action", None)) if part)
    descriptor, path = tempfile.mkstemp(prefix="dipsample-error-", suffix=".log", text=True)
    with open(descriptor, "w", encoding="utf-8") as log:  # mkstemp makes it private (0600)
        log.write(f"dipsample {command}\n")
        log.write("".join(traceback.format_exception(error)))
    return (
        f"{command} failed unexpectedly ({type(error).__name__}). "
        f"The details are in {path}; please send that file to whoever runs dipsample."
    )


def _unmigrated(error: Exception, args: argparse.Namespace, settings: Settings) -> str | None:
    """The message for a database error caused by a missing or old schema, else None.

    Any other database error (locked, unreachable, a real bug) keeps its traceback.
    """
    # Imported here, not at the top: SQLAlchemy would slow down `--help` by a fifth of a second.
    from sqlalchemy.exc import OperationalError, ProgrammingError

    if not isinstance(error, OperationalError | ProgrammingError):
        return None
    if args.group == "db" and args.action in ("upgrade", "downgrade"):
        return None  # a failing `db upgrade` is not cured by running `db upgrade`
    from bot.cli.db import needs_upgrade

    try:
        return needs_upgrade(settings.database_url)
    except Exception:  # cannot even read the revision: the original error says more
        return None
