"""`dipsample people import FILE.csv`: create or update the people directory."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from bot.bootstrap import open_database
from bot.cli.csv_input import UnreadableFile, print_problems, read_table
from bot.services.people.directory import import_people as import_directory
from bot.services.people.directory import resolve_slack_ids
from bot.settings import Settings
from inspections.intake import PEOPLE_COLUMNS


def import_people(args: argparse.Namespace, settings: Settings) -> int:
    try:
        table = read_table(args.file, PEOPLE_COLUMNS)
    except UnreadableFile as error:
        print(error, file=sys.stderr)
        return 1
    if table.problems:
        print_problems(args.file, table.problems, what="people")
        return 1
    with open_database(settings.database_url) as database:
        now = datetime.now(UTC)
        report = import_directory(database.uow(), table.rows, now=now)
        if report.problems:
            print_problems(args.file, report.problems, what="people")
            return 1
        print(
            f"{args.file}: {len(report.created)} created, {len(report.updated)} updated, "
            f"{report.unchanged} unchanged."
        )
        missing = report.without_slack_id
        if not missing:
            return 0
        if not settings.slack_bot_token:
            print(
                f"Slack id resolution skipped: SLACK_BOT_TOKEN is not set. "
                f"{len(missing)} people have no Slack id yet: {', '.join(missing)}"
            )
            return 0
        from bot.slack.client import make_web_client

        resolution = resolve_slack_ids(database.uow(), make_web_client(settings), now=now)
    print(f"Slack ids found by email: {len(resolution.resolved)}.")
    if resolution.unresolved:
        print(f"Not found in Slack ({len(resolution.unresolved)}), kept in the directory:")
        for email, why in sorted(resolution.unresolved.items()):
            print(f"  {email}: {why}")
    return 0
