"""The demo's world: a fresh SQLite file, the Slack stand-in knowing the cast, the real bot
served over HTTP on loopback (as `dipsample serve --http` serves it), a driver playing Slack
users, and the injected clock the bot and its periodic jobs read."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import build_bot, open_database, scheduler_for, unit_of_work
from bot.clock import ManualClock
from bot.http.server import serve_in_thread
from bot.jobs.scheduler import Scheduler
from bot.offline.demo.cast import EVERYONE
from bot.offline.driver import SlackDriver
from bot.offline.standin import SlackStandIn
from bot.services.intake.policy_file import DEFAULT_POLICY_PATH
from bot.settings import Settings
from questionnaires.loader import content_hash, default_questionnaire_path, load_questionnaire
from storage import migrate, trend_rollup
from storage.questionnaire_versions import publish_questionnaire
from storage.uow import UnitOfWork

BOT_TOKEN = "xoxb-demo"
SIGNING_SECRET = "demo-signing-secret"
INTAKE_TOKEN = "demo-intake-token"


@dataclass(frozen=True)
class World:
    output: Path
    database_url: str
    settings: Settings
    standin: SlackStandIn
    clock: ManualClock
    session_factory: sessionmaker[Session]
    driver: SlackDriver
    base_url: str
    scheduler: Scheduler  # never started: the demo runs each job at the clock's time

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    def run_jobs(self) -> None:
        """Every periodic job once at the clock's time, in the scheduler's order, the outbox
        last so whatever the others enqueued is delivered now."""
        for name in self.scheduler.job_names:
            self.scheduler.run_now(name)

    def post_review(self, fields: dict[str, str]) -> dict[str, Any]:
        """POST /intake/case-reviews with the bearer token, as the case management feed does."""
        request = urllib.request.Request(
            f"{self.base_url}/intake/case-reviews",
            data=json.dumps(fields).encode("utf-8"),
            headers={
                "Authorization": f"Bearer {INTAKE_TOKEN}",
                "Content-Type": "application/json",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer: dict[str, Any] = json.loads(response.read())
        return answer


def fresh_database(output: Path, now: datetime) -> str:
    """demo.db in the output folder, migrated, with the shipped questionnaire published."""
    output.mkdir(parents=True, exist_ok=True)
    for stale in output.glob("demo.db*"):
        stale.unlink()
    url = f"sqlite:///{output / 'demo.db'}"
    migrate.upgrade(url)
    questionnaire, document = load_questionnaire(default_questionnaire_path())
    with unit_of_work(url) as uow:
        publish_questionnaire(
            uow.session,
            questionnaire_id=questionnaire.id,
            version=questionnaire.version,
            content=document,
            content_hash=content_hash(document),
            now=now,
        )
        uow.commit()
    return url


def demo_policy(output: Path) -> Path:
    """The shipped sampling policy without blind double-marking: the fortnight's story follows
    one inspection per review (tests/slack/test_double_marking.py plays double-marking)."""
    policy = json.loads(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))
    policy["version"] = "2026-11-2"
    policy["description"] = "The default policy, for the demo without blind double-marking."
    policy["double_mark_rate"] = 0
    path = output / "sampling_policy.json"
    path.write_text(json.dumps(policy, indent=2), encoding="utf-8")
    return path


@contextmanager
def running_world(output: Path, start: datetime) -> Iterator[World]:
    database_url = fresh_database(output, start)
    policy_path = demo_policy(output)
    with SlackStandIn(tokens={BOT_TOKEN}) as standin:
        for member in EVERYONE:
            standin.add_user(member.slack_id, email=member.email, name=member.name)
        settings = Settings(
            database_url=database_url,
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=standin.api_url,
            intake_token=INTAKE_TOKEN,
            sampling_secret="demo-sampling-secret",
            sampling_policy_path=str(policy_path),
        )
        clock = ManualClock(start)
        with open_database(database_url) as database:
            with database.uow() as uow:  # as `dipsample serve` does at start-up
                trend_rollup.ensure(uow.session, settings.timezone, start)
                uow.commit()
            bot = build_bot(settings, database, clock=clock)
            base_url, stop = serve_in_thread(bot.wsgi)
            try:
                yield World(
                    output=output,
                    database_url=database_url,
                    settings=settings,
                    standin=standin,
                    clock=clock,
                    session_factory=database.sessions,
                    driver=SlackDriver(
                        f"{base_url}/slack/events", signing_secret=SIGNING_SECRET, standin=standin
                    ),
                    base_url=base_url,
                    scheduler=scheduler_for(bot, database, clock=clock),
                )
            finally:
                stop()
