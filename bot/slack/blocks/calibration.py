"""Messages of calibration exercises: the results (everyone's marks for the leads, their own
for each inspector), the lead's reference-mark button and modal, and the reference note."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.slack.blocks.text import (
    MAX_MESSAGE_BLOCKS,
    Block,
    context,
    esc,
    header,
    message,
    plain,
    plural,
    quote,
    review_type_label,
    section,
)


@dataclass(frozen=True)
class CalibrationLine:
    question: str  # its short label
    spread: tuple[tuple[str, int], ...]  # (mark label, inspectors), most given first
    consensus: str | None  # the mark most gave; None on a tie
    agreeing: int
    marked: int
    marks: tuple[tuple[str, str], ...]  # (inspector's name, mark label): all, or one's own


@dataclass(frozen=True)
class CalibrationResults:
    urn: str
    review_type: str
    submitted: int
    asked: int
    nominal: float | None  # Krippendorff's alpha over the exercise's questions
    ordinal: float | None
    lines: tuple[CalibrationLine, ...]
    own: bool = False  # an inspector's copy: their own marks only, no names
    calibration_id: int | None = None  # on a lead's copy: the reference-mark button


def calibration_results_message(results: CalibrationResults) -> dict[str, Any]:
    def figure(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    late = (
        ""
        if results.submitted == results.asked
        else f" ({results.asked - results.submitted} did not submit by the due time)"
    )
    blocks: list[Block] = [
        header("Calibration results"),
        section(
            f"*{esc(results.urn, 60)}* ({esc(review_type_label(results.review_type), 60)}) was "
            f"marked blind by {plural(results.submitted, 'inspector')}{late}. Krippendorff's "
            f"alpha over its questions: ordinal *{figure(results.ordinal)}*, nominal "
            f"{figure(results.nominal)}."
        ),
    ]
    rows = [_calibration_row(line, own=results.own) for line in results.lines]
    budget = MAX_MESSAGE_BLOCKS - len(blocks) - 1
    for start in range(0, min(len(rows), budget * 8), 8):
        blocks.append(section("\n".join(rows[start : start + 8])))
    blocks.append(
        context(
            "Consensus: the mark most gave (none on a tie). "
            + ("Yours is after the arrow." if results.own else "Each inspector's mark follows.")
        )
    )
    if results.calibration_id is not None and not results.own:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": REFERENCE_ACTION,
                        "text": plain("Set a reference mark", 75),
                        "value": json.dumps({"k": results.calibration_id}),
                    }
                ],
            }
        )
    return message(f"Calibration results for {results.urn}", blocks)


REFERENCE_ACTION = "calibration.reference"
REFERENCE_MODAL = "calibration.reference_modal"
QUESTION_BLOCK, MARK_BLOCK, REASON_BLOCK, INPUT = "question", "mark", "reason", "value"


def calibration_of(value: object) -> int | None:
    """The exercise a button or modal names; None when it is not one of ours."""
    try:
        data = json.loads(value) if isinstance(value, str) and len(value) < 100 else None
    except json.JSONDecodeError:
        return None
    found = data.get("k") if isinstance(data, dict) and set(data) == {"k"} else None
    return found if type(found) is int and found > 0 else None


def reference_modal(
    calibration_id: int,
    urn: str,
    questions: Sequence[tuple[str, str]],
    marks: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    def choices(pairs: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        return [{"text": plain(label, 75), "value": code} for code, label in pairs[:100]]

    def select(block_id: str, label: str, pairs: Sequence[tuple[str, str]]) -> Block:
        return {
            "type": "input",
            "block_id": block_id,
            "label": plain(label, 2000),
            "optional": True,
            "element": {"type": "static_select", "action_id": INPUT, "options": choices(pairs)},
        }

    return {
        "type": "modal",
        "callback_id": REFERENCE_MODAL,
        "private_metadata": json.dumps({"k": calibration_id}),
        "title": plain("Reference mark", 24),
        "submit": plain("Set and tell them", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            section(
                f"The mark *{esc(urn, 60)}* should have had on one question; each inspector "
                "who marked it is told, beside their own mark."
            ),
            select(QUESTION_BLOCK, "Question", questions),
            select(MARK_BLOCK, "Reference mark", marks),
            {
                "type": "input",
                "block_id": REASON_BLOCK,
                "label": plain("Reason", 2000),
                "optional": True,
                "element": {
                    "type": "plain_text_input",
                    "action_id": INPUT,
                    "multiline": True,
                    "max_length": 2000,
                },
            },
        ],
    }


@dataclass(frozen=True)
class ReferenceNote:
    urn: str
    question: str
    reference: str
    reason: str
    yours: str


def reference_message(note: ReferenceNote) -> dict[str, Any]:
    blocks: list[Block] = [
        header("Calibration: the reference mark"),
        section(
            f"On *{esc(note.urn, 60)}*, for *{esc(note.question, 200)}*, the inspection lead "
            f"sets the reference mark at *{esc(note.reference, 40)}*. You marked it "
            f"{esc(note.yours, 40)}.\n{quote(note.reason, 2000)}"
        ),
    ]
    return message(f"Calibration reference mark on {note.urn}", blocks)


def calibration_closed_message(*, urn: str, review_type: str) -> dict[str, Any]:
    """To an inspector whose marking was still open when the exercise's due time passed."""
    what = f"*{esc(urn, 60)}* ({esc(review_type_label(review_type), 60)})"
    blocks: list[Block] = [
        header("Calibration closed"),
        section(
            f"The calibration exercise on {what} reached its due time before you submitted, "
            "so it has closed and your marking is withdrawn: the results have gone to those "
            "who submitted, and your marks will not count."
        ),
    ]
    return message(f"Calibration on {urn} closed", blocks)


def calibration_unmarked_message(*, urn: str, review_type: str, asked: int) -> dict[str, Any]:
    """To the leads: an exercise whose due time passed with nobody submitted."""
    what = f"*{esc(urn, 60)}* ({esc(review_type_label(review_type), 60)})"
    blocks: list[Block] = [
        header("Calibration closed"),
        section(
            f"The calibration exercise on {what} reached its due time with none of the "
            f"{plural(asked, 'inspector')} asked having submitted. It has closed with no "
            "markings: there are no results, and it is not in the calibration report."
        ),
    ]
    return message(f"Calibration on {urn} closed with no markings", blocks)


def _calibration_row(line: CalibrationLine, *, own: bool) -> str:
    spread = ", ".join(f"{esc(mark, 40)} {n}" for mark, n in line.spread)
    consensus = (
        f"consensus *{esc(line.consensus, 40)}* ({line.agreeing} of {line.marked})"
        if line.consensus
        else "no consensus"
    )
    if own:
        given = "; ".join(esc(mark, 40) for _, mark in line.marks) or "not marked"
        theirs = f" → you: {given}"
    else:
        theirs = "; " + ", ".join(f"{esc(n, 60)} {esc(m, 40)}" for n, m in line.marks)
    return f"• *{esc(line.question, 60)}*: {spread}; {consensus}{theirs}"
