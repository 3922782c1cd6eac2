"""The questionnaire as plain immutable values, built by the loader from a validated JSON file."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

REVIEW_TYPES = ("early_advice", "pre_charge_decision")
# What a reviewed decision can have come to, as intake records it, by review type.
OUTCOMES_BY_REVIEW_TYPE: dict[str, tuple[str, ...]] = {
    "early_advice": ("advice_given",),
    "pre_charge_decision": ("action_plan", "charge", "threshold_charge", "no_further_action"),
}
OUTCOMES: tuple[str, ...] = tuple(o for os in OUTCOMES_BY_REVIEW_TYPE.values() for o in os)
CPS_DIRECT = "CPS Direct"  # the Area whose reviews are CPS Direct's
LABEL_LENGTH = 40  # a short label's most characters


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
    quote: str | None = None  # a phrase of the document the question rests on


@dataclass(frozen=True)
class Statements:
    """What the lawyer reads: met under what they did well, not_met under what to develop."""

    met: str
    not_met: str


@dataclass(frozen=True)
class Subject:
    """What intake says about a reviewed decision that decides which questions apply to it."""

    review_type: str
    outcome: str | None = None  # None when intake did not say
    cps_direct: bool = False


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
    label: str | None = None
    statements: Statements | None = None
    outcomes: frozenset[str] | None = None  # None: whatever the outcome
    cps_direct_only: bool = False
    themes: tuple[str, ...] = ()  # ids of questionnaires.themes.THEMES

    def applies(self, subject: Subject) -> bool:
        """Whether the question can apply to this decision at all. When intake did not say
        what the outcome was, a question limited to some outcomes is asked only if every
        outcome of that type of review is among them: a decision question about a charge is
        not put to an inspector who cannot know there was one."""
        if subject.review_type not in self.applies_to:
            return False
        if self.cps_direct_only and not subject.cps_direct:
            return False
        if self.outcomes is None:
            return True
        if subject.outcome is not None:
            return subject.outcome in self.outcomes
        return set(OUTCOMES_BY_REVIEW_TYPE.get(subject.review_type, ())) <= self.outcomes

    @property
    def short_label(self) -> str:
        """The label, or for a question without one its text cut at a word, never mid-word."""
        return self.label or shorten(self.text, LABEL_LENGTH)


def shorten(text: str, limit: int) -> str:
    """At most limit characters, cut after a whole word and marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.?!-") + "…"


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
    # Ids of earlier versions: asked here under another id, or no longer asked (and why).
    renamed: dict[str, str] = field(default_factory=dict)
    retired: dict[str, str] = field(default_factory=dict)
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

    def options_for(self, question: Question) -> tuple[ScaleOption, ...]:
        """The marks a question offers: its scale's, except that Not applicable on a critical
        question needs a reason, since it takes a safety or decision check out of the figures."""
        scale = self.scale_for(question)
        if scale is None:
            return ()
        if not question.critical:
            return scale.options
        return tuple(
            replace(o, reason_required=True) if o.not_applicable else o for o in scale.options
        )

    def option_for(self, question: Question, code: str) -> ScaleOption | None:
        return next((o for o in self.options_for(question) if o.code == code), None)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)
