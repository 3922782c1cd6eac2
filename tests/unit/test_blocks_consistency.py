"""The consistency messages stay within Slack's limits and say what their figures mean."""

from __future__ import annotations

import random
from datetime import date

from test_blocks_support import all_text, assert_valid_message, assert_valid_view

from bot.slack.blocks.calibration import (
    CalibrationLine,
    CalibrationResults,
    ReferenceNote,
    calibration_of,
    calibration_results_message,
    reference_message,
    reference_modal,
)
from bot.slack.blocks.consistency import (
    CalibrationView,
    DisagreementNote,
    DisagreementRow,
    alpha_text,
    calibration_message,
    disagreement_message,
)
from inspections.agreement import Alpha, Marking, agreement, inspector_figures
from inspections.trends import Interval

LONG = "x" * 3000


def test_a_disagreement_note_names_both_inspectors_and_each_question() -> None:
    rows = tuple(DisagreementRow(LONG, "Fully met", "Not met") for _ in range(30))
    note = DisagreementNote("42AB1234525", "pre_charge_decision", "Ivy", "Ian", rows)

    payload = disagreement_message(note)

    assert_valid_message(payload)
    assert "Ivy Fully met, Ian Not met" in all_text(payload["blocks"])


def test_the_calibration_report_fits_with_many_questions_and_inspectors() -> None:
    draw = random.Random(7)
    markings = [
        Marking(review, f"inspector{(review + n) % 60}@example.test",
                {f"q{q}": draw.choice((0.0, 0.5, 1.0, None)) for q in range(40)},
                draw.random(), draw.choice((0.0, 0.5, 1.0)))
        for review in range(30)
        for n in range(2)
    ]  # fmt: skip
    view = CalibrationView(
        first=date(2026, 1, 1),
        last=date(2026, 3, 31),
        reviews=30,
        exercises=2,
        agreement=agreement(markings, resamples=20),
        inspectors=inspector_figures(markings),
        labels={f"q{q}": LONG for q in range(40)},
        names={m.inspector: LONG for m in markings},
        whole=True,
    )

    payload = calibration_message(view)
    own = calibration_message(CalibrationView(**{**view.__dict__, "whole": False}))

    assert_valid_message(payload)
    assert_valid_message(own)
    assert "Least agreed questions (ordinal alpha)" in all_text(payload["blocks"])
    assert "*30* reviews marked twice, blind, and 2 calibration exercises" in all_text(
        payload["blocks"]
    )
    assert "*Your figures*" in all_text(own["blocks"])


def test_alpha_text() -> None:
    assert alpha_text(Alpha(None, None, 0, 0)) == "–"
    assert alpha_text(Alpha(0.5, None, 3, 6)) == "0.50"
    assert alpha_text(Alpha(0.5, Interval(0.25, 0.75), 9, 18)) == "0.50 (0.25 to 0.75)"


def test_calibration_results_fit_with_many_questions_and_inspectors() -> None:
    line = CalibrationLine(
        question=LONG,
        spread=(("Fully met", 6), ("Not met", 4)),
        consensus="Fully met",
        agreeing=6,
        marked=10,
        marks=tuple((LONG, "Not met") for _ in range(10)),
    )
    results = CalibrationResults("42AB1234525", "early_advice", 9, 10, 0.41, None, (line,) * 60)

    whole = calibration_results_message(results)
    own = calibration_results_message(
        CalibrationResults(**{**results.__dict__, "own": True, "lines": (line,) * 3})
    )

    assert_valid_message(whole)
    assert_valid_message(own)
    assert "(1 did not submit by the due time)" in all_text(whole["blocks"])
    assert "ordinal *–*, nominal 0.41" in all_text(whole["blocks"])


def test_the_reference_mark_modal_and_message_fit_and_name_their_exercise() -> None:
    questions = [(f"q{n}", LONG) for n in range(120)]
    marks = [("fully_met", "Fully met"), ("not_met", "Not met")]

    modal = reference_modal(7, "42AB1234525", questions, marks)
    note = reference_message(ReferenceNote("42AB1234525", LONG, "Fully met", LONG, "Not met"))

    assert_valid_view(modal)
    assert_valid_message(note)
    assert calibration_of(modal["private_metadata"]) == 7
    assert [calibration_of(v) for v in ('{"k": 0}', '{"k": "7"}', "[]", "x", None)] == [None] * 5
