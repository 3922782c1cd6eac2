"""`POST /intake/case-reviews`: completed reviews from another system, as a WSGI application.

The body is one JSON object with the CSV's fields, or a list of them; the bearer token is
DIPSAMPLE_INTAKE_TOKEN, and without one the endpoint does not exist (404). Validation is the
CSV import's, and equally all or nothing: any bad review gets 400 listing every problem, with
nothing stored. Problems name the review by its position in the request, counting from 1.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from typing import Any

from bot.clock import Clock, system_clock
from bot.services.intake.reviews import ingest_reviews, validate_reviews
from bot.services.intake.sampling import policy_from_settings
from bot.settings import Settings
from inspections.intake import CASE_COLUMNS, OPTIONAL_CASE_COLUMNS, RowProblem
from inspections.sampling import SamplingPolicy
from storage.sampling_policies import PolicyVersionConflict
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

PATH = "/intake/case-reviews"
MAX_BODY_BYTES = 16 * 1024 * 1024
OPTIONAL_FIELDS = frozenset({"outcome", "source_id", *OPTIONAL_CASE_COLUMNS})
KNOWN_FIELDS = frozenset(CASE_COLUMNS) | OPTIONAL_FIELDS
ACTOR = "intake-api"

StartResponse = Callable[..., Any]
Answer = tuple[int, dict[str, Any], dict[str, str]]  # status, JSON body, extra headers


class IntakeApp:
    """A WSGI callable for the one path; the HTTP server mounts it next to Slack's."""

    def __init__(
        self,
        *,
        settings: Settings,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock = system_clock,
        policy: SamplingPolicy | None = None,
    ) -> None:
        self._settings = settings
        self._uow_factory = uow_factory
        self._clock = clock
        # Loaded at start-up, so a broken policy file stops the server rather than a request.
        self._policy = policy or policy_from_settings(settings)

    def __call__(
        self, environ: Mapping[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        try:
            status, body, headers = self._answer(environ)
        except PolicyVersionConflict as conflict:
            # The deployment's policy file is at fault, not the request: the feed should
            # retry once an admin has given the changed policy a new version.
            log.error("intake refused: %s", conflict)
            status, body, headers = 503, {"error": f"{conflict} Nothing was stored."}, {}
        except Exception:
            log.exception("intake request failed")
            status, body, headers = 500, {"error": "internal error; nothing was stored"}, {}
        payload = json.dumps(body).encode("utf-8")
        start_response(
            f"{status} {HTTPStatus(status).phrase}",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(payload))),
                *headers.items(),
            ],
        )
        return [payload]

    def _answer(self, environ: Mapping[str, Any]) -> Answer:
        token = self._settings.intake_token
        if environ.get("PATH_INFO") != PATH or not token:
            return 404, {"error": "not found"}, {}
        if environ.get("REQUEST_METHOD") != "POST":
            return 405, {"error": "use POST"}, {"Allow": "POST"}
        if not _authorised(environ.get("HTTP_AUTHORIZATION", ""), token):
            challenge = {"WWW-Authenticate": 'Bearer realm="dipsample intake"'}
            return 401, {"error": "missing or wrong bearer token"}, challenge
        body = _read_body(environ)
        if isinstance(body, tuple):
            return body
        try:
            decoded = json.loads(body)
        except (UnicodeDecodeError, ValueError) as error:
            return 400, {"error": f"the body is not JSON: {error}"}, {}
        except RecursionError:
            return 400, {"error": "the body is not JSON we can read: it is nested too deeply"}, {}
        items = [decoded] if isinstance(decoded, dict) else decoded
        if not isinstance(items, list):
            return 400, {"error": "send one review as a JSON object, or a list of them"}, {}
        return self._ingest(items)

    def _ingest(self, items: list[Any]) -> Answer:
        raw, problems = _fields(items)
        with self._uow_factory() as uow:
            rows, row_problems = validate_reviews(uow.session, raw)
            problems = sorted(problems + row_problems, key=lambda p: p.row)
            if problems:
                return 400, _rejection(problems), {}
            report = ingest_reviews(
                uow,
                rows,
                policy=self._policy,
                settings=self._settings,
                now=self._clock(),
                actor=ACTOR,
                source="http",
            )
        return (201 if report.created else 200), report.as_dict(), {}


def _authorised(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    # compare_digest on bytes: its time does not depend on where the first difference is.
    matches = hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8"))
    return scheme.lower() == "bearer" and matches


def _read_body(environ: Mapping[str, Any]) -> bytes | Answer:
    length_text = environ.get("CONTENT_LENGTH") or ""
    try:
        length = int(length_text)
    except ValueError:
        return 411, {"error": "a Content-Length header is required"}, {}
    if length > MAX_BODY_BYTES:
        return 413, {"error": f"send at most {MAX_BODY_BYTES} bytes per request"}, {}
    body: bytes = environ["wsgi.input"].read(length) if length > 0 else b""
    return body


def _fields(items: list[Any]) -> tuple[list[tuple[int, Mapping[str, object]]], list[RowProblem]]:
    """Each review's fields, after checking it is an object with exactly the known fields."""
    raw: list[tuple[int, Mapping[str, object]]] = []
    problems: list[RowProblem] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(RowProblem(number, None, "not a JSON object"))
            continue
        shape = [
            RowProblem(number, key, "unknown field") for key in item if key not in KNOWN_FIELDS
        ]
        shape += [
            RowProblem(number, name, "missing field")
            for name in CASE_COLUMNS
            if name not in item and name not in OPTIONAL_FIELDS
        ]
        shape += [
            RowProblem(number, key, "must be a string or a number")
            for key, value in item.items()
            if key in KNOWN_FIELDS and isinstance(value, dict | list | bool)
        ]
        problems += shape
        if not shape:
            raw.append((number, item))
    return raw, problems


def _rejection(problems: list[RowProblem]) -> dict[str, Any]:
    return {
        "error": f"{len(problems)} problem(s); nothing was stored",
        "problems": [
            {"row": p.row, "field": p.field, "message": p.message, "text": str(p)} for p in problems
        ],
    }
