"""Requests no Slack would send, through the served app: each is refused cleanly (a 4xx, never
a 500), changes nothing and leaves the health check answering."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier
from support.slack_world import SIGNING_SECRET, RunningBot

from bot.offline.standin import SlackStandIn

BODY = urlencode({"command": "/dip", "text": "help", "user_id": "U0INSPEC01"})


def post(url: str, body: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body.encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        with error:
            return error.code


def health(bot: RunningBot) -> int:
    with urllib.request.urlopen(f"{bot.url}/healthz", timeout=30) as response:
        return int(response.status)


def signed(timestamp: str) -> dict[str, str]:
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=timestamp, body=BODY)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature or "",
    }


@pytest.mark.parametrize(
    "timestamp", ["not-a-number", "", "1.5", "-1", "170000000²", "9" * 40, " 1700000000"]
)
def test_a_malformed_timestamp_is_refused_with_401(
    bot: RunningBot, standin: SlackStandIn, timestamp: str
) -> None:
    headers = signed(str(int(time.time())))
    headers["X-Slack-Request-Timestamp"] = timestamp

    assert post(bot.events_url, BODY, headers) == 401
    assert health(bot) == 200
    assert [call.method for call in standin.calls] == ["auth.test"]


@pytest.mark.parametrize("signature", ["", "v0=", "v1=" + "0" * 64, "v0=" + "Z" * 64, "x" * 5000])
def test_a_malformed_signature_is_refused_with_401(
    bot: RunningBot, standin: SlackStandIn, signature: str
) -> None:
    headers = signed(str(int(time.time())))
    headers["X-Slack-Signature"] = signature

    assert post(bot.events_url, BODY, headers) == 401
    assert health(bot) == 200
    assert [call.method for call in standin.calls] == ["auth.test"]


def test_a_well_formed_signature_still_reaches_the_app(
    bot: RunningBot, standin: SlackStandIn
) -> None:
    # With a response_url, as Slack always sends: without one the listener's reply raises
    # after its ack, and Bolt's thread runner then sometimes answers 404 (it resets the ack).
    url = standin.response_url("U0INSPEC01", "D0INSPEC01", None)
    body = urlencode(
        {"command": "/dip", "text": "help", "user_id": "U0INSPEC01", "response_url": url}
    )
    headers = signed(str(int(time.time())))
    headers["X-Slack-Signature"] = (
        SignatureVerifier(SIGNING_SECRET).generate_signature(
            timestamp=headers["X-Slack-Request-Timestamp"], body=body
        )
        or ""
    )
    assert post(bot.events_url, body, headers) == 200


def test_a_deeply_nested_interaction_payload_is_not_a_500(bot: RunningBot) -> None:
    body = urlencode({"payload": "[" * 100_000 + "]" * 100_000})
    headers = signed(str(int(time.time())))
    headers["X-Slack-Signature"] = (
        SignatureVerifier(SIGNING_SECRET).generate_signature(
            timestamp=headers["X-Slack-Request-Timestamp"], body=body
        )
        or ""
    )
    status = post(bot.events_url, body, headers)
    assert 400 <= status < 500, status
    assert health(bot) == 200


def test_json_of_the_health_check_is_still_ok(bot: RunningBot) -> None:
    with urllib.request.urlopen(f"{bot.url}/healthz", timeout=30) as response:
        assert json.loads(response.read()) == {"ok": True}


@pytest.mark.parametrize(
    "body",
    [
        "payload=nope",
        "payload=%5B1%5D",  # a JSON list where an object belongs
        "{not json",
        "payload=" + "%5B" * 5000,
        "just words",
    ],
)
def test_a_body_slack_would_never_send_is_400_not_500(
    bot: RunningBot, standin: SlackStandIn, body: str
) -> None:
    headers = signed(str(int(time.time())))
    headers["X-Slack-Signature"] = (
        SignatureVerifier(SIGNING_SECRET).generate_signature(
            timestamp=headers["X-Slack-Request-Timestamp"], body=body
        )
        or ""
    )

    assert post(bot.events_url, body, headers) == 400
    assert health(bot) == 200
    assert [call.method for call in standin.calls] == ["auth.test"]


def test_a_body_that_is_not_utf8_is_400_not_500(bot: RunningBot) -> None:
    request = urllib.request.Request(
        bot.events_url,
        data=b"payload=\xff\xfe\xfd",
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        with error:
            status = error.code
    assert status == 400
    assert health(bot) == 200
