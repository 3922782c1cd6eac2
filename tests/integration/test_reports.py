"""The weekly digest and the quarterly Area Performance Review pack: due at the right local
time, enqueued once per recipient however often (and by however many instances) the job runs,
and delivered once through the outbox."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import Engine, select
from support.trend_data import LONDON, WESSEX, World, add_submitted, build_world, person

from bot.jobs.outbox import dispatch_due
from bot.offline.standin import SlackStandIn
from bot.services.trends.reports import (
    APR_KIND,
    BOARD_KIND,
    DIGEST_KIND,
    apr_key,
    area_leads,
    board_packs,
    quarterly_packs,
    weekly_digests,
)
from bot.settings import Settings
from bot.slack.client import make_web_client
from bot.slack.files import FILES_KEY, decoded
from inspections.periods import quarter_of, week_of
from storage.db import session_factory as make_session_factory
from storage.models import Alert, CaseReview, Inspection, OutboxMessage
from storage.uow import UnitOfWork

TZ = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # GMT: 09:00 local
Q4 = quarter_of(datetime(2025, 11, 1).date())


@pytest.fixture
def world(uow_factory: Callable[[], UnitOfWork]) -> World:
    with uow_factory() as uow:
        w = build_world(uow.session, now=datetime(2025, 9, 1, tzinfo=UTC))
        for n in range(6):  # the week before MONDAY, and Q4 2025
            lawyer = w.london_lawyers[n % 3]
            add_submitted(
                uow.session, w, lawyer=lawyer, submitted_at=MONDAY - timedelta(days=6 - n)
            )
            add_submitted(
                uow.session, w, lawyer=lawyer, submitted_at=datetime(2025, 11, 3 + n, tzinfo=UTC)
            )
        uow.commit()
        return w


def outbox_rows(uow_factory: Callable[[], UnitOfWork], kind: str) -> list[OutboxMessage]:
    with uow_factory() as uow:
        query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        return list(uow.session.scalars(query))


def test_the_digest_is_not_due_before_monday_nine_local_time(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    run = weekly_digests(uow_factory(), now=MONDAY - timedelta(minutes=1), tz=TZ)

    assert run.due is False
    assert outbox_rows(uow_factory, DIGEST_KIND) == []


def test_in_summer_time_the_digest_is_due_at_eight_utc(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    monday_bst = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 09:00 BST

    assert weekly_digests(uow_factory(), now=monday_bst - timedelta(seconds=1), tz=TZ).due is False
    assert weekly_digests(uow_factory(), now=monday_bst, tz=TZ).enqueued == 3


def test_each_manager_gets_one_digest_a_week_however_often_it_runs(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    first = weekly_digests(uow_factory(), now=MONDAY, tz=TZ)
    again = weekly_digests(uow_factory(), now=MONDAY + timedelta(hours=1), tz=TZ)
    later_that_week = weekly_digests(uow_factory(), now=MONDAY + timedelta(days=3), tz=TZ)

    managers = [world.london_head.id, world.london_manager.id, world.wessex_head.id]
    assert (first.enqueued, first.period) == (3, "2026-W10")
    assert (again.enqueued, again.already, later_that_week.enqueued) == (0, 3, 0)
    rows = outbox_rows(uow_factory, DIGEST_KIND)
    assert [r.dedupe_key for r in rows] == [f"digest:{m}:2026-W10" for m in managers]
    assert [r.recipient_person_id for r in rows] == managers

    next_week = weekly_digests(uow_factory(), now=MONDAY + timedelta(days=7), tz=TZ)
    assert next_week.enqueued == 3


def test_two_instances_running_the_digest_enqueue_it_once(
    engine: Engine, uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    instances = [make_session_factory(engine), make_session_factory(engine)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(
            pool.map(
                lambda sessions: weekly_digests(UnitOfWork(sessions), now=MONDAY, tz=TZ),
                instances,
            )
        )

    assert sum(r.enqueued for r in runs) == 3
    assert len(outbox_rows(uow_factory, DIGEST_KIND)) == 3


def test_the_digest_reports_last_week_for_the_managers_own_scope(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    weekly_digests(uow_factory(), now=MONDAY, tz=TZ)

    by_person = {r.recipient_person_id: r.payload for r in outbox_rows(uow_factory, DIGEST_KIND)}
    team = by_person[world.london_manager.id]
    wessex = by_person[world.wessex_head.id]
    assert team["blocks"][0]["text"]["text"] == "Weekly digest: Your team, week 2026-W09"
    assert team["text"] == "Weekly digest: Your team, week 2026-W09: 6 inspections last week"
    assert (
        wessex["text"] == "Weekly digest: Wessex, week 2026-W09: fewer than 5 inspections last week"
    )
    assert week_of(MONDAY.date()).previous().label == "2026-W09"


def test_digests_are_delivered_once_through_the_outbox(
    uow_factory: Callable[[], UnitOfWork], world: World, engine: Engine
) -> None:
    sessions = make_session_factory(engine)
    with SlackStandIn() as slack:
        for person in (world.london_head, world.london_manager, world.wessex_head):
            assert person.slack_user_id is not None
            slack.add_user(person.slack_user_id, email=person.email, name=person.name)
        client = make_web_client(
            Settings(slack_bot_token="xoxb-test", slack_api_url=slack.api_url), max_retries=0
        )
        for hours in range(3):  # the job and the dispatcher, three turns
            now = MONDAY + timedelta(hours=hours)
            weekly_digests(uow_factory(), now=now, tz=TZ)
            dispatch_due(sessions, client, now=now)

        received = {
            p.email: len(slack.messages_to(p.slack_user_id or ""))
            for p in (world.london_head, world.london_manager, world.wessex_head)
        }
    assert received == {p: 1 for p in received}


def test_the_quarterly_pack_waits_for_the_first_working_day_after_the_quarter(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    # 1 January is a bank holiday; 2 January 2026 is a Friday.
    assert (
        quarterly_packs(uow_factory(), now=datetime(2026, 1, 1, 12, tzinfo=UTC), tz=TZ).due is False
    )
    assert (
        quarterly_packs(uow_factory(), now=datetime(2026, 1, 2, 8, 59, tzinfo=UTC), tz=TZ).due
        is False
    )

    run = quarterly_packs(uow_factory(), now=datetime(2026, 1, 2, 9, 0, tzinfo=UTC), tz=TZ)

    assert (run.due, run.period, run.enqueued) == (True, "2025-Q4", 2)


def test_each_area_lead_gets_the_pack_once_with_csv_and_chart(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    day = datetime(2026, 1, 2, 10, 0, tzinfo=UTC)
    runs = [quarterly_packs(uow_factory(), now=day + timedelta(hours=h), tz=TZ) for h in range(3)]
    week_later = quarterly_packs(uow_factory(), now=day + timedelta(days=7), tz=TZ)

    assert [r.enqueued for r in runs] == [2, 0, 0]
    assert (week_later.enqueued, week_later.already) == (0, 2)
    rows = outbox_rows(uow_factory, APR_KIND)
    assert [r.dedupe_key for r in rows] == [
        apr_key(LONDON, Q4, world.london_head.id),
        apr_key(WESSEX, Q4, world.wessex_head.id),
    ]
    assert rows[0].dedupe_key == f"apr:London North:2025-Q4:{world.london_head.id}"
    files = [decoded(entry) for entry in rows[0].payload[FILES_KEY]]
    assert [(name, title) for name, title, _ in files] == [
        ("apr-london-north-2025-Q4.csv", "apr-london-north-2025-Q4.csv"),
        ("apr-london-north-2025-Q4.png", "apr-london-north-2025-Q4.png"),
        ("apr-london-north-2025-Q4-metrics.csv", "apr-london-north-2025-Q4-metrics.csv"),
        ("apr-london-north-2025-Q4.pdf", "apr-london-north-2025-Q4.pdf"),
    ]
    document = PdfReader(io.BytesIO(files[3][2]))
    assert len(document.pages) == 3
    assert "Area Performance Review: London North, 2025-Q4" in document.pages[0].extract_text()
    metrics = list(csv.DictReader(io.StringIO(files[2][2].decode("utf-8"))))
    assert {(m["group"], m["metric"]) for m in metrics} >= {
        ("pre_charge_decision", "reviews_meeting_the_standard"),
        ("early_advice", "reviews_received"),
    }
    table = list(csv.DictReader(io.StringIO(files[0][2].decode("utf-8"))))
    assert (table[0]["level"], table[0]["name"], table[0]["inspections"]) == (
        "headline",
        LONDON,
        "6",
    )
    assert Image.open(io.BytesIO(files[1][2])).size == (1200, 800)
    wessex = rows[1].payload
    assert wessex["text"].startswith("Area Performance Review pack: Wessex, 2025-Q4.")
    assert "fewer than 5" in wessex["text"]


def test_the_area_leads_are_the_heads_of_their_units(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with uow_factory() as uow:
        leads = area_leads(uow.session)

    assert leads == {LONDON: [world.london_head.id], WESSEX: [world.wessex_head.id]}


def test_the_packs_files_arrive_in_its_thread_once_even_when_an_upload_fails(
    uow_factory: Callable[[], UnitOfWork], world: World, engine: Engine
) -> None:
    sessions = make_session_factory(engine)
    quarterly_packs(uow_factory(), now=datetime(2026, 1, 2, 10, 0, tzinfo=UTC), tz=TZ)
    head = world.london_head
    assert head.slack_user_id is not None

    with SlackStandIn() as slack:
        for person in (world.london_head, world.wessex_head):
            slack.add_user(person.slack_user_id or "", email=person.email, name=person.name)
        client = make_web_client(
            Settings(slack_bot_token="xoxb-test", slack_api_url=slack.api_url), max_retries=0
        )
        slack.fail_next("files.getUploadURLExternal", status=500)
        turns = []
        for minutes in range(0, 60, 5):  # the dispatcher's turns; a failure backs off
            turns.append(
                dispatch_due(sessions, client, now=datetime(2026, 1, 2, 10, minutes, tzinfo=UTC))
            )
        messages = slack.messages_to(head.slack_user_id)
        stored = [f for f in slack.files if f.channel == slack.dm_channel(head.slack_user_id)]
        methods = [c.method for c in slack.calls if c.ok]

    assert [m.text.split(".")[0] for m in messages] == [
        "Area Performance Review pack: London North, 2025-Q4"
    ]
    assert [(f.filename, f.thread_ts) for f in stored] == [
        ("apr-london-north-2025-Q4.csv", messages[0].ts),
        ("apr-london-north-2025-Q4.png", messages[0].ts),
        ("apr-london-north-2025-Q4-metrics.csv", messages[0].ts),
        ("apr-london-north-2025-Q4.pdf", messages[0].ts),
    ]
    assert sum(t.retrying for t in turns) == 1  # the failed upload, retried on its own
    assert methods.count("chat.postMessage") == 2  # one pack per lead, never re-posted
    assert methods.count("files.completeUploadExternal") == 2  # one upload per lead


def test_the_digest_lists_the_interventions_open_more_than_five_working_days(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with uow_factory() as uow:
        inspections = uow.session.scalars(
            select(Inspection).join(CaseReview).where(CaseReview.area == LONDON)
        ).all()
        first, second = inspections[:2]
        # Raised Monday 16 Feb: 10 working days open by MONDAY; raised Friday 27 Feb: 1.
        for inspection, raised in ((first, datetime(2026, 2, 16, 10, tzinfo=UTC)),
                                   (second, datetime(2026, 2, 27, 10, tzinfo=UTC))):  # fmt: skip
            uow.session.add(
                Alert(
                    inspection_id=inspection.id,
                    question_id="safeguarding_considered",
                    kind="critical_failure",
                    raised_at=raised,
                )
            )
        urns = [i.case_review.urn for i in (first, second)]
        uow.commit()

    weekly_digests(uow_factory(), now=MONDAY, tz=TZ)

    digests = {
        r.recipient_person_id: json.dumps(r.payload) for r in outbox_rows(uow_factory, DIGEST_KIND)
    }
    london = digests[world.london_head.id]
    assert "Interventions open more than 5 working days" in london
    assert f"{urns[0]}: raised Mon 16 Feb 2026, 10:00, not acknowledged" in london
    assert urns[1] not in london
    assert "Interventions open" not in digests[world.wessex_head.id]


def test_the_board_pack_goes_once_to_the_national_lead_and_each_ccp_with_table_and_funnel(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with uow_factory() as uow:
        ccp = person(
            uow.session,
            name="Cora Prosecutor",
            roles=["ccp"],
            area=LONDON,
            unit="Area leadership",
            now=datetime(2025, 9, 1, tzinfo=UTC),
        )
        uow.commit()
        ccp_id = ccp.id
    day = datetime(2026, 1, 2, 10, 0, tzinfo=UTC)

    early = board_packs(uow_factory(), now=datetime(2026, 1, 2, 8, 59, tzinfo=UTC), tz=TZ)
    runs = [board_packs(uow_factory(), now=day + timedelta(hours=h), tz=TZ) for h in range(2)]

    assert early.due is False
    assert [(r.period, r.enqueued, r.already) for r in runs] == [
        ("2025-Q4", 2, 0),
        ("2025-Q4", 0, 2),
    ]
    rows = outbox_rows(uow_factory, BOARD_KIND)
    assert sorted(r.recipient_person_id for r in rows) == sorted([world.admin.id, ccp_id])
    files = [decoded(entry) for entry in rows[0].payload[FILES_KEY]]
    assert [name for name, _, _ in files] == [
        "board-2025-Q4.csv",
        "board-2025-Q4.pdf",
        "board-2025-Q4-funnel.png",
    ]
    table = list(csv.DictReader(io.StringIO(files[0][2].decode("utf-8"))))
    assert len(table) == 15 and {r["area"] for r in table} >= {LONDON, WESSEX}
    assert len(PdfReader(io.BytesIO(files[1][2])).pages) == 2
    assert Image.open(io.BytesIO(files[2][2])).size == (1200, 800)
    said = json.dumps(rows[0].payload["blocks"])
    assert "Rape Casework Board pack: 2025-Q4" in said and "London North:" in said
