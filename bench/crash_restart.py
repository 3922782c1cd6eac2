"""`dipsample serve` killed with SIGKILL while its outbox is sending, then started again: how
soon every message is delivered, and how many were delivered twice.

    .venv/bin/python bench/crash_restart.py [--messages 40] [--postgres URL]

The messages (feedback-like posts to eight people) are written to the outbox before `serve`
starts. The stand-in kills `serve` the moment it has taken the first post and before
answering it, so that post reached Slack unrecorded and the rest are claimed by a process that
no longer exists. A second `serve` is then started at once; the figure is the time from its
start until the stand-in holds every message, and the count of messages it holds twice.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake import scratch_postgres

from bot.bootstrap import unit_of_work
from bot.offline.standin import SlackStandIn
from storage import migrate, outbox
from storage.models import Person

TOKEN = "xoxb-bench"
PEOPLE = 8
TARGET_SECONDS = 30.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        run("SQLite", f"sqlite:///{scratch}/bench.db", args.messages)
    if args.postgres:
        with scratch_postgres(args.postgres) as url:
            run("PostgreSQL", url, args.messages)
    else:
        print("PostgreSQL: skipped (give --postgres URL or set BENCH_DATABASE_URL)")
    return 0


def run(label: str, url: str, count: int) -> None:
    migrate.upgrade(url)
    with SlackStandIn(tokens={TOKEN}) as standin:
        people = [f"U0CRASH{n:03d}" for n in range(PEOPLE)]
        for n, slack_id in enumerate(people):
            standin.add_user(slack_id, email=f"person{n}@bench.example", name=f"Person {n}")
        write_messages(url, people, count)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": "bench-signing-secret",
            "SLACK_API_URL": standin.api_url,
        }
        env.pop("SLACK_APP_TOKEN", None)
        command = [str(Path(sys.executable).with_name("dipsample")), "serve", "--http", "--port"]
        first = subprocess.Popen(
            [*command, "0"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        standin.after_next("chat.postMessage", lambda: os.kill(first.pid, signal.SIGKILL))
        first.wait(timeout=120)
        before = len(posts(standin))
        started = time.monotonic()
        second = subprocess.Popen(
            [*command, "0"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            while len(set(posts(standin))) < count and time.monotonic() - started < 120:
                time.sleep(0.1)
            took = time.monotonic() - started
        finally:
            second.terminate()
            second.wait(timeout=30)
        delivered = Counter(posts(standin))
    twice = sum(1 for n in delivered.values() if n > 1)
    print(
        f"{label}: killed with {before} of {count} posted; after the restart every message "
        f"was in Slack in {took:.1f} s (target {TARGET_SECONDS:.0f} s); "
        f"delivered {len(delivered)} of {count}, {twice} twice"
    )


def write_messages(url: str, people: list[str], count: int) -> None:
    now = datetime.now(UTC)
    with unit_of_work(url) as uow:
        ids = []
        for n, slack_id in enumerate(people):
            person = Person(
                email=f"person{n}@bench.example",
                name=f"Person {n}",
                area="Wessex",
                unit="RASSO Wessex",
                slack_user_id=slack_id,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(person)
            uow.session.flush()
            ids.append(person.id)
        for n in range(count):
            outbox.enqueue(
                uow.session,
                dedupe_key=f"crash-bench:{n}",
                kind="feedback",
                recipient_person_id=ids[n % len(ids)],
                payload={"text": f"Message {n}"},
                now=now,
            )
        uow.commit()


def posts(standin: SlackStandIn) -> list[int]:
    """The outbox id of every post the stand-in holds (once per post)."""
    found = []
    for call in standin.calls_to("chat.postMessage"):
        metadata = call.params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        outbox_id = ((metadata or {}).get("event_payload") or {}).get("outbox_id")
        if call.ok and outbox_id is not None:
            found.append(int(outbox_id))
    return found


if __name__ == "__main__":
    sys.exit(main())
