"""Real-time dip-sampling: which completed reviews are inspected, and why.

A decision is a pure function of the policy, the review, a secret seed and what the caller knows
about the lawyer's month, so the audit can recompute every decision later. The random part is an
HMAC of the review's identity, never a global random generator.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from inspections.areas import AREAS
from questionnaires.model import REVIEW_TYPES

_TWO_TO_THE_64 = 2**64
DEFAULT_DOUBLE_MARK_RATE = 0.05


class Rule(StrEnum):
    """Why a review was (or was not) selected; stored with every decision."""

    PCD_ACTION_PLANS = "pcd_action_plans"
    THRESHOLD_CHARGE = "threshold_charge"
    NO_FURTHER_ACTION = "no_further_action"
    MONTHLY_FLOOR = "monthly_floor"
    RANDOM_RATE = "random_rate"
    NOT_SELECTED = "not_selected"


@dataclass(frozen=True)
class Rates:
    early_advice: float
    pre_charge_decision: float

    def __post_init__(self) -> None:
        for name in REVIEW_TYPES:
            _check_rate(name, getattr(self, name))

    def for_type(self, review_type: str) -> float:
        return float(getattr(self, _checked_type(review_type)))


@dataclass(frozen=True)
class RateOverride:
    """An Area's own rates; a review type left as None uses the policy-wide rate."""

    early_advice: float | None = None
    pre_charge_decision: float | None = None

    def __post_init__(self) -> None:
        for name in REVIEW_TYPES:
            value = getattr(self, name)
            if value is not None:
                _check_rate(name, value)

    def for_type(self, review_type: str) -> float | None:
        value = getattr(self, _checked_type(review_type))
        return None if value is None else float(value)


@dataclass(frozen=True)
class AlwaysSelect:
    pcd_action_plans: bool = True
    action_plan_threshold: int = 3
    threshold_charge: bool = True
    no_further_action: bool = True

    def __post_init__(self) -> None:
        if self.action_plan_threshold < 1:
            raise ValueError(f"action_plan_threshold must be >= 1: {self.action_plan_threshold}")


@dataclass(frozen=True)
class MonthlyFloor:
    enabled: bool = True
    by_day: int = 15

    def __post_init__(self) -> None:
        # Capped at 28 so that the floor falls due in every month, February included.
        if not 1 <= self.by_day <= 28:
            raise ValueError(f"by_day must be between 1 and 28: {self.by_day}")


@dataclass(frozen=True)
class SamplingPolicy:
    version: str
    rates: Rates
    always_select: AlwaysSelect = field(default_factory=AlwaysSelect)
    monthly_floor: MonthlyFloor = field(default_factory=MonthlyFloor)
    # Area name -> override. Left out of the hash (a mapping is unhashable); equality still uses it.
    area_rates: Mapping[str, RateOverride] = field(
        default_factory=lambda: MappingProxyType({}), hash=False
    )
    # The share of sampled reviews also marked blind by a second inspector, for consistency.
    double_mark_rate: float = DEFAULT_DOUBLE_MARK_RATE

    def __post_init__(self) -> None:
        if not self.version:
            raise ValueError("a sampling policy needs a version")
        _check_rate("double_mark_rate", self.double_mark_rate)
        unknown = sorted(set(self.area_rates) - set(AREAS))
        if unknown:
            raise ValueError(f"unknown Area(s) in area_rates: {', '.join(unknown)}")
        object.__setattr__(self, "area_rates", MappingProxyType(dict(self.area_rates)))

    def rules(self) -> dict[str, object]:
        """Everything that decides a selection, as plain data in a fixed order (the version
        and the file's wording left out): what a policy version is held to."""
        rules: dict[str, object] = {
            "rates": dataclasses.asdict(self.rates),
            "area_rates": {
                area: dataclasses.asdict(override)
                for area, override in sorted(self.area_rates.items())
            },
            "always_select": dataclasses.asdict(self.always_select),
            "monthly_floor": dataclasses.asdict(self.monthly_floor),
        }
        # Only when it differs from the default, so that a version stored before the setting
        # existed keeps its fingerprint.
        if self.double_mark_rate != DEFAULT_DOUBLE_MARK_RATE:
            rules["double_mark_rate"] = self.double_mark_rate
        return rules

    def fingerprint(self) -> str:
        """A hash of the rules: two files under one version must agree on it."""
        canonical = json.dumps(self.rules(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def rate_for(self, review_type: str, area: str) -> float:
        override = self.area_rates.get(area)
        area_rate = override.for_type(review_type) if override else None
        return self.rates.for_type(review_type) if area_rate is None else area_rate


@dataclass(frozen=True)
class ReviewFacts:
    """What sampling needs to know about one completed review.

    identity is the review's stable audit key: "source:<source_id>" when the source system gave
    one, otherwise "review:<urn>|<review_type>|<completed_at in UTC, ISO 8601>" (the same key
    intake uses to recognise a re-imported review).
    """

    identity: str
    urn: str
    review_type: str
    area: str
    unit: str
    lawyer_email: str
    completed_at: datetime
    action_plan_count: int
    outcome: str | None

    def __post_init__(self) -> None:
        _checked_type(self.review_type)
        if self.completed_at.tzinfo is None or self.completed_at.utcoffset() is None:
            raise ValueError(f"completed_at must be timezone-aware: {self.completed_at!r}")
        if self.action_plan_count < 0:
            raise ValueError(f"action_plan_count must be >= 0: {self.action_plan_count}")


@dataclass(frozen=True)
class SamplingDecision:
    selected: bool
    rule: Rule
    draw: float  # computed for every decision, so the audit can recompute and compare it
    policy_version: str


def draw(secret: bytes, identity: str) -> float:
    """A number in [0, 1) fixed by the secret and the review: HMAC-SHA256, first 8 bytes / 2**64."""
    if not secret:
        raise ValueError("the sampling secret must not be empty")  # draws would be guessable
    digest = hmac.new(secret, identity.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / _TWO_TO_THE_64


def decide(
    policy: SamplingPolicy,
    review: ReviewFacts,
    *,
    secret: bytes,
    lawyer_sampled_this_month: bool,
    local_date: date,
) -> SamplingDecision:
    """Always-select rules first, then the monthly floor, then the random rate.

    local_date fixes "this month" and whether the floor's day has come; pass the review's
    completion date in the local time zone, so that an import of older reviews is judged in the
    month each review belongs to (and lawyer_sampled_this_month must mean that same month).
    """
    value = draw(secret, review.identity)
    rule = _always_select_rule(policy.always_select, review)
    if rule is None and floor_is_due(policy, local_date) and not lawyer_sampled_this_month:
        rule = Rule.MONTHLY_FLOOR
    if rule is None:
        selected = value < policy.rate_for(review.review_type, review.area)
        rule = Rule.RANDOM_RATE if selected else Rule.NOT_SELECTED
    return SamplingDecision(
        selected=rule is not Rule.NOT_SELECTED,
        rule=rule,
        draw=value,
        policy_version=policy.version,
    )


def double_mark_draw(secret: bytes, identity: str) -> float:
    """The draw that decides blind double-marking: like the sampling draw, but of its own, so
    which sampled reviews are double-marked is independent of why they were sampled."""
    return draw(secret, f"double-mark\n{identity}")


def is_double_marked(policy: SamplingPolicy, *, secret: bytes, identity: str) -> bool:
    """Whether a sampled review also gets a blind second inspector."""
    return double_mark_draw(secret, identity) < policy.double_mark_rate


def floor_is_due(policy: SamplingPolicy, local_date: date) -> bool:
    return policy.monthly_floor.enabled and local_date.day >= policy.monthly_floor.by_day


@dataclass(frozen=True)
class ReviewRef:
    identity: str
    completed_at: datetime


@dataclass(frozen=True)
class LawyerMonth:
    """One lawyer's sampling so far in the month: the input to the floor top-up job."""

    lawyer_email: str
    has_sampled_review: bool
    not_selected: Sequence[ReviewRef]  # this month's reviews that were decided "not_selected"


@dataclass(frozen=True)
class FloorSelection:
    lawyer_email: str
    identity: str
    rule: Rule
    policy_version: str


def floor_top_up(
    policy: SamplingPolicy, *, local_date: date, lawyers: Iterable[LawyerMonth]
) -> list[FloorSelection]:
    """For each lawyer still unsampled this month, select their most recent review (by_day on).

    This catches lawyers whose reviews all arrived before by_day and who have none since; the
    result is ordered by lawyer so that repeated runs give the same list.
    """
    if not floor_is_due(policy, local_date):
        return []
    selections = []
    for lawyer in lawyers:
        if lawyer.has_sampled_review or not lawyer.not_selected:
            continue
        latest = max(lawyer.not_selected, key=lambda r: (r.completed_at, r.identity))
        selections.append(
            FloorSelection(lawyer.lawyer_email, latest.identity, Rule.MONTHLY_FLOOR, policy.version)
        )
    return sorted(selections, key=lambda s: s.lawyer_email)


def month_window(local_date: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The calendar month of local_date in tz, as a half-open [start, end) interval in UTC."""
    first = local_date.replace(day=1)
    following = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )
    start = datetime.combine(first, time(), tzinfo=tz).astimezone(UTC)
    return start, datetime.combine(following, time(), tzinfo=tz).astimezone(UTC)


def _always_select_rule(rules: AlwaysSelect, review: ReviewFacts) -> Rule | None:
    if (
        rules.pcd_action_plans
        and review.review_type == "pre_charge_decision"
        and review.action_plan_count >= rules.action_plan_threshold
    ):
        return Rule.PCD_ACTION_PLANS
    if rules.threshold_charge and review.outcome == "threshold_charge":
        return Rule.THRESHOLD_CHARGE
    if rules.no_further_action and review.outcome == "no_further_action":
        return Rule.NO_FURTHER_ACTION
    return None


def _check_rate(name: str, value: float) -> None:
    if isinstance(value, bool) or not 0.0 <= value <= 1.0:
        raise ValueError(f"the {name} rate must be between 0 and 1: {value!r}")


def _checked_type(review_type: str) -> str:
    if review_type not in REVIEW_TYPES:
        raise ValueError(f"unknown review type {review_type!r}")
    return review_type
