"""The bot's WebClient retries every 5xx, not only the 500 and 503 slack_sdk's own handler does:
also the 502 and 504 a gateway in front of Slack gives."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import HttpRequest, HttpResponse, RetryHandler, RetryState
from support.slack_world import BOT_TOKEN

from bot.offline.standin import SlackStandIn
from bot.settings import Settings
from bot.slack.client import AnyServerErrorRetryHandler, make_web_client

INSPECTOR = "U0INSPEC01"


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn(tokens={BOT_TOKEN}) as running:
        running.add_user(INSPECTOR, email="ivy.inspector@example.test", name="Ivy Inspector")
        yield running


def _settings(standin: SlackStandIn) -> Settings:
    return Settings(slack_api_url=standin.api_url, slack_bot_token=BOT_TOKEN)


def _retried(handler: RetryHandler) -> list[int]:
    """The statuses from 400 to 599 the handler would retry on a call's first attempt."""
    request = HttpRequest(method="POST", url="https://slack.com/api/chat.postMessage", headers={})
    return [
        status
        for status in range(400, 600)
        if handler.can_retry(
            state=RetryState(),
            request=request,
            response=HttpResponse(status_code=status, headers={}),
        )
    ]


def test_our_handler_retries_every_5xx_and_no_4xx() -> None:
    # (slack_sdk's own ServerErrorRetryHandler retried only 500 and 503 when this was written.)
    assert _retried(AnyServerErrorRetryHandler()) == list(range(500, 600))


def _gateway_errors(standin: SlackStandIn) -> None:
    standin.fail_next("chat.postMessage", status=502)
    standin.fail_next("chat.postMessage", status=504)


def test_a_502_then_a_504_are_retried_and_the_message_is_posted_once(
    standin: SlackStandIn,
) -> None:
    _gateway_errors(standin)
    client = make_web_client(_settings(standin), backoff_factor=0.0)

    answer = client.chat_postMessage(channel=INSPECTOR, text="Your next inspection")

    assert answer["ok"] is True
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [502, 504, 200]
    assert [m.text for m in standin.messages_to(INSPECTOR)] == ["Your next inspection"]


def test_a_429_is_retried_once_its_retry_after_has_passed(standin: SlackStandIn) -> None:
    standin.fail_next("chat.postMessage", status=429, retry_after=1)
    client = make_web_client(_settings(standin))

    answer = client.chat_postMessage(channel=INSPECTOR, text="Your next inspection")

    assert answer["ok"] is True
    limited, posted = standin.calls_to("chat.postMessage")
    assert (limited.status, posted.status) == (429, 200)
    # Retry-After is a lower bound Slack sets, not a speed: asked to wait 1 s, it waited.
    assert (posted.at - limited.at).total_seconds() >= 1.0
    assert [m.text for m in standin.messages_to(INSPECTOR)] == ["Your next inspection"]


def test_5xx_retries_stop_at_max_retries_and_the_error_reaches_the_caller(
    standin: SlackStandIn,
) -> None:
    _gateway_errors(standin)
    client = make_web_client(_settings(standin), max_retries=1, backoff_factor=0.0)

    with pytest.raises(SlackApiError) as failed:
        client.chat_postMessage(channel=INSPECTOR, text="Your next inspection")

    assert failed.value.response.status_code == 504
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [502, 504]
    assert standin.messages_to(INSPECTOR) == []
