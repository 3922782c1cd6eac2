"""Who manages whom, over a chain of managers as the directory gives it."""

from __future__ import annotations

from dataclasses import dataclass

from inspections.line_management import alert_recipients, heads_unit, manages, unit_head

AREA, UNIT = "Wessex", "RASSO Wessex"


@dataclass(frozen=True)
class P:
    id: int
    area: str = AREA
    unit: str = UNIT


LAWYER = P(1)
LINE_MANAGER = P(2)
HEAD = P(3)
CCP = P(4, unit="Wessex leadership")  # above the unit, outside it


def test_the_unit_head_is_the_last_manager_still_in_the_lawyers_unit() -> None:
    assert unit_head(LAWYER, [LINE_MANAGER, HEAD, CCP]) == HEAD


def test_a_line_manager_at_the_top_of_the_unit_is_its_head() -> None:
    assert unit_head(LAWYER, [LINE_MANAGER, CCP]) == LINE_MANAGER


def test_no_unit_head_when_the_line_manager_is_outside_the_unit() -> None:
    assert unit_head(LAWYER, [CCP, HEAD]) is None
    assert unit_head(LAWYER, []) is None


def test_alerts_go_to_the_line_manager_then_the_unit_head_once_each() -> None:
    assert alert_recipients(LAWYER, [LINE_MANAGER, HEAD, CCP]) == [LINE_MANAGER, HEAD]
    assert alert_recipients(LAWYER, [LINE_MANAGER, CCP]) == [LINE_MANAGER]
    assert alert_recipients(LAWYER, [CCP]) == [CCP]  # a line manager outside the unit
    assert alert_recipients(LAWYER, []) == []


def test_someone_heads_their_unit_when_nobody_above_them_is_in_it() -> None:
    assert heads_unit(HEAD, CCP)
    assert heads_unit(HEAD, None)
    assert not heads_unit(LINE_MANAGER, HEAD)


def test_anyone_in_the_chain_manages_the_person() -> None:
    chain = [LINE_MANAGER, HEAD, CCP]
    assert all(manages(m.id, chain) for m in chain)
    assert not manages(LAWYER.id, chain)
    assert not manages(99, [])
