"""How soon the inspector's clicks are answered and their next card shows, over HTTP mode on
loopback.

    .venv/bin/python bench/interactions.py [--inspectors 8] [--each 3] [--think 1.0]
        [--postgres URL | env BENCH_DATABASE_URL] [--show-slowest N]

N simulated inspectors, one thread each, work through their inspections at once against the
real bot (`dipsample serve --http`, in its own process, with its scheduler running) and the
local Slack stand-in: Start, then one click per question (mostly Fully met, some Partially met and
Not met with the reason modal, Yes to some gates so conditional questions appear, free text),
then Submit on the summary. Every request's time to its HTTP answer is the acknowledgement
latency: for a click, the answer is committed before it is acknowledged, so this includes the
commit. Click to next card is the time from a click's request leaving to the stand-in
receiving the card's update (or the new card, or the modal asking for a reason): what the
inspector waits for. Each inspector waits for its card to change and reads it (--think seconds
on average, 0 for a click as soon as the card shows) before the next click.

The targets are the users': acknowledgement p99 under 100 ms and none over 1 s (Slack's own
limit is 3 s), click to next card p99 under 250 ms.

In the same run, every request body the inspectors sent is replayed, freshly signed, at the
same moments, to a bare Bolt app that only acknowledges, served the same way (its own
process, waitress with the same threads): the floor that Bolt, waitress and signature checking
set on this machine, for reference. Both it and dipsample keep Bolt's defaults
(``process_before_response=False``), so each is answered at Bolt's next 10 ms look for its
``ack()``. The same bare app with ``process_before_response=True`` answers in about 2 ms on
this machine; ``--immediate-bare`` replays to it too and prints its figures, for reference
only. The stand-in and the simulated inspectors share the benchmark's process.

The same requests are also replayed to a durable floor: a Bolt app whose every listener
commits one row to the same database and then acknowledges, answered at the acknowledgement
as dipsample is. It is the least an app that commits before acknowledging can do, so its tail
is the disk's: when its own p99 is far above the bare app's, the disk was slow at the time of
the run, whatever the code. It is a reference too.

While each of the three is timed, this process's garbage collector is off (``MeasuredPhase``):
the apps run in their own processes and keep theirs. The CPU time the virtual machine's host
took during each phase (steal time, from /proc/stat) is printed: a run where it is large had
stalls that no code of ours can cause or prevent.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qs

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from intake import scratch_postgres

from bot.http.server import serve_forever
from bot.jobs.outbox import dispatch_due
from bot.offline.demo.cast import Member
from bot.offline.demo.players import Inspector, button_labels
from bot.offline.driver import Response, SendOptions, Sent, SlackDriver
from bot.offline.standin import SlackStandIn
from bot.services.assignment.assign import retry_queued_assignments
from bot.services.inspection.versions import current_review_questionnaire
from bot.services.people.directory import import_people
from bot.settings import Settings
from bot.slack.client import make_web_client
from inspections.lifecycle import Status
from storage import migrate
from storage.db import make_engine, session_factory
from storage.models import CaseReview, Inspection, OutboxMessage, Person, SamplingDecision
from storage.uow import UnitOfWork

BOT_TOKEN = "xoxb-bench"
SIGNING_SECRET = "bench-signing-secret"
# The served bot reads the real clock, so the reviews are assigned now: nothing falls due
# while the benchmark runs. Its scheduler's start-up catch-up is left to finish first.
SETTLE_SECONDS = 3.0
# The layout issue's user-facing targets (Slack's own limit for an answer is 3 s).
ACK_TARGET_MS = 100.0
CARD_TARGET_MS = 250.0
# The Web API calls that show an inspector the result of a click: the card updated in place,
# a new card (Start), or the modal asking for a reason.
CARD_METHODS = frozenset({"chat.update", "chat.postMessage", "views.open"})
LAWYER_AREA, INSPECTOR_AREA = "London North", "Wessex"
# The durable floor's writes: a table of its own in the scratch database, not one of ours.
FLOOR_ROWS = Table(
    "bench_durable_floor",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
)


class TimedDriver(SlackDriver):
    """A SlackDriver that notes how long each request took to be answered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.latencies: list[float] = []
        self.bodies: list[Sent] = []
        self.statuses: list[int] = []
        self.sent_at: list[float] = []  # time.perf_counter() when each request left
        self.sent_wall: list[datetime] = []  # the same moments on the stand-in's clock

    def _send(self, sent: Sent, options: SendOptions) -> Response:
        started = time.perf_counter()
        self.sent_at.append(started)
        self.sent_wall.append(datetime.now(UTC))
        response = super()._send(sent, options)
        self.latencies.append(time.perf_counter() - started)
        self.bodies.append(sent)
        self.statuses.append(response.status)
        return response


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inspectors", type=int, default=8, help="concurrent inspectors")
    parser.add_argument("--each", type=int, default=3, help="inspections per inspector")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds an inspector reads a card before clicking (0: click at once)",
    )
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--show-slowest", type=int, default=0, metavar="N")
    parser.add_argument(
        "--immediate-bare",
        action="store_true",
        help="also replay to the bare app with process_before_response=True (for reference)",
    )
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--serve-durable-floor", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare_app(args.serve_bare, immediately=args.immediate_bare)
        return 0
    if args.serve_durable_floor:
        serve_durable_floor(args.serve_durable_floor)
        return 0
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as scratch:
            run(
                "SQLite",
                f"sqlite:///{scratch}/bench.db",
                args.inspectors,
                args.each,
                args.think,
                args.show_slowest,
                immediate_bare=args.immediate_bare,
            )
    if args.postgres:
        with scratch_postgres(args.postgres) as url:
            run(
                "PostgreSQL",
                url,
                args.inspectors,
                args.each,
                args.think,
                args.show_slowest,
                immediate_bare=args.immediate_bare,
            )
    else:
        print("PostgreSQL: skipped (give --postgres URL or set BENCH_DATABASE_URL)")
    return 0


def run(
    label: str,
    url: str,
    count: int,
    each: int,
    think: float,
    show_slowest: int,
    *,
    immediate_bare: bool = False,
) -> None:
    migrate.upgrade(url)
    people = cast(count)
    inspectors = [m for m in people if m.roles == "inspector"]
    with SlackStandIn(tokens={BOT_TOKEN}) as standin:
        for member in people:
            standin.add_user(member.slack_id, email=member.email, name=member.name)
        settings = Settings(
            database_url=url,
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=standin.api_url,
        )
        engine = make_engine(url)
        sessions = session_factory(engine)
        try:
            prepare(sessions, settings, people, datetime.now(UTC), each)
            with served(dipsample_serve_command, settings) as events_url:
                drivers = [
                    TimedDriver(events_url, signing_secret=SIGNING_SECRET, standin=standin)
                    for _ in inspectors
                ]
                players = [
                    Inspector(member, driver, standin, seed=n)
                    for n, (member, driver) in enumerate(zip(inspectors, drivers, strict=True))
                ]
                with MeasuredPhase() as ours_phase:
                    elapsed = concurrently([partial(inspect, player, think) for player in players])
                delivered = outbox_latencies(sessions, standin)
            submitted = count_submitted(sessions)
        finally:
            engine.dispose()
        ours = [t for d in drivers for t in d.latencies]
        to_card = click_to_card(standin, drivers, [p.user for p in players])
        failures = sum(status != 200 for d in drivers for status in d.statuses)
        violations = len(standin.violations)
        with served(bare_app_command, settings) as events_url, MeasuredPhase() as bare_phase:
            bare = replay(events_url, standin, drivers)
        with served(durable_floor_command, settings) as events_url, MeasuredPhase() as floor_phase:
            floor = replay(events_url, standin, drivers)
        immediate: list[float] = []
        if immediate_bare:
            immediately = partial(bare_app_command, immediately=True)
            with served(immediately, settings) as events_url, MeasuredPhase():
                immediate = replay(events_url, standin, drivers)
    print(
        f"\n{label}: {count} inspectors reading each card for {think:.1f} s on average, "
        f"{len(ours)} requests in {elapsed:.1f} s"
    )
    print(f"  inspections submitted: {submitted} of {count * each}; non-200 answers: {failures}")
    print(f"  Block Kit violations recorded by the stand-in: {violations}")
    report("dipsample", ours)
    report("bare Bolt app (ack only)", bare)
    report("durable floor: commits one row, then acknowledges (reference only)", floor)
    if immediate:
        report("bare Bolt app, process_before_response=True (reference only)", immediate)
    report("dipsample click to next card (stand-in received its update)", to_card)
    print("  outbox messages, commit to the stand-in receiving them (alerts target: p99 2 s):")
    for kind, latencies in sorted(delivered.items()):
        report(f"  {kind}", latencies)
    print("  dipsample by kind of request:")
    for kind, latencies in by_kind(drivers).items():
        report(f"  {kind}", latencies)
    if show_slowest:
        print(f"  slowest {show_slowest} dipsample requests:")
        for took, kind in slowest(drivers, show_slowest):
            print(f"    {took * 1000:7.1f} ms  {kind}")
    ack_p99, card_p99 = percentile(ours, 99) * 1000, percentile(to_card, 99) * 1000
    over_a_second = sum(t > 1.0 for t in ours)
    print(
        f"  acknowledgement p99 {ack_p99:.1f} ms (target under {ACK_TARGET_MS:.0f} ms): "
        f"{met(ack_p99 < ACK_TARGET_MS)}; over 1 s: {over_a_second} (target 0): "
        f"{met(over_a_second == 0)}"
    )
    print(
        f"  click to next card p99 {card_p99:.1f} ms (target under {CARD_TARGET_MS:.0f} ms): "
        f"{met(card_p99 < CARD_TARGET_MS)}"
    )
    bare_p99, floor_p99 = percentile(bare, 99), percentile(floor, 99)
    print(
        f"  p99 ratios, for reference: dipsample / bare {percentile(ours, 99) / bare_p99:.2f}, "
        f"durable floor / bare {floor_p99 / bare_p99:.2f}, "
        f"dipsample / durable floor {percentile(ours, 99) / floor_p99:.2f}"
    )
    phases = {"dipsample": ours_phase, "bare": bare_phase, "durable floor": floor_phase}
    if all(phase.stolen is not None for phase in phases.values()):
        stolen = ", ".join(f"{name} {phase.stolen:.2f} s" for name, phase in phases.items())
        print(f"  CPU time the host took from this machine during each phase: {stolen}")


class MeasuredPhase:
    """A timed phase. The harness's own garbage collector is off meanwhile (as ``timeit`` does):
    a full collection of the stand-in's records takes tens of milliseconds, which would be
    counted as the app's latency. The CPU time the virtual machine's host took (steal time)
    during the phase is noted: the apps stall while it is away, whatever their code."""

    def __init__(self) -> None:
        self.stolen: float | None = None
        self._steal_before: float | None = None

    def __enter__(self) -> MeasuredPhase:
        gc.collect()
        gc.disable()
        self._steal_before = steal_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        gc.enable()
        after = steal_seconds()
        if self._steal_before is not None and after is not None:
            self.stolen = after - self._steal_before


def steal_seconds() -> float | None:
    """Steal time of all CPUs since boot, from /proc/stat (Linux); None elsewhere."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def cast(count: int) -> list[Member]:
    """A line manager and a lawyer in one Area; ``count`` inspectors from another Area."""
    unit, quality = f"RASSO {LAWYER_AREA}", f"{INSPECTOR_AREA} Casework Quality"
    manager = member("Bench Manager", "manager", LAWYER_AREA, unit, "", "U0BMANAGER")
    lawyer = member("Bench Lawyer", "lawyer", LAWYER_AREA, unit, manager.email, "U0BLAWYER1")
    inspectors = [
        member(f"Inspector {n}", "inspector", INSPECTOR_AREA, quality, "", f"U0BINSP{n:03d}")
        for n in range(count)
    ]
    return [manager, lawyer, *inspectors]


def member(name: str, roles: str, area: str, unit: str, manager_email: str, slack: str) -> Member:
    email = name.lower().replace(" ", ".") + "@bench.example"
    return Member(email, name, roles, area, unit, manager_email, slack)


def dipsample_serve_command(port: int) -> list[str]:
    return [
        str(Path(sys.executable).with_name("dipsample")),
        "serve",
        "--http",
        "--port",
        str(port),
    ]


def bare_app_command(port: int, *, immediately: bool = False) -> list[str]:
    return [
        sys.executable,
        __file__,
        "--serve-bare",
        str(port),
        *(["--immediate-bare"] if immediately else []),
    ]


@contextmanager
def served(command: Callable[[int], list[str]], settings: Settings) -> Iterator[str]:
    """Run a server process on a free loopback port until it answers; its events URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": settings.slack_api_url or "",
    }
    env.pop("SLACK_APP_TOKEN", None)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command(port), env=env, stdout=log, stderr=log)
        try:
            wait_until_listening(port, process, log)
            time.sleep(SETTLE_SECONDS)
            yield f"http://127.0.0.1:{port}/slack/events"
        finally:
            process.terminate()
            process.wait(timeout=30)
            if process.returncode not in (0, -signal.SIGTERM):
                print(read_log(log), file=sys.stderr)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def read_log(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")


def wait_until_listening(port: int, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited at start-up:\n{read_log(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.05)
    raise SystemExit(f"nothing listened on port {port} within 60 s")


def durable_floor_command(port: int) -> list[str]:
    return [sys.executable, __file__, "--serve-durable-floor", str(port)]


def serve_durable_floor(port: int) -> None:
    """A Bolt app whose every listener commits one row to the bot's database, through our
    engine (SQLite's WAL with full sync, PostgreSQL's pool), then acknowledges; answered from
    the request thread once the listener returns, so at the acknowledgement, as dipsample is."""
    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    FLOOR_ROWS.create(engine, checkfirst=True)
    app = App(
        client=WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url or ""),
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=True,
    )

    def commit_then_ack(ack: Ack, body: dict[str, Any]) -> None:
        with engine.begin() as connection:
            connection.execute(insert(FLOOR_ROWS).values(kind=str(body.get("type", ""))))
        ack()

    anything = re.compile(".*")
    app.action(anything)(commit_then_ack)
    app.view(anything)(commit_then_ack)
    app.command(anything)(commit_then_ack)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve_forever(SlackRequestHandler(app, path="/slack/events"), host="127.0.0.1", port=port)


def serve_bare_app(port: int, *, immediately: bool = False) -> None:
    """A Bolt app whose every listener only acknowledges, served as dipsample is served; on
    Bolt's defaults unless ``immediately`` (answered from the request thread)."""
    settings = Settings.from_env()
    app = App(
        client=WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url or ""),
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=immediately,
    )
    anything = re.compile(".*")
    app.action(anything)(lambda ack: ack())
    app.view(anything)(lambda ack: ack())
    app.command(anything)(lambda ack: ack())
    app.event(anything)(lambda: None)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve_forever(SlackRequestHandler(app, path="/slack/events"), host="127.0.0.1", port=port)


def prepare(
    sessions: Any, settings: Settings, people: list[Member], now: datetime, each: int
) -> None:
    """The directory, the questionnaire, ``each`` sampled reviews per inspector, assigned and
    their assignment messages delivered through the outbox (untimed)."""
    lawyer = next(m for m in people if m.roles == "lawyer")
    inspectors = [m for m in people if m.roles == "inspector"]
    rows = [
        (n, {
            "email": m.email, "name": m.name, "roles": m.roles, "area": m.area, "unit": m.unit,
            "manager_email": m.manager_email, "slack_user_id": m.slack_id,
        })
        for n, m in enumerate(people, start=2)
    ]  # fmt: skip
    with UnitOfWork(sessions) as uow:
        report = import_people(uow, rows, now=now)
    if report.problems:
        raise SystemExit(f"directory rejected: {report.problems}")
    with UnitOfWork(sessions) as uow:
        session = uow.session
        lawyer_id = session.scalars(select(Person.id).where(Person.email == lawyer.email)).one()
        version = current_review_questionnaire(session, now=now)  # publishes the shipped one
        for n in range(len(inspectors) * each):
            urn = f"01BN{n:05d}26"
            review = CaseReview(
                urn=urn, review_type="pre_charge_decision" if n % 2 else "early_advice",
                area=lawyer.area, unit=lawyer.unit, lawyer_id=lawyer_id, completed_at=now,
                action_plan_count=n % 4, outcome="action_plan" if n % 2 else "advice_given",
                source_id=f"bench-{urn}", identity_key=f"bench-{urn}", received_at=now,
            )  # fmt: skip
            session.add(review)
            session.flush()
            session.add(
                SamplingDecision(
                    case_review_id=review.id, policy_version="bench", selected=True,
                    rule="random_rate", draw=0.01, decided_at=now,
                )
            )  # fmt: skip
            session.add(
                Inspection(
                    case_review_id=review.id, questionnaire_version_id=version.id,
                    status=Status.QUEUED, created_at=now, updated_at=now,
                )
            )  # fmt: skip
        uow.commit()
    with UnitOfWork(sessions) as uow:
        outcome = retry_queued_assignments(uow, now=now, settings=settings)
    wanted = len(inspectors) * each
    if outcome.assigned != wanted:
        raise SystemExit(f"assigned {outcome.assigned} of {wanted} reviews")
    dispatched = dispatch_due(sessions, make_web_client(settings), now=now)
    if dispatched.sent != wanted:
        raise SystemExit(f"delivered {dispatched.sent} of {wanted} assignment messages")


def inspect(player: Inspector, think: float) -> None:
    """Every inspection assigned to this inspector, one after another, as a person clicks
    through them, reading each card first."""

    def read() -> None:
        time.sleep(player.rng.uniform(0.5, 1.5) * think)

    while waiting := [m for m in player.messages() if "Start inspection" in button_labels(m)]:
        read()
        player.start(waiting[0])
        while not player.on_summary():
            read()
            player.answer_current(critical=False)
        read()
        player.answer("Submit")


def concurrently(jobs: Sequence[Callable[[], None]]) -> float:
    errors: list[BaseException] = []

    def guarded(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:  # reported below: a failed inspector fails the run
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(job,)) for job in jobs]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def count_submitted(sessions: Any) -> int:
    with UnitOfWork(sessions) as uow:
        statuses = uow.session.scalars(select(Inspection.status)).all()
    return sum(status == Status.SUBMITTED for status in statuses)


def replay(events_url: str, standin: SlackStandIn, recorded: list[TimedDriver]) -> list[float]:
    """Each inspector's request bodies again, one thread per inspector, each sent at the same
    moment after the start as in the recorded run."""
    first = min(d.sent_at[0] for d in recorded)
    drivers = [
        TimedDriver(events_url, signing_secret=SIGNING_SECRET, standin=standin) for _ in recorded
    ]
    start = time.perf_counter()

    def resend_all(driver: TimedDriver, original: TimedDriver) -> None:
        for body, sent_at in zip(original.bodies, original.sent_at, strict=True):
            time.sleep(max(0.0, start + (sent_at - first) - time.perf_counter()))
            driver.resend(body)

    concurrently([partial(resend_all, d, r) for d, r in zip(drivers, recorded, strict=True)])
    failures = sum(status != 200 for d in drivers for status in d.statuses)
    if failures:
        raise SystemExit(f"the bare app answered {failures} requests with an error")
    return [t for d in drivers for t in d.latencies]


def outbox_latencies(sessions: Any, standin: SlackStandIn) -> dict[str, list[float]]:
    """For each message the served bot's outbox sent (feedback, manager copies, alerts), the
    seconds from the commit that wrote it to the stand-in receiving it, by kind. Waits (up to
    30 s) for the last ones to go out first. The post carries its outbox id in its metadata."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with UnitOfWork(sessions) as uow:
            pending = uow.session.scalar(
                select(func.count()).where(OutboxMessage.status == "pending")
            )
        if not pending:
            break
        time.sleep(0.2)
    with UnitOfWork(sessions) as uow:
        written = {
            m.id: (m.kind, m.created_at)
            for m in uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.sent_at.is_not(None))
            )
        }
    found: dict[str, list[float]] = {}
    for call in standin.calls_to("chat.postMessage"):
        metadata = call.params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        outbox_id = ((metadata or {}).get("event_payload") or {}).get("outbox_id")
        if call.ok and outbox_id in written:
            kind, created_at = written[outbox_id]
            found.setdefault(kind, []).append((call.at - created_at).total_seconds())
    return found


def click_to_card(
    standin: SlackStandIn, drivers: list[TimedDriver], users: list[str]
) -> list[float]:
    """For each click, the seconds from its request leaving to the stand-in receiving the first
    card update, new card or modal for that inspector after it. Each inspector clicks only once
    the previous click's card has shown, so the first such call after a click is its answer."""
    shown = [c for c in standin.calls if c.ok and c.method in CARD_METHODS]
    found: list[float] = []
    for driver, user in zip(drivers, users, strict=True):
        dm = standin.dm_channel(user)
        triggers = {trigger_of(sent) for sent in driver.bodies} - {None}
        mine = [
            c
            for c in shown
            if c.params.get("channel") == dm or c.params.get("trigger_id") in triggers
        ]
        for sent_at in driver.sent_wall:
            answer = next((c.at for c in mine if c.at >= sent_at), None)
            if answer is not None:
                found.append((answer - sent_at).total_seconds())
    return found


def trigger_of(sent: Sent) -> str | None:
    form = parse_qs(sent.body)
    if "payload" not in form:
        return None
    trigger = json.loads(form["payload"][0]).get("trigger_id")
    return str(trigger) if trigger else None


def timed_requests(drivers: list[TimedDriver]) -> Iterator[tuple[float, str, float]]:
    """Each request: how long it took, its kind (payload type and action id) and when it was
    sent, in seconds into the run."""
    first = min(at for driver in drivers for at in driver.sent_at)
    for driver in drivers:
        for took, sent, at in zip(driver.latencies, driver.bodies, driver.sent_at, strict=True):
            form = parse_qs(sent.body)
            if "payload" not in form:  # a slash command
                yield took, form.get("command", ["request"])[0], at - first
                continue
            payload = json.loads(form["payload"][0])
            action = (payload.get("actions") or [{}])[0].get("action_id", "")
            yield took, f"{payload['type']} {action}".strip(), at - first


def slowest(drivers: list[TimedDriver], count: int) -> list[tuple[float, str]]:
    """The slowest requests, with their kind and when they were sent (which tells a cold start
    from a busy moment)."""
    found = [(took, f"{kind}, sent at {at:.1f} s") for took, kind, at in timed_requests(drivers)]
    return sorted(found, reverse=True)[:count]


def by_kind(drivers: list[TimedDriver]) -> dict[str, list[float]]:
    """Latencies grouped by what was clicked, the chosen option left out (an answer is an
    answer): a submit does more before it acknowledges than a click on an answer."""
    grouped: dict[str, list[float]] = {}
    for took, kind, _ in timed_requests(drivers):
        grouped.setdefault(kind.split(":")[0], []).append(took)
    return dict(sorted(grouped.items(), key=lambda item: -len(item[1])))


def met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def percentile(values: list[float], pct: float) -> float:
    """Nearest rank: the smallest value with at least pct % of the values at or below it."""
    ordered = sorted(values)
    rank = math.ceil(pct * len(ordered) / 100)
    return ordered[max(0, min(len(ordered), rank) - 1)]


def report(label: str, latencies: list[float]) -> None:
    ms = [t * 1000 for t in latencies]
    print(
        f"  {label}: p50 {percentile(ms, 50):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
        f"max {max(ms):.1f} ms, mean {statistics.fmean(ms):.1f} ms over {len(ms)} requests"
    )


if __name__ == "__main__":
    sys.exit(main())
