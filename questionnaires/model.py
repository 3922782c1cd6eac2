"""The questionnaire as plain immutable values, built by the loader from a validated JSON file."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

REVIEW_TYPES = ("early_advice", "pre_charge_decision")


class QuestionKind(StrEnum):
    SCALE = "scale"  # marked on a scale; scored when the chosen option has a score
    YES_NO = "yes_no"  # answered from a scale of its own; never scored
    FREE_TEXT = "free_text"  # a written answer; never scored


@dataclass(frozen=True)
class ScaleOption:
    code: str
    label: str
    score: float | None
    not_applicable: bool = False
    reason_required: bool = False


@dataclass(frozen=True)
class Scale:
    id: str
    options: tuple[ScaleOption, ...]

    def option(self, code: str) -> ScaleOption | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Condition:
    """Enabled only when an earlier question was answered with one of these option codes."""

    question_id: str
    answer_in: frozenset[str]


@dataclass(frozen=True)
class SourceRef:
    document: str  # seed file id, e.g. "000"
    section: str  # where in that document, e.g. "Recommendation 1"


@dataclass(frozen=True)
class Question:
    id: str
    section_id: str
    kind: QuestionKind
    text: str
    source: SourceRef
    guidance: str = ""
    scale_id: str | None = None
    weight: float = 1.0
    critical: bool = False
    required: bool = True
    applies_to: frozenset[str] = frozenset(REVIEW_TYPES)
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: str
    scales: dict[str, Scale]
    sections: tuple[Section, ...]
    questions: tuple[Question, ...] = field(init=False)

    def __post_init__(self) -> None:
        flat = tuple(q for s in self.sections for q in s.questions)
        object.__setattr__(self, "questions", flat)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def scale_for(self, question: Question) -> Scale | None:
        return self.scales[question.scale_id] if question.scale_id else None

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)
