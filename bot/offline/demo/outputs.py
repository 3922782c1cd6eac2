"""What the demo leaves in its output folder besides demo.db: the people file it imported, the
files Slack received (the trend charts and the quarterly APR packs), the trend CSV exported by
`dipsample trends`, and the transcript of every person's messages."""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

from bot.cli import trends as trends_command
from bot.offline.demo import cast
from bot.offline.demo.players import check
from bot.offline.demo.world import World


def save_slack_files(world: World) -> list[Path]:
    """Every file the bot uploaded, under the name it gave it, prefixed by who received it."""
    written = []
    owners = {world.standin.dm_channel(m.slack_id): m for m in cast.EVERYONE}
    for stored in world.standin.files:
        owner = owners.get(stored.channel or "")
        prefix = owner.email.split("@")[0] + "-" if owner else ""
        path = world.output / f"{prefix}{stored.filename}"
        path.write_bytes(stored.content)
        written.append(path)
    return written


def export_trends(world: World, area: str, first: str, last: str) -> list[Path]:
    """`dipsample trends --area AREA --from … --to … --format csv --chart …`, run in-process."""
    stem = world.output / f"trends-{area.lower().replace(' ', '-')}-{first}-to-{last}"
    args = argparse.Namespace(
        area=area,
        unit=None,
        date_from=first,
        date_to=last,
        review_type=None,
        format="csv",
        chart=str(stem.with_suffix(".png")),
    )
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = trends_command.run(args, world.settings)
    check(status == 0, f"dipsample trends for {area} exited {status}")
    csv_path = stem.with_suffix(".csv")
    csv_path.write_text(out.getvalue(), encoding="utf-8")
    return [csv_path, stem.with_suffix(".png")]
