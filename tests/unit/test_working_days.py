from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from inspections.bank_holidays import england_and_wales_bank_holidays
from inspections.timeliness import Timeliness, timeliness_of
from inspections.trends import Spread
from inspections.working_days import (
    add_working_days,
    is_working_day,
    reminder_time,
    working_day_on_or_after,
    working_days_between,
)

LONDON = ZoneInfo("Europe/London")
BST = timezone(timedelta(hours=1), "BST")
HOLIDAYS = england_and_wales_bank_holidays(range(2026, 2029))


def due(start: datetime, days: int = 2) -> datetime:
    return add_working_days(start, days, tz=LONDON, holidays=HOLIDAYS)


def remind(assigned_at: datetime, due_at: datetime) -> datetime:
    return reminder_time(assigned_at, due_at, tz=LONDON, holidays=HOLIDAYS)


def test_bank_holidays_2026_include_easter_may_summer_and_the_boxing_day_substitute() -> None:
    expected = {
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # early May
        date(2026, 5, 25),  # spring
        date(2026, 8, 31),  # summer
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day falls on a Saturday
    }

    assert expected <= england_and_wales_bank_holidays([2026])


def test_bank_holidays_2027_include_easter_and_both_christmas_substitute_days() -> None:
    expected = {
        date(2027, 1, 1),
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),
        date(2027, 5, 31),
        date(2027, 8, 30),
        date(2027, 12, 27),  # Christmas Day falls on a Saturday
        date(2027, 12, 28),  # Boxing Day falls on a Sunday
    }
    weekend_days = {date(2027, 12, 25), date(2027, 12, 26)}

    assert england_and_wales_bank_holidays([2027]) - weekend_days == expected


def test_bank_holidays_include_one_off_days_a_hand_kept_list_would_miss() -> None:
    assert date(2023, 5, 8) in england_and_wales_bank_holidays([2023])  # the coronation


def test_bank_holidays_accept_any_iterable_of_years() -> None:
    assert england_and_wales_bank_holidays(iter([2027, 2026, 2027])) == (
        england_and_wales_bank_holidays(range(2026, 2028))
    )
    assert england_and_wales_bank_holidays([]) == frozenset()


def test_weekends_and_bank_holidays_are_not_working_days() -> None:
    assert is_working_day(date(2027, 3, 25), HOLIDAYS) is True  # Thursday before Easter
    assert is_working_day(date(2027, 3, 26), HOLIDAYS) is False  # Good Friday
    assert is_working_day(date(2027, 3, 27), HOLIDAYS) is False  # Saturday
    assert is_working_day(date(2027, 3, 28), HOLIDAYS) is False  # Sunday


def test_due_is_the_same_local_time_two_working_days_later() -> None:
    assert due(datetime(2026, 11, 4, 10, 0, tzinfo=UTC)) == datetime(2026, 11, 6, 10, 0, tzinfo=UTC)


def test_due_skips_the_weekend() -> None:
    thursday = datetime(2026, 11, 5, 16, 30, tzinfo=UTC)

    assert due(thursday) == datetime(2026, 11, 9, 16, 30, tzinfo=UTC)


def test_due_skips_easter_2027_and_keeps_local_time_across_the_clocks_going_forward() -> None:
    thursday = datetime(2027, 3, 25, 14, 0, tzinfo=UTC)  # 14:00 GMT

    # Good Friday, the weekend (clocks change on Easter Sunday) and Easter Monday are skipped:
    # Tuesday 30 March is day one, Wednesday 31 March at 14:00 BST is due.
    assert due(thursday) == datetime(2027, 3, 31, 13, 0, tzinfo=UTC)


def test_due_skips_the_christmas_2027_substitute_days() -> None:
    thursday = datetime(2027, 12, 23, 11, 0, tzinfo=UTC)

    assert due(thursday) == datetime(2027, 12, 29, 11, 0, tzinfo=UTC)


def test_due_crosses_into_the_next_year_skipping_the_new_year_substitute() -> None:
    friday = datetime(2027, 12, 31, 10, 0, tzinfo=UTC)

    assert due(friday) == datetime(2028, 1, 5, 10, 0, tzinfo=UTC)


def test_due_keeps_local_time_across_the_clocks_going_back() -> None:
    friday = datetime(2026, 10, 23, 10, 0, tzinfo=BST)

    assert due(friday) == datetime(2026, 10, 27, 10, 0, tzinfo=UTC)  # 10:00 GMT on Tuesday


def test_work_handed_over_on_a_weekend_counts_from_nine_on_the_next_working_day() -> None:
    saturday = datetime(2026, 11, 7, 15, 0, tzinfo=UTC)

    assert due(saturday) == datetime(2026, 11, 11, 9, 0, tzinfo=UTC)


def test_work_handed_over_on_a_bank_holiday_counts_from_nine_on_the_next_working_day() -> None:
    easter_monday = datetime(2027, 3, 29, 12, 0, tzinfo=BST)

    assert due(easter_monday) == datetime(2027, 4, 1, 9, 0, tzinfo=BST)


def test_due_is_returned_in_utc_whatever_the_input_zone() -> None:
    result = due(datetime(2026, 6, 3, 10, 0, tzinfo=BST))

    assert result == datetime(2026, 6, 5, 9, 0, tzinfo=UTC)
    assert result.tzinfo is UTC


def test_a_due_time_in_a_skipped_hour_moves_on_by_the_gap() -> None:
    cairo = ZoneInfo("Africa/Cairo")  # clocks went from 00:00 to 01:00 on Friday 26 April 2024
    wednesday = datetime(2024, 4, 24, 0, 30, tzinfo=cairo)

    result = add_working_days(wednesday, 2, tz=cairo, holidays=frozenset())

    assert result.astimezone(cairo).replace(tzinfo=None) == datetime(2024, 4, 26, 1, 30)


def test_zero_working_days_on_a_working_day_is_the_start_itself() -> None:
    start = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)

    assert due(start, 0) == start


def test_add_working_days_refuses_naive_times_and_negative_days() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due(datetime(2026, 11, 4, 10, 0))
    with pytest.raises(ValueError, match="days"):
        due(datetime(2026, 11, 4, 10, 0, tzinfo=UTC), -1)


def test_reminder_is_one_working_day_before_due_at_the_same_local_time() -> None:
    assigned = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)

    assert remind(assigned, due(assigned)) == datetime(2026, 11, 5, 10, 0, tzinfo=UTC)


def test_reminder_skips_back_over_the_christmas_2027_substitute_days() -> None:
    assigned = datetime(2027, 12, 23, 11, 0, tzinfo=UTC)

    assert remind(assigned, due(assigned)) == datetime(2027, 12, 24, 11, 0, tzinfo=UTC)


def test_reminder_before_a_due_time_after_easter_2027_keeps_summer_time() -> None:
    assigned = datetime(2027, 3, 25, 14, 0, tzinfo=UTC)

    assert remind(assigned, due(assigned)) == datetime(2027, 3, 30, 13, 0, tzinfo=UTC)


def test_reminder_falls_halfway_when_a_working_day_before_due_is_before_assignment() -> None:
    assigned = datetime(2026, 11, 9, 10, 0, tzinfo=UTC)
    due_at = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)

    assert remind(assigned, due_at) == datetime(2026, 11, 9, 21, 30, tzinfo=UTC)


def test_reminder_falls_halfway_rather_than_at_the_moment_of_assignment() -> None:
    assigned = datetime(2026, 11, 9, 10, 0, tzinfo=UTC)

    assert remind(assigned, due(assigned, 1)) == datetime(2026, 11, 9, 22, 0, tzinfo=UTC)


def test_reminder_refuses_a_due_time_not_after_assignment() -> None:
    assigned = datetime(2026, 11, 9, 10, 0, tzinfo=UTC)

    with pytest.raises(ValueError, match="not after"):
        remind(assigned, assigned)


def test_a_working_day_is_its_own_first_working_day_and_a_holiday_leads_to_the_next() -> None:
    good_friday, easter_monday = date(2026, 4, 3), date(2026, 4, 6)
    holidays = {good_friday, easter_monday}
    assert working_day_on_or_after(date(2026, 4, 2), holidays) == date(2026, 4, 2)
    assert working_day_on_or_after(good_friday, holidays) == date(2026, 4, 7)


def test_working_days_between_skips_weekends_and_bank_holidays() -> None:
    holidays = england_and_wales_bank_holidays([2026])
    friday, monday = date(2026, 2, 20), date(2026, 2, 23)

    assert working_days_between(friday, friday, holidays) == 0
    assert working_days_between(friday, monday, holidays) == 1
    # Thursday 2 April to Tuesday 7 April 2026: Good Friday and Easter Monday are holidays.
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7), holidays) == 1
    with pytest.raises(ValueError, match="before start"):
        working_days_between(monday, friday, holidays)


def test_timeliness_counts_working_days_from_referral_to_review() -> None:
    holidays = england_and_wales_bank_holidays([2026])
    london = ZoneInfo("Europe/London")

    def at(day: int, month: int = 3) -> datetime:
        return datetime(2026, month, day, 10, 0, tzinfo=UTC)

    # 2 Mar to 3 Mar: 1 day; 2 Mar to 9 Mar: 5; Thu 2 Apr to Tue 7 Apr (Easter): 1.
    found = timeliness_of(
        [(at(2), at(3)), (at(2), at(9)), (at(2, 4), at(7, 4))], tz=london, holidays=holidays
    )

    assert found.reviews == 3
    # 1, 1, 5: median 1; 90th percentile at 0.9 x 2 = 1.8 between 1 and 5: 1 + 0.8 x 4 = 4.2.
    assert found.working_days == Spread(1.0, pytest.approx(4.2))
    assert timeliness_of([], tz=london, holidays=holidays) == Timeliness(0, None)
