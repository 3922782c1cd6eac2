"""The one place a Slack WebClient is built: base URL, token and retry behaviour."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry import (
    BackoffRetryIntervalCalculator,
    ConnectionErrorRetryHandler,
    HttpRequest,
    HttpResponse,
    RateLimitErrorRetryHandler,
    RetryHandler,
    RetryState,
)

from bot.settings import Settings

DEFAULT_MAX_RETRIES = 3
DEFAULT_TIMEOUT_SECONDS = 30
# Each call well inside the outbox lease, which is renewed just before the post itself.
OUTBOX_TIMEOUT_SECONDS = 10


# Methods that change something in Slack each time they are called: repeating one whose answer
# was lost (a dropped connection, a 5xx from a gateway) could do it twice.
NOT_REPEATABLE = ("chat.postMessage",)


def repeatable(request: HttpRequest) -> bool:
    return not request.url.endswith(NOT_REPEATABLE)


class _RepeatableOnly(RetryHandler):
    """A retry handler that leaves alone a call that may not safely be made again."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return repeatable(request) and super()._can_retry(
            state=state, request=request, response=response, error=error
        )


class RepeatableConnectionErrorRetryHandler(_RepeatableOnly, ConnectionErrorRetryHandler):
    """Connection errors, for calls that may safely be made again."""


class AnyServerErrorRetryHandler(RetryHandler):
    """Every 5xx answer. slack_sdk's own ServerErrorRetryHandler retries only 500 and 503,
    but the gateways between us and Slack (ours and Slack's edge) also answer 502 and 504."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and 500 <= response.status_code <= 599


class RepeatableServerErrorRetryHandler(_RepeatableOnly, AnyServerErrorRetryHandler):
    """Any 5xx, for calls that may safely be made again (Slack may have done the rest)."""


def retry_handlers(
    max_retries: int = DEFAULT_MAX_RETRIES, *, backoff_factor: float = 0.5
) -> list[RetryHandler]:
    """Connection errors, 429 (sleeping for its Retry-After) and any 5xx (with backoff) are
    retried within one call, up to max_retries retries in all (slack_sdk counts them per call,
    not per handler); beyond that the outbox's own backoff takes over."""
    interval = BackoffRetryIntervalCalculator(backoff_factor=backoff_factor)
    return [
        ConnectionErrorRetryHandler(max_retry_count=max_retries, interval_calculator=interval),
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
        AnyServerErrorRetryHandler(max_retry_count=max_retries, interval_calculator=interval),
    ]


def make_web_client(
    settings: Settings,
    *,
    max_retries: int = DEFAULT_MAX_RETRIES,
    backoff_factor: float = 0.5,
    timeout: int = DEFAULT_TIMEOUT_SECONDS,
) -> WebClient:
    base_url = settings.slack_api_url or WebClient.BASE_URL
    return WebClient(
        token=settings.slack_bot_token,
        # Method names are appended to it as they are, so it must end with "/".
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        timeout=timeout,
        retry_handlers=retry_handlers(max_retries, backoff_factor=backoff_factor),
    )


def make_outbox_client(settings: Settings, *, timeout: int = OUTBOX_TIMEOUT_SECONDS) -> WebClient:
    """The outbox dispatcher's client. It never repeats a post itself: a lost answer is left to
    the dispatcher, which looks in Slack for the message before posting it again. Nor does it
    sleep through a 429: the dispatcher puts that message back for its Retry-After and goes on
    with the others."""
    interval = BackoffRetryIntervalCalculator(backoff_factor=0.5)
    client = make_web_client(settings, timeout=timeout)
    client.retry_handlers = [
        RepeatableConnectionErrorRetryHandler(
            max_retry_count=DEFAULT_MAX_RETRIES, interval_calculator=interval
        ),
        RepeatableServerErrorRetryHandler(
            max_retry_count=DEFAULT_MAX_RETRIES, interval_calculator=interval
        ),
    ]
    return client
