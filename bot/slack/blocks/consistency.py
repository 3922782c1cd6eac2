"""Messages of inspector consistency: a large disagreement between two blind markings, for
the inspection lead, and the calibration report (names and marks: direct messages only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.slack.blocks.text import (
    MAX_MESSAGE_BLOCKS,
    Block,
    context,
    esc,
    header,
    message,
    plural,
    review_type_label,
    section,
)
from inspections.agreement import Agreement, Alpha, Difference, InspectorFigures
from inspections.trends import Share


@dataclass(frozen=True)
class DisagreementRow:
    question: str  # the question's short label
    first: str  # the marks' labels
    second: str


@dataclass(frozen=True)
class DisagreementNote:
    urn: str
    review_type: str
    first_inspector: str  # who marked the primary inspection (the lawyer's feedback)
    second_inspector: str  # who marked blind for consistency
    rows: tuple[DisagreementRow, ...]


def disagreement_message(note: DisagreementNote) -> dict[str, Any]:
    first, second = esc(note.first_inspector, 200), esc(note.second_inspector, 200)
    lines = "\n".join(
        f"• *{esc(r.question, 200)}*: {first} {esc(r.first, 40)}, {second} {esc(r.second, 40)}"
        for r in note.rows[:20]
    )
    blocks: list[Block] = [
        header("Double-marked review: a large disagreement"),
        section(
            f"*{esc(note.urn, 60)}* ({esc(review_type_label(note.review_type), 60)}) was marked "
            f"blind by two inspectors, who disagree on a critical or decision question:\n{lines}"
        ),
        context(
            f"{first}'s marks are the ones the lawyer was given; {second}'s count only for "
            "consistency. Neither inspector has seen the other's marks."
        ),
    ]
    return message(f"Double-marked review {note.urn}: the inspectors disagree", blocks)


def plural_word(count: int, singular: str) -> str:
    return singular if count == 1 else f"{singular}s"


def alpha_text(alpha: Alpha) -> str:
    """ "0.62 (0.41 to 0.80)"; "–" when undefined; no interval with too few reviews."""
    if alpha.value is None:
        return "–"
    if alpha.interval is None:
        return f"{alpha.value:.2f}"
    return f"{alpha.value:.2f} ({alpha.interval.low:.2f} to {alpha.interval.high:.2f})"


def difference_text(difference: Difference) -> str:
    """Score points, signed: "+4.0 points (−1.5 to +9.5)"."""
    if difference.mean is None:
        return "–"
    text = f"{difference.mean * 100:+.1f} points"
    if difference.interval is None:
        return text
    low, high = difference.interval.low * 100, difference.interval.high * 100
    return f"{text} ({low:+.1f} to {high:+.1f})"


def share_text(share: Share) -> str:
    if share.value is None:
        return "–"
    interval = share.interval
    within = f" ({interval.low:.0%} to {interval.high:.0%})" if interval is not None else ""
    return f"{share.value:.0%} of {share.trials}{within}"


@dataclass(frozen=True)
class CalibrationView:
    first: date  # the period, inclusive
    last: date
    reviews: int
    exercises: int
    agreement: Agreement
    inspectors: Sequence[InspectorFigures]
    labels: Mapping[str, str]
    names: Mapping[str, str]
    whole: bool  # the lead's view; an inspector's own has their figures only


def calibration_message(view: CalibrationView) -> dict[str, Any]:
    period = f"{view.first.isoformat()} to {view.last.isoformat()}"
    blocks: list[Block] = [header("Inspector consistency")]
    if view.reviews == 0 and view.exercises == 0:
        blocks.append(
            section(f"No review was marked twice, nor calibration finished, from {period}.")
        )
        return message(f"Inspector consistency, {period}: no double-marked reviews", blocks)
    agreement = view.agreement
    blocks.append(
        section(
            f"*{view.reviews}* {plural_word(view.reviews, 'review')} marked twice, blind"
            + (f", and {plural(view.exercises, 'calibration exercise')}" if view.exercises else "")
            + f", from {period}. Krippendorff's alpha "
            "(1 is perfect agreement, 0 no better than chance; 95% interval from resampling "
            f"reviews):\n• all questions, ordinal: *{alpha_text(agreement.ordinal)}*; "
            f"nominal: {alpha_text(agreement.nominal)}"
        )
    )
    ranked = sorted(
        (q for q in agreement.questions if q.ordinal.value is not None),
        key=lambda q: (q.ordinal.value, q.question_id),
    )
    if ranked:
        lines = "\n".join(
            f"• {esc(view.labels.get(q.question_id, q.question_id), 60)}: "
            f"{alpha_text(q.ordinal)} over {plural(q.ordinal.reviews, 'review')}"
            for q in ranked[:10]
        )
        blocks.append(section(f"*Least agreed questions (ordinal alpha)*\n{lines}"))
    rows = [_inspector_line(f, view.names) for f in view.inspectors]
    if not view.whole:
        blocks.append(
            section("*Your figures*\n" + ("\n".join(rows) or "You marked none of these reviews."))
        )
    elif rows:
        budget = MAX_MESSAGE_BLOCKS - len(blocks) - 1
        for start in range(0, min(len(rows), budget * 10), 10):
            blocks.append(section("\n".join(rows[start : start + 10])))
    blocks.append(
        context(
            "Score difference: the inspector's score minus the others' on the same reviews (above "
            "0, more generous). Not applicable: their share of marks, beside the others' on the "
            "same reviews. Overall mark: how often it is the mark nearest their score."
        )
    )
    return message(f"Inspector consistency, {period}", blocks)


def _inspector_line(figures: InspectorFigures, names: Mapping[str, str]) -> str:
    name = esc(names.get(figures.inspector, figures.inspector), 100)
    return (
        f"• *{name}* ({plural(figures.reviews, 'review')}): score difference "
        f"{difference_text(figures.score_difference)}; Not applicable "
        f"{share_text(figures.not_applicable)} (others {share_text(figures.others_not_applicable)})"
        f"; overall mark agrees {share_text(figures.overall_agrees)}"
    )
