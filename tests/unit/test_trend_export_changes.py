"""What the CSV and JSON exports say about change: for rows and questions too, and never
against a group of fewer than 5 inspections."""

from __future__ import annotations

import csv
import io
import json

from test_trend_summary_changes import inspected, mark, summary

from bot.services.trends.export import as_csv, as_json
from bot.slack.blocks.trends import section_text
from inspections.trend_summary import CURRENT, PREVIOUS
from inspections.trends import Direction


def test_rows_and_questions_state_their_change_in_json_and_csv() -> None:
    composed = summary(
        marks=[
            mark(PREVIOUS, "Wessex", "isva", 100, 90),
            mark(CURRENT, "Wessex", "isva", 100, 40),
        ],
        inspections=[inspected(PREVIOUS, "Wessex", 100), inspected(CURRENT, "Wessex", 100)],
    )

    document = json.loads(as_json(composed))
    [row] = document["rows"]
    [question] = document["questions"]
    lines = list(csv.DictReader(io.StringIO(as_csv(composed))))

    assert (row["name"], row["change"], row["previous"]["fully_met"]) == ("Wessex", "down", 90)
    assert (question["id"], question["change"], question["fully_met"]) == ("isva", "down", 40)
    assert [(r["level"], r["change"]) for r in lines if r["level"] in ("row", "question")] == [
        ("row", "down"),
        ("question", "down"),
    ]


def test_no_change_is_stated_against_a_period_of_fewer_than_five_inspections() -> None:
    composed = summary(
        marks=[
            mark(PREVIOUS, "Wessex", "isva", 3, 3),
            mark(CURRENT, "Wessex", "isva", 100, 10),
        ],
        inspections=[inspected(PREVIOUS, "Wessex", 3), inspected(CURRENT, "Wessex", 100)],
    )

    document = json.loads(as_json(composed))
    lines = list(csv.DictReader(io.StringIO(as_csv(composed))))

    assert document["change"] == ""
    assert document["previous"] == {"inspections": "fewer than 5"}
    assert document["rows"][0]["change"] == ""
    assert document["questions"][0]["change"] == ""
    assert {r["change"] for r in lines if r["level"] in ("headline", "row", "question")} == {""}


def test_a_section_states_no_change_against_a_period_of_fewer_than_five() -> None:
    composed = summary(
        marks=[mark(PREVIOUS, "Wessex", "isva", 3, 0), mark(CURRENT, "Wessex", "isva", 100, 95)],
        inspections=[inspected(PREVIOUS, "Wessex", 3), inspected(CURRENT, "Wessex", 100)],
    )
    [section] = composed.sections

    assert section.change.direction is Direction.UP  # what the figures alone would say
    assert section.stated_change is None
    assert json.loads(as_json(composed))["sections"][0]["change"] == ""
    assert [r["change"] for r in csv.DictReader(io.StringIO(as_csv(composed)))][2] == ""
    assert "up" not in section_text(section)
