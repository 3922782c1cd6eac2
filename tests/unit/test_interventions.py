"""The intervention's rules: who may act, in which order, and when it is escalated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from inspections.bank_holidays import england_and_wales_bank_holidays
from inspections.interventions import (
    Record,
    Stage,
    Step,
    escalation_due,
    figures_of,
    outcome_problem,
    overdue,
    step_problem,
    working_hours_between,
)
from inspections.trends import Spread

LONDON = ZoneInfo("Europe/London")
HOLIDAYS = england_and_wales_bank_holidays([2026])
RAISED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday 10:00 (GMT)


def test_the_stages_follow_the_record() -> None:
    assert Record(RAISED).stage is Stage.RAISED
    assert Record(RAISED, acknowledged_at=RAISED).stage is Stage.ACKNOWLEDGED
    assert Record(RAISED, RAISED, closed_at=RAISED).stage is Stage.CLOSED


def test_only_a_recipient_acts_and_each_step_once() -> None:
    raised, acknowledged = Record(RAISED), Record(RAISED, acknowledged_at=RAISED)
    closed = Record(RAISED, RAISED, closed_at=RAISED)

    assert step_problem(raised, Step.ACKNOWLEDGE, person_id=1, recipients={1, 2}) is None
    assert step_problem(raised, Step.RECORD_OUTCOME, person_id=2, recipients={1, 2}) is None
    assert step_problem(acknowledged, Step.RECORD_OUTCOME, person_id=1, recipients={1}) is None
    assert step_problem(raised, Step.ACKNOWLEDGE, person_id=3, recipients={1, 2}) == (
        "Only the managers this alert was sent to can act on it."
    )
    assert step_problem(acknowledged, Step.ACKNOWLEDGE, person_id=1, recipients={1}) == (
        "This intervention has already been acknowledged."
    )
    assert step_problem(closed, Step.RECORD_OUTCOME, person_id=1, recipients={1}) == (
        "This intervention is already closed."
    )


def test_an_outcome_needs_a_known_outcome_and_what_was_done() -> None:
    assert outcome_problem("decision_reconsidered", "Reviewed the NFA with the lawyer.") is None
    assert outcome_problem("decision_reconsidered", "  ") == (
        "Say what was done, in a sentence or two."
    )
    assert (outcome_problem("shrugged", "x") or "").startswith("Choose an outcome:")


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        # Monday 10:00 to 14:00: 4 hours.
        (datetime(2026, 3, 2, 10, 0, tzinfo=UTC), datetime(2026, 3, 2, 14, 0, tzinfo=UTC), 4.0),
        # Friday 15:00 to Monday 11:00: 2 hours on Friday, 2 on Monday, none at the weekend.
        (datetime(2026, 3, 6, 15, 0, tzinfo=UTC), datetime(2026, 3, 9, 11, 0, tzinfo=UTC), 4.0),
        # Thursday 2 April 16:00 to Tuesday 7 April 10:00 (BST): Good Friday and Easter Monday
        # are bank holidays, so 1 hour on Thursday and 1 on Tuesday.
        (datetime(2026, 4, 2, 15, 0, tzinfo=UTC), datetime(2026, 4, 7, 9, 0, tzinfo=UTC), 2.0),
        # Raised at night: nothing counts until 09:00.
        (datetime(2026, 3, 2, 22, 0, tzinfo=UTC), datetime(2026, 3, 3, 9, 30, tzinfo=UTC), 0.5),
    ],
)
def test_working_hours_skip_nights_weekends_and_bank_holidays(
    start: datetime, end: datetime, hours: float
) -> None:
    assert working_hours_between(start, end, tz=LONDON, holidays=HOLIDAYS) == pytest.approx(hours)


def test_escalation_is_due_after_four_working_hours_unacknowledged() -> None:
    friday_3pm = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    record = Record(friday_3pm)
    monday = datetime(2026, 3, 9, 10, 59, tzinfo=UTC)

    def due(at: datetime, r: Record = record) -> bool:
        return escalation_due(r, now=at, within_hours=4, tz=LONDON, holidays=HOLIDAYS)

    assert not due(monday)  # 3 h 59 min of working time
    assert due(monday.replace(minute=0, hour=11))
    assert not due(monday.replace(hour=12), Record(friday_3pm, acknowledged_at=friday_3pm))


def test_figures_count_each_step_and_spread_the_elapsed_hours() -> None:
    def after(hours: float) -> datetime:
        return RAISED + timedelta(hours=hours)

    records = [
        Record(RAISED, acknowledged_at=after(1), closed_at=after(10)),
        Record(RAISED, acknowledged_at=after(2), closed_at=after(20)),
        Record(RAISED, acknowledged_at=after(3)),
        Record(RAISED, acknowledged_at=after(4)),
        Record(RAISED, acknowledged_at=after(10)),
        Record(RAISED),
    ]

    found = figures_of(records)

    assert (found.raised, found.acknowledged, found.closed, found.still_open) == (6, 5, 2, 4)
    # Acknowledged after 1, 2, 3, 4, 10 hours: median 3; the 90th percentile interpolates
    # between 4 and 10 at position 0.9 x (5 - 1) = 3.6, so 4 + 0.6 x 6 = 7.6.
    assert found.to_acknowledge == Spread(3.0, pytest.approx(7.6))
    # Closed after 10 and 20 hours: median 15, 90th percentile 10 + 0.9 x 10 = 19.
    assert found.to_close == Spread(15.0, pytest.approx(19.0))
    assert figures_of([Record(RAISED)]).to_acknowledge is None


def test_an_intervention_is_overdue_after_five_working_days_open() -> None:
    monday = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def late(now: datetime, record: Record | None = None) -> bool:
        record = record or Record(monday)
        return overdue(record, now=now, within_days=5, tz=LONDON, holidays=HOLIDAYS)

    assert not late(datetime(2026, 3, 9, 16, 0, tzinfo=UTC))  # next Monday: 5 working days
    assert late(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))  # Tuesday: 6
    assert not late(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), Record(monday, monday, monday))


def test_one_withdrawn_by_a_changed_mark_is_not_counted_as_closed_by_a_manager() -> None:
    later = RAISED + timedelta(minutes=5)
    found = figures_of(
        [
            Record(RAISED, closed_at=later, outcome="mark_changed"),
            Record(
                RAISED, RAISED + timedelta(hours=1), RAISED + timedelta(hours=3), "lawyer_advised"
            ),
        ]
    )

    assert (found.raised, found.closed, found.withdrawn, found.still_open) == (2, 1, 1, 0)
    assert found.to_close == Spread(3.0, 3.0)
