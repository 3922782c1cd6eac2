"""The one place a Slack WebClient is built: base URL, token and retry behaviour."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    RetryHandler,
)
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

from bot.settings import Settings

DEFAULT_MAX_RETRIES = 3
DEFAULT_TIMEOUT_SECONDS = 30


def retry_handlers(
    max_retries: int = DEFAULT_MAX_RETRIES, *, backoff_factor: float = 0.5
) -> list[RetryHandler]:
    """Connection errors, 429 (sleeping for its Retry-After) and 500/503 are retried within
    one call, up to max_retries retries in all (slack_sdk counts them per call, not per
    handler); beyond that the outbox's own backoff takes over."""
    interval = BackoffRetryIntervalCalculator(backoff_factor=backoff_factor)
    return [
        ConnectionErrorRetryHandler(max_retry_count=max_retries, interval_calculator=interval),
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
        ServerErrorRetryHandler(max_retry_count=max_retries, interval_calculator=interval),
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
