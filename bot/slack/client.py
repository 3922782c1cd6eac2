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
