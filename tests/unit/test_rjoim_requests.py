"""`/dip rjoim [AREA] [FORCE CODE] [PERIOD]`, read from the words typed."""

from __future__ import annotations

import pytest

from bot.refusals import Refused
from bot.services.trends.requests import parse_rjoim


def test_a_force_code_an_area_and_a_period_in_any_order() -> None:
    request = parse_rjoim("42 2026-Q1 Wessex")

    assert (request.force, request.period_text, request.scope.name) == ("42", "2026-Q1", "Wessex")
    assert parse_rjoim("").force is None


def test_an_unknown_force_code_is_refused_by_name() -> None:
    with pytest.raises(Refused, match="'99' is not a police force code"):
        parse_rjoim("Wessex 99")
