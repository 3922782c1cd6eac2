"""`POST /intake/case-reviews` through a real WSGI server on loopback."""

from __future__ import annotations

import dataclasses
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from sqlalchemy import Engine, func, select
from support.intake_data import import_fixture_people

from bot.clock import ManualClock
from bot.http.intake import IntakeApp
from bot.http.server import DipsampleWsgi
from bot.services.intake.sampling import policy_from_settings
from bot.settings import Settings
from inspections.sampling import Rates
from storage.models import AuditEvent, CaseReview, Inspection, SamplingDecision
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
TOKEN = "intake-token-for-tests-only"
REVIEW = {
    "urn": "42AB1234525",
    "review_type": "pre_charge_decision",
    "area": "Wessex",
    "unit": "RASSO 1",
    "lawyer_email": "ann.lawyer@example.test",
    "completed_at": "2026-03-02T10:15:00+00:00",
    "action_plan_count": 3,
    "outcome": "action_plan",
    "source_id": "CMS-0000001",
}

UowFactory = Callable[[], UnitOfWork]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep the test output to the assertions


@dataclass
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


@contextmanager
def serving(app: IntakeApp | DipsampleWsgi) -> Iterator[str]:
    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def base_url(database_url: str, uow_factory: UowFactory) -> Iterator[str]:
    import_fixture_people(uow_factory, NOW)
    settings = Settings(database_url=database_url, intake_token=TOKEN)
    app = IntakeApp(settings=settings, uow_factory=uow_factory, clock=ManualClock(NOW))
    with serving(app) as url:
        yield url


def post(
    url: str,
    body: object | bytes,
    *,
    token: str | None = TOKEN,
    method: str = "POST",
    path: str = "/intake/case-reviews",
) -> Reply:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, json.loads(response.read()), dict(response.headers))
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, json.loads(error.read()), dict(error.headers))


def stored(uow_factory: UowFactory) -> dict[str, int]:
    with uow_factory() as uow:
        return {
            table.__tablename__: uow.session.scalar(select(func.count()).select_from(table)) or 0
            for table in (CaseReview, SamplingDecision, Inspection, AuditEvent)
        }


def test_a_wrong_token_gets_401_and_nothing_is_stored(
    base_url: str, uow_factory: UowFactory
) -> None:
    before = stored(uow_factory)

    reply = post(base_url, REVIEW, token="not-the-token")

    assert reply.status == 401
    assert reply.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored(uow_factory) == before
    assert before["case_reviews"] == 0


def test_a_missing_token_gets_401(base_url: str, uow_factory: UowFactory) -> None:
    assert post(base_url, REVIEW, token=None).status == 401
    assert stored(uow_factory)["case_reviews"] == 0


def test_a_review_is_stored_and_sampled_once_however_often_it_is_sent(
    base_url: str, uow_factory: UowFactory
) -> None:
    first = post(base_url, REVIEW)
    again = post(base_url, [REVIEW])

    assert (first.status, first.body["created"], first.body["selected"]) == (201, 1, 1)
    assert first.body["by_rule"] == {"pcd_action_plans": 1}
    assert (again.status, again.body["created"], again.body["skipped"]) == (200, 0, 1)
    counts = stored(uow_factory)
    assert (counts["case_reviews"], counts["inspections"]) == (1, 1)


def test_bad_reviews_get_400_listing_every_problem_and_nothing_is_stored(
    base_url: str, uow_factory: UowFactory
) -> None:
    before = stored(uow_factory)
    extra = {**REVIEW, "source_id": "CMS-0000002", "victim_name": "x"}
    incomplete = {k: v for k, v in REVIEW.items() if k != "completed_at"}
    wrong = {**REVIEW, "source_id": "CMS-0000003", "urn": "42AB", "completed_at": "yesterday"}

    reply = post(base_url, [REVIEW, extra, incomplete, wrong, "not an object"])

    assert reply.status == 400
    assert [p["text"] for p in reply.body["problems"]] == [
        "row 2, field 'victim_name': unknown field",
        "row 3, field 'completed_at': missing field",
        "row 4, field 'urn': '42AB' is not a URN like 42AB1234525",
        "row 4, field 'completed_at': 'yesterday' is not an ISO 8601 time",
        "row 5: not a JSON object",
    ]
    assert stored(uow_factory) == before


def test_a_body_that_is_not_json_gets_400(base_url: str, uow_factory: UowFactory) -> None:
    reply = post(base_url, b"urn,review_type\n42AB1234525,early_advice\n")

    assert reply.status == 400
    assert reply.body["error"].startswith("the body is not JSON")
    assert stored(uow_factory)["case_reviews"] == 0


def test_only_post_on_the_intake_path_is_served(base_url: str) -> None:
    assert post(base_url, REVIEW, method="PUT").status == 405
    assert post(base_url, REVIEW, path="/intake/other").status == 404


def test_without_a_configured_token_the_endpoint_does_not_exist(
    database_url: str, uow_factory: UowFactory
) -> None:
    import_fixture_people(uow_factory, NOW)
    settings = Settings(database_url=database_url, intake_token=None)
    app = IntakeApp(settings=settings, uow_factory=uow_factory, clock=ManualClock(NOW))

    with serving(app) as url:
        assert post(url, REVIEW, token="").status == 404
    assert stored(uow_factory)["case_reviews"] == 0


def test_a_policy_changed_under_a_used_version_gets_503_and_stores_nothing(
    database_url: str, uow_factory: UowFactory
) -> None:
    import_fixture_people(uow_factory, NOW)
    settings = Settings(database_url=database_url, intake_token=TOKEN)
    shipped = policy_from_settings(settings)
    changed = dataclasses.replace(shipped, rates=Rates(early_advice=0.9, pre_charge_decision=0.9))
    first = IntakeApp(settings=settings, uow_factory=uow_factory, clock=ManualClock(NOW))
    second = IntakeApp(
        settings=settings, uow_factory=uow_factory, clock=ManualClock(NOW), policy=changed
    )
    with serving(first) as url:
        assert post(url, REVIEW).status == 201
    before = stored(uow_factory)

    with serving(second) as url:
        reply = post(url, {**REVIEW, "source_id": "CMS-0000099", "urn": "42AB9999925"})

    assert reply.status == 503
    assert f"sampling policy version {shipped.version!r} was first used" in reply.body["error"]
    assert reply.body["error"].endswith("Nothing was stored.")
    assert stored(uow_factory) == before


@pytest.fixture
def served_with_health(database_url: str, uow_factory: UowFactory, engine: Engine) -> Iterator[str]:
    """The intake endpoint mounted as `dipsample serve` mounts it, beside /healthz."""
    import_fixture_people(uow_factory, NOW)
    settings = Settings(database_url=database_url, intake_token=TOKEN)
    intake = IntakeApp(settings=settings, uow_factory=uow_factory, clock=ManualClock(NOW))
    with serving(DipsampleWsgi(None, engine=engine, intake=intake)) as url:
        yield url


def _health(url: str) -> int:
    with urllib.request.urlopen(f"{url}/healthz", timeout=30) as response:
        return int(response.status)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("completed_at", "9999-12-31T23:59:59+00:00"),
        ("completed_at", "0001-01-01T00:00:00+01:00"),
        ("action_plan_count", 10**12),
        ("action_plan_count", 10**30),
        ("action_plan_count", 1e309),
        ("urn", "２０WM0190126"),
        ("unit", "@SUM(1+1)*cmd|' /C calc'!A0"),
        ("unit", "Somewhere not in the directory"),
        ("source_id", "=cmd|' /C calc'!A0"),
    ],
)
def test_a_hostile_value_gets_400_naming_its_field_and_stores_nothing(
    served_with_health: str, uow_factory: UowFactory, field: str, value: object
) -> None:
    before = stored(uow_factory)

    reply = post(served_with_health, {**REVIEW, field: value})

    assert reply.status == 400
    assert field in {p["field"] for p in reply.body["problems"]}
    assert stored(uow_factory) == before
    assert _health(served_with_health) == 200


def test_a_body_nested_too_deeply_gets_400_and_stores_nothing(
    served_with_health: str, uow_factory: UowFactory
) -> None:
    before = stored(uow_factory)

    reply = post(served_with_health, b"[" * 100_000 + b"]" * 100_000)

    assert reply.status == 400
    assert "nested too deeply" in reply.body["error"]
    assert stored(uow_factory) == before
    assert _health(served_with_health) == 200
