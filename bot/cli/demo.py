"""`dipsample demo`: a fortnight of the programme, offline, on its own SQLite file.

The real bot is served over HTTP on loopback against the local Slack stand-in; the driver
plays every person, clicking the buttons the bot posted. See bot/offline/demo/fortnight.py for the
script. Exit status 0 only when every step did what it should.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bot.cli.people import import_people
from bot.offline.demo import cast
from bot.offline.demo.fortnight import FIRST_DAY, Fortnight, Story
from bot.offline.demo.outputs import export_trends, save_slack_files
from bot.offline.demo.players import DemoStepFailed, check
from bot.offline.demo.world import World, running_world
from bot.settings import Settings

START = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # 08:00 in London (GMT until 29 March)
TRANSCRIPT_LINES = 6  # per message on screen; the file has everything


def run(args: argparse.Namespace, settings: Settings) -> int:
    began = time.monotonic()
    output = Path(args.output)
    try:
        with running_world(output, START) as world:
            story, written = _play(world)
    except DemoStepFailed as failed:
        print(f"\nDEMO FAILED: {failed}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        print("\nDEMO FAILED: unexpected error (above)", file=sys.stderr)
        return 1
    print(f"\n== Summary ({time.monotonic() - began:.0f} s) ==")
    print(
        f"{story.reviews} reviews arrived, {story.selected} sampled "
        f"({', '.join(f'{rule} {n}' for rule, n in sorted(story.by_rule.items()))}); "
        f"{story.submitted} inspections submitted; {story.acknowledged} acknowledged; "
        f"critical failure on {story.critical}; declined {story.declined}; "
        f"paused past due {story.paused}; challenged {story.challenged}."
    )
    print("Written to " + str(output) + "/:")
    for path in written:
        print(f"  {path.name}")
    return 0


def _play(world: World) -> tuple[Story, list[Path]]:
    say = print
    people_csv = world.output / "people.csv"
    cast.write_people_csv(people_csv)
    say(f"== The directory: {len(cast.EVERYONE)} people, two Areas ==")
    status = import_people(argparse.Namespace(file=str(people_csv)), world.settings)
    check(status == 0, f"people import exited {status}")

    say(f"\n== The fortnight from {FIRST_DAY:%a %d %b %Y} ==")
    fortnight = Fortnight(world, say)
    story = fortnight.play()
    check(story.submitted > 0, "no inspection was submitted")
    check(
        world.standin.violations == [],
        f"Slack rejected payloads: {world.standin.violations[:3]}",
    )

    written = [people_csv]
    written += save_slack_files(world)
    for area in (cast.WESSEX, cast.THAMES):
        written += export_trends(world, area, "2026-01-01", "2026-03-31")
    check(any(p.suffix == ".png" for p in written), "no chart was written")
    check(any("apr-" in p.name for p in written), f"no APR pack among {[p.name for p in written]}")
    transcript_path = world.output / "slack-transcript.txt"
    transcript_path.write_text(fortnight.transcript.render(), encoding="utf-8")
    written.append(transcript_path)

    say("\n== What each person received in Slack (first lines of each message) ==\n")
    say(fortnight.transcript.render(max_lines=TRANSCRIPT_LINES))
    return story, written
