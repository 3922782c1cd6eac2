from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.blocks.text import (
    cut_mrkdwn,
    esc,
    escape,
    fields_section,
    format_duration,
    format_local,
    percentage,
    quote,
    review_type_label,
    truncate,
)


def test_truncate_leaves_short_text_alone() -> None:
    assert truncate("Fully met", 75) == "Fully met"


def test_truncate_cuts_long_text_to_the_limit_with_an_ellipsis() -> None:
    assert truncate("abcdefghij", 5) == "abcd…"


@given(st.text(), st.integers(min_value=1, max_value=300))
def test_truncate_never_exceeds_the_limit(text: str, limit: int) -> None:
    assert len(truncate(text, limit)) <= limit


def test_escape_neutralises_mentions_and_links() -> None:
    assert escape("<!channel> & <https://x|y>") == "&lt;!channel&gt; &amp; &lt;https://x|y&gt;"


def test_escaped_cut_never_leaves_half_an_entity() -> None:
    assert esc("ab & cd", 5) == "ab…"
    assert cut_mrkdwn("a &amp; b c d", 9) == "a &amp;…"


@given(st.text(alphabet="a<>& \n", max_size=400), st.integers(min_value=2, max_value=200))
def test_escaped_text_fits_its_limit_and_has_no_raw_angle_brackets(text: str, limit: int) -> None:
    result = esc(text, limit)
    assert len(result) <= limit
    assert "<" not in result and ">" not in result


def test_quote_prefixes_every_line() -> None:
    assert quote("first line\nsecond > line", 100) == ">first line\n>second &gt; line"


def test_format_local_shows_winter_time_in_london() -> None:
    moment = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert format_local(moment, "Europe/London") == "Tue 24 Nov 2026, 14:00"


def test_format_local_shows_british_summer_time() -> None:
    moment = datetime(2026, 7, 1, 13, 5, tzinfo=UTC)
    assert format_local(moment, "Europe/London") == "Wed 1 Jul 2026, 14:05"


def test_format_local_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_local(datetime(2026, 7, 1, 13, 5), "Europe/London")


@pytest.mark.parametrize(
    ("span", "expected"),
    [
        (timedelta(days=3, hours=2), "3 days"),
        (timedelta(days=1, hours=23), "1 day"),
        (timedelta(hours=5, minutes=59), "5 hours"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(minutes=20), "less than an hour"),
    ],
)
def test_format_duration_is_rough_and_readable(span: timedelta, expected: str) -> None:
    assert format_duration(span) == expected


def test_percentage_has_one_decimal() -> None:
    assert [percentage(s) for s in (0.725, 1.0, 0.0, 2 / 3)] == ["72.5%", "100.0%", "0.0%", "66.7%"]


def test_review_types_have_human_labels() -> None:
    assert review_type_label("early_advice") == "Early advice"
    assert review_type_label("pre_charge_decision") == "Pre-charge decision"
    with pytest.raises(ValueError, match="Unknown review type"):
        review_type_label("charge")


def test_fields_escape_values_and_stay_within_the_field_limit() -> None:
    block = fields_section([("Lawyer", "A & B"), ("Note", "x" * 5000)])
    assert block["fields"][0]["text"] == "*Lawyer*\nA &amp; B"
    assert len(block["fields"][1]["text"]) == 2000
