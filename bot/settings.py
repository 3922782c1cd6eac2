"""Settings read from the environment once, at the entry point."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

DEFAULT_DATABASE_URL = "sqlite:///dipsample.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))
    intake_token: str | None = None
    # Secret for the reproducible sampling draw; without it the draw is still
    # deterministic but anyone knowing a review's identity could predict it.
    sampling_secret: str = "dipsample-development-secret"
    # None: the policy shipped in bot/services/intake/policies/.
    sampling_policy_path: str | None = None
    inspector_capacity: int = 8  # open inspections one inspector may hold at once
    # "area_where_possible": outside the lawyer's Area when an inspector there can take the
    # review, else outside their unit; "area": never their Area; "unit": never their unit.
    independence: str = "area_where_possible"
    due_working_days: int = 2
    # An intervention not acknowledged within this many working hours is escalated.
    acknowledge_within_hours: float = 4.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        return cls(
            database_url=get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=get("SLACK_API_URL"),
            timezone=ZoneInfo(get("DIPSAMPLE_TIMEZONE") or "Europe/London"),
            intake_token=get("DIPSAMPLE_INTAKE_TOKEN"),
            sampling_secret=get("DIPSAMPLE_SAMPLING_SECRET") or cls.sampling_secret,
            sampling_policy_path=get("DIPSAMPLE_SAMPLING_POLICY"),
            inspector_capacity=int(get("DIPSAMPLE_INSPECTOR_CAPACITY") or cls.inspector_capacity),
            independence=get("DIPSAMPLE_INDEPENDENCE") or cls.independence,
            due_working_days=int(get("DIPSAMPLE_DUE_WORKING_DAYS") or cls.due_working_days),
            acknowledge_within_hours=float(
                get("DIPSAMPLE_ACKNOWLEDGE_WITHIN_HOURS") or cls.acknowledge_within_hours
            ),
        )
