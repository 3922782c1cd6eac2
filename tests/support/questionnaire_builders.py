"""Small synthetic questionnaires built straight from the dataclasses, for unit tests."""

from __future__ import annotations

import dataclasses

from inspections.answers import Answer
from questionnaires.model import (
    REVIEW_TYPES,
    Condition,
    Question,
    QuestionKind,
    Questionnaire,
    Scale,
    ScaleOption,
    Section,
    SourceRef,
)

STANDARD_SCALE = Scale(
    id="standard",
    options=(
        ScaleOption(code="fully_met", label="Fully met", score=1.0),
        ScaleOption(code="partially_met", label="Partially met", score=0.5, reason_required=True),
        ScaleOption(code="not_met", label="Not met", score=0.0, reason_required=True),
        ScaleOption(code="not_applicable", label="Not applicable", score=None, not_applicable=True),
    ),
)

YES_NO_SCALE = Scale(
    id="yes_no",
    options=(
        ScaleOption(code="yes", label="Yes", score=None),
        ScaleOption(code="no", label="No", score=None),
    ),
)

EA = "early_advice"
PCD = "pre_charge_decision"
SOURCE = SourceRef(document="000", section="Recommendation 1")


def question(
    question_id: str,
    *,
    kind: QuestionKind = QuestionKind.SCALE,
    weight: float = 1.0,
    critical: bool = False,
    required: bool = True,
    applies_to: frozenset[str] = frozenset(REVIEW_TYPES),
    conditions: tuple[Condition, ...] = (),
    scale_id: str | None = None,
    outcomes: frozenset[str] | None = None,
    cps_direct_only: bool = False,
) -> Question:
    """A question whose section is filled in by `section()`; the scale follows from the kind."""
    default_scale = {QuestionKind.SCALE: STANDARD_SCALE.id, QuestionKind.YES_NO: YES_NO_SCALE.id}
    return Question(
        id=question_id,
        section_id="",
        kind=kind,
        text=f"Synthetic question {question_id}?",
        source=SOURCE,
        scale_id=scale_id or default_scale.get(kind),
        weight=weight,
        critical=critical,
        required=required,
        applies_to=applies_to,
        conditions=conditions,
        outcomes=outcomes,
        cps_direct_only=cps_direct_only,
    )


def when(question_id: str, *codes: str) -> Condition:
    return Condition(question_id=question_id, answer_in=frozenset(codes))


def section(section_id: str, *questions: Question) -> Section:
    return Section(
        id=section_id,
        title=f"Section {section_id}",
        questions=tuple(dataclasses.replace(q, section_id=section_id) for q in questions),
    )


def questionnaire(*sections: Section, scales: tuple[Scale, ...] = ()) -> Questionnaire:
    return Questionnaire(
        id="synthetic",
        version=1,
        title="Synthetic questionnaire",
        scales={s.id: s for s in (STANDARD_SCALE, YES_NO_SCALE, *scales)},
        sections=sections,
    )


def mark(question_id: str, option_code: str, reason: str | None = None) -> Answer:
    """An answer on a scale; marks that need a reason get a synthetic one unless given."""
    if reason is None and option_code in ("partially_met", "not_met"):
        reason = "Synthetic reason."
    return Answer(question_id=question_id, option_code=option_code, reason=reason)


def written(question_id: str, text: str = "Synthetic written answer.") -> Answer:
    return Answer(question_id=question_id, text=text)


def answers(*given: Answer) -> dict[str, Answer]:
    return {a.question_id: a for a in given}
