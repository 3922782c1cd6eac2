"""`dipsample db …`: schema migrations, and telling a missing or old schema apart."""

from __future__ import annotations

import argparse

from bot.bootstrap import unit_of_work
from bot.clock import system_clock
from bot.settings import Settings
from storage import migrate, trend_rollup
from storage.db import normalize_url


def upgrade(args: argparse.Namespace, settings: Settings) -> int:
    migrate.upgrade(settings.database_url, args.revision)
    print(f"Database at revision {migrate.current(settings.database_url)}.")
    return 0


def downgrade(args: argparse.Namespace, settings: Settings) -> int:
    migrate.downgrade(settings.database_url, args.revision)
    print(f"Database at revision {migrate.current(settings.database_url) or 'base (empty)'}.")
    return 0


def rebuild_trend_rollups(args: argparse.Namespace, settings: Settings) -> int:
    with unit_of_work(settings.database_url) as uow:
        months = trend_rollup.rebuild(uow.session, settings.timezone, system_clock())
        uow.commit()
    counted = f"{months} month{'' if months == 1 else 's'}"
    print(f"Trend roll-ups rebuilt from the answers: {counted}, cut in {settings.timezone.key}.")
    return 0


def needs_upgrade(database_url: str) -> str | None:
    """What `dipsample db upgrade` would fix (no schema, or an older revision), or None.

    None too for a revision these migrations do not know: upgrading would not help there.
    """
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory.from_config(migrate.alembic_config(database_url))
    at = migrate.current(database_url)
    heads = script.get_heads()
    if at is None:
        state = "has no dipsample schema"
    elif at in heads:
        return None
    else:
        try:
            script.get_revision(at)
        except CommandError:
            return None
        state = f"is behind (at revision {at}; this dipsample needs {', '.join(heads)})"
    shown = normalize_url(database_url).render_as_string(hide_password=True)
    return f"the database at {shown} {state}: run `dipsample db upgrade`"
