"""Sampling each review as it arrives: the policy in force, and what is known about each lawyer's
month, loaded once per import and kept current in memory as decisions are taken."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.intake.policy_file import load_sampling_policy
from bot.settings import Settings
from inspections.intake import CaseReviewRow
from inspections.sampling import (
    ReviewFacts,
    SamplingDecision,
    SamplingPolicy,
    decide,
    is_double_marked,
    month_window,
)
from storage import reviews_repo

MonthKey = tuple[int, int, int]  # lawyer id, year, month (local)
_LAWYER_FILTER_LIMIT = 200


def policy_from_settings(settings: Settings) -> SamplingPolicy:
    """The configured policy file, else the shipped default; InvalidSamplingPolicy if faulty."""
    path = Path(settings.sampling_policy_path) if settings.sampling_policy_path else None
    return load_sampling_policy(path)


def review_facts(row: CaseReviewRow, identity: str | None = None) -> ReviewFacts:
    return ReviewFacts(
        identity=row.identity if identity is None else identity,
        urn=row.urn,
        review_type=row.review_type,
        area=row.area,
        unit=row.unit,
        lawyer_email=row.lawyer_email,
        completed_at=row.completed_at,
        action_plan_count=row.action_plan_count,
        outcome=row.outcome,
    )


class LawyerMonths:
    """Which lawyers already have a sampled review in which local calendar month."""

    def __init__(self, tz: ZoneInfo, sampled: Iterable[MonthKey] = ()) -> None:
        self.tz = tz
        self._sampled = set(sampled)

    @classmethod
    def load(
        cls, session: Session, *, tz: ZoneInfo, reviews: Iterable[tuple[int, datetime]]
    ) -> LawyerMonths:
        """One query covering every month of the (lawyer id, completion time) pairs given."""
        pairs = list(reviews)
        if not pairs:
            return cls(tz)
        start, _ = month_window(min(moment for _, moment in pairs).astimezone(tz).date(), tz)
        _, end = month_window(max(moment for _, moment in pairs).astimezone(tz).date(), tz)
        lawyer_ids = {lawyer_id for lawyer_id, _ in pairs}
        # A short IN list for a few lawyers (the HTTP intake); a big import reads the months whole.
        wanted = lawyer_ids if len(lawyer_ids) <= _LAWYER_FILTER_LIMIT else None
        months = cls(tz)
        for lawyer_id, completed in reviews_repo.selected_completions(session, start, end, wanted):
            months.note(lawyer_id, completed.astimezone(tz).date())
        return months

    def has_sample(self, lawyer_id: int, local_date: date) -> bool:
        return (lawyer_id, local_date.year, local_date.month) in self._sampled

    def note(self, lawyer_id: int, local_date: date) -> None:
        self._sampled.add((lawyer_id, local_date.year, local_date.month))


class Sampler:
    def __init__(self, policy: SamplingPolicy, *, secret: bytes, months: LawyerMonths) -> None:
        self.policy = policy
        self._secret = secret
        self._months = months

    def decide(
        self, row: CaseReviewRow, lawyer_id: int, *, identity: str | None = None
    ) -> SamplingDecision:
        """Decide, and remember a selection so the lawyer's floor is met for that month.
        identity, when given, is row.identity computed already."""
        local_date = row.completed_at.astimezone(self._months.tz).date()
        decision = decide(
            self.policy,
            review_facts(row, identity),
            secret=self._secret,
            lawyer_sampled_this_month=self._months.has_sample(lawyer_id, local_date),
            local_date=local_date,
        )
        if decision.selected:
            self._months.note(lawyer_id, local_date)
        return decision

    def double_marked(self, identity: str) -> bool:
        """Whether a selected review also gets a blind second inspector (the policy's
        double_mark_rate, drawn from the review's identity like the sampling draw)."""
        return is_double_marked(self.policy, secret=self._secret, identity=identity)
