"""What `/dip trends …` and `/dip rjoim …` ask for, read from the words typed.

    /dip trends [me | team | unit [NAME] | area [NAME] | national | AREA NAME] [PERIOD] [TYPE]
    /dip rjoim [AREA NAME] [FORCE CODE] [PERIOD]

The words may come in any order: a period looks like `quarter`, `last-month`, `2026-03`,
`2026-Q1` or `2026-01-01..2026-02-15`; a review type is `ea` or `pcd` (or the full names);
whatever is left names the scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import refusals
from bot.refusals import Refused
from inspections.forces import force_problem
from inspections.periods import (
    BadPeriod,
    Period,
    PeriodKind,
    looks_like_period,
    parse_period,
    quarter_of,
)
from inspections.scopes import REQUEST_KINDS, ScopeRequest, find_area

REVIEW_TYPE_WORDS = {
    "ea": "early_advice",
    "early-advice": "early_advice",
    "early_advice": "early_advice",
    "pcd": "pre_charge_decision",
    "pre-charge-decision": "pre_charge_decision",
    "pre_charge_decision": "pre_charge_decision",
}


@dataclass(frozen=True)
class TrendRequest:
    scope: ScopeRequest
    period_text: str | None = None  # None: the current quarter
    review_type: str | None = None
    force: str | None = None  # a police force code (the RJOIM agenda only)

    def period(self, today: date) -> Period:
        if self.period_text is None:
            return quarter_of(today)
        return parse_period(self.period_text, today=today)


def parse_trends(arguments: str) -> TrendRequest:
    period, review_type, rest = _split(arguments, refusals.TRENDS_USAGE, allow_review_type=True)
    if not rest:
        return TrendRequest(ScopeRequest(), period, review_type)
    first = rest[0].lower()
    name = " ".join(rest[1:]) or None
    if first in REQUEST_KINDS:
        if name is not None and first not in ("unit", "area"):
            raise Refused(refusals.not_a_scope(" ".join(rest)))
        return TrendRequest(ScopeRequest(first, name), period, review_type)
    area = find_area(" ".join(rest))
    if area is None:
        raise Refused(refusals.neither_scope_nor_area(" ".join(rest)))
    return TrendRequest(ScopeRequest("area", area), period, review_type)


def parse_rjoim(arguments: str) -> TrendRequest:
    period, _, rest = _split(arguments, refusals.RJOIM_USAGE, allow_review_type=False)
    codes = [word for word in rest if word.isascii() and word.isdigit()]
    rest = [word for word in rest if word not in codes]
    force = codes[-1] if codes else None
    if force is not None and (problem := force_problem(force)):
        raise Refused(problem)
    if not rest:
        return TrendRequest(ScopeRequest(), period, force=force)
    words = rest[1:] if rest[0].lower() == "area" else rest
    area = find_area(" ".join(words))
    if area is None:
        raise Refused(refusals.not_an_area(" ".join(rest)))
    return TrendRequest(ScopeRequest("area", area), period, force=force)


def parse_apr(arguments: str) -> TrendRequest:
    """`/dip apr [AREA] [QUARTER]`: the Area's pack for a quarter (the last full one unless
    named)."""
    period, _, rest = _split(arguments, refusals.APR_USAGE, allow_review_type=False)
    if period is not None and parse_period(period, today=date(2000, 1, 1)).kind is not (
        PeriodKind.QUARTER
    ):
        raise Refused(f"`{period}` is not a quarter. {refusals.APR_USAGE}")
    period = period or "last-quarter"
    if not rest:
        return TrendRequest(ScopeRequest("area"), period)
    area = find_area(" ".join(rest))
    if area is None:
        raise Refused(refusals.not_an_area(" ".join(rest), refusals.APR_USAGE))
    return TrendRequest(ScopeRequest("area", area), period)


def _split(
    arguments: str, usage: str, *, allow_review_type: bool
) -> tuple[str | None, str | None, list[str]]:
    period: str | None = None
    review_type: str | None = None
    rest: list[str] = []
    for word in arguments.split():
        lowered = word.lower()
        if allow_review_type and lowered in REVIEW_TYPE_WORDS:
            review_type = REVIEW_TYPE_WORDS[lowered]
        elif looks_like_period(word):
            try:
                parse_period(word, today=date(2000, 1, 1))  # the form only; dates come later
            except BadPeriod as bad:
                raise Refused(f"{bad} {usage}") from None
            period = word
        else:
            rest.append(word)
    return period, review_type, rest
