"""England and Wales bank holidays from the maintained `holidays` package, not a hand-kept list.

The package includes substitute days (Christmas on a weekend) and one-off holidays such as a
coronation, which a hand-written list would miss.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date

import holidays


def england_and_wales_bank_holidays(years: Iterable[int]) -> frozenset[date]:
    return _for_years(tuple(sorted(set(years))))


@functools.cache
def _for_years(years: tuple[int, ...]) -> frozenset[date]:
    # England's calendar; Wales has exactly the same bank holiday dates.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=years).keys())
