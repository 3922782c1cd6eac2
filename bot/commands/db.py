"""`dipsample db …`: schema migrations."""

from __future__ import annotations

import argparse

from bot.settings import Settings
from storage import migrate


def upgrade(args: argparse.Namespace, settings: Settings) -> int:
    migrate.upgrade(settings.database_url, args.revision)
    print(f"Database at revision {migrate.current(settings.database_url)}.")
    return 0


def downgrade(args: argparse.Namespace, settings: Settings) -> int:
    migrate.downgrade(settings.database_url, args.revision)
    print(f"Database at revision {migrate.current(settings.database_url) or 'base (empty)'}.")
    return 0
