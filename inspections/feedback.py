"""Feedback on one inspected review: the lawyer's full document and their manager's summary.

Pure composition from the questionnaire, the answers and the score. The document is plain data
that survives a round trip through JSON (`to_dict` / `from_dict`), so what was sent can be shown
again later exactly as composed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inspections.answers import Answers
from inspections.runtime import enabled_questions
from inspections.scoring import ScoreResult, is_critical_failure
from questionnaires.model import (
    CPS_DIRECT,
    Question,
    QuestionKind,
    Questionnaire,
    ScaleOption,
    Subject,
)

# The questionnaire's own questions for the overall mark, the key learning point and good
# practice worth sharing. The overall mark carries no weight, so it is shown on its own rather
# than among the marks.
OVERALL_MARK = "overall_mark"
KEY_LEARNING_POINT = "key_learning_point"
GOOD_PRACTICE = "good_practice"
FORMAT = 1


@dataclass(frozen=True)
class ReviewFacts:
    urn: str
    review_type: str
    completed_at: datetime
    lawyer_name: str
    area: str
    outcome: str | None = None

    @property
    def subject(self) -> Subject:
        return Subject(self.review_type, self.outcome, cps_direct=self.area == CPS_DIRECT)


@dataclass(frozen=True)
class MarkedQuestion:
    question_id: str
    section_title: str
    text: str  # the question, as the inspector was asked it
    mark: str  # the option's label, e.g. "Partially met"
    reason: str | None = None
    comment: str | None = None
    guidance: str = ""  # no longer filled: guidance is for inspectors (kept to read old feedback)
    critical_failure: bool = False
    # For the lawyer: what they did well or what to develop (the question's own text when its
    # questionnaire has no statements), and the short label; empty in feedback stored before.
    statement: str = ""
    label: str = ""

    @property
    def said(self) -> str:
        """What the lawyer reads for this mark."""
        return self.statement or self.text

    was: str | None = None  # the mark before the inspector amended it after a challenge


@dataclass(frozen=True)
class SectionMark:
    title: str
    score: float


@dataclass(frozen=True)
class FeedbackDocument:
    inspection_id: int
    review: ReviewFacts
    score: float | None
    overall_mark: str | None
    overall_reason: str | None
    sections: tuple[SectionMark, ...]
    done_well: tuple[MarkedQuestion, ...]  # fully met, in questionnaire order
    to_develop: tuple[MarkedQuestion, ...]  # partially met and not met, in questionnaire order
    key_learning_point: str | None
    original_score: float | None = None  # the score as first sent, once a mark is amended
    good_practice: str | None = None  # the inspector's optional note of good practice

    @property
    def critical_failures(self) -> tuple[MarkedQuestion, ...]:
        return tuple(m for m in self.to_develop if m.critical_failure)

    @property
    def marks(self) -> tuple[MarkedQuestion, ...]:
        return self.done_well + self.to_develop

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "inspection_id": self.inspection_id,
            "review": {**vars(self.review), "completed_at": self.review.completed_at.isoformat()},
            "score": self.score,
            "overall_mark": self.overall_mark,
            "overall_reason": self.overall_reason,
            "sections": [vars(s) for s in self.sections],
            "done_well": [vars(m) for m in self.done_well],
            "to_develop": [vars(m) for m in self.to_develop],
            "key_learning_point": self.key_learning_point,
            "original_score": self.original_score,
            "good_practice": self.good_practice,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeedbackDocument:
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown feedback format {data.get('format')!r}")
        review = dict(data["review"])
        review["completed_at"] = datetime.fromisoformat(review["completed_at"])
        return cls(
            inspection_id=data["inspection_id"],
            review=ReviewFacts(**review),
            score=data["score"],
            overall_mark=data["overall_mark"],
            overall_reason=data["overall_reason"],
            sections=tuple(SectionMark(**s) for s in data["sections"]),
            done_well=tuple(MarkedQuestion(**m) for m in data["done_well"]),
            to_develop=tuple(MarkedQuestion(**m) for m in data["to_develop"]),
            key_learning_point=data["key_learning_point"],
            original_score=data.get("original_score"),
            good_practice=data.get("good_practice"),  # absent from earlier documents
        )


@dataclass(frozen=True)
class ManagerSummary:
    """The line manager's copy: the marks and what to develop, without the reasons."""

    inspection_id: int
    review: ReviewFacts
    score: float | None
    overall_mark: str | None
    sections: tuple[SectionMark, ...]
    done_well_count: int
    to_develop: tuple[tuple[str, str], ...]  # (short label, mark)
    critical_failures: tuple[str, ...]  # short labels
    key_learning_point: str | None
    good_practice: str | None = None


def key_learning_point_of(questionnaire: Questionnaire, answers: Answers) -> str | None:
    """The inspector's written key learning point, when the questionnaire asks for one."""
    return written_answer(questionnaire, answers, KEY_LEARNING_POINT)


def written_answer(questionnaire: Questionnaire, answers: Answers, question_id: str) -> str | None:
    """The inspector's written answer to a free-text question the questionnaire asks."""
    if not any(q.id == question_id for q in questionnaire.questions):
        return None
    given = answers.get(question_id)
    text = given.text.strip() if given is not None and given.text else ""
    return text or None


def compose_feedback(
    questionnaire: Questionnaire,
    *,
    inspection_id: int,
    review: ReviewFacts,
    answers: Answers,
    result: ScoreResult,
    key_learning_point: str | None,
    amended: Mapping[str, str] | None = None,
    original_score: float | None = None,
) -> FeedbackDocument:
    """``amended`` maps each question whose mark was amended after a challenge to the label
    of the mark it replaced."""
    amended = amended or {}
    enabled = enabled_questions(questionnaire, review_type=review.subject, answers=answers)
    done_well: list[MarkedQuestion] = []
    to_develop: list[MarkedQuestion] = []
    for question in enabled:
        option = _scored_option(questionnaire, question, answers)
        if option is None or option.score is None:
            continue
        given = answers[question.id]
        well = option.score >= _top_score(questionnaire, question)
        statements = question.statements
        marked = MarkedQuestion(
            question_id=question.id,
            section_title=questionnaire.section(question.section_id).title,
            text=question.text,
            mark=option.label,
            reason=_words(given.reason),
            comment=_words(given.comment),
            critical_failure=is_critical_failure(questionnaire, question=question, answer=given),
            was=amended.get(question.id),
            statement=(statements.met if well else statements.not_met) if statements else "",
            label=question.short_label,
        )
        (done_well if well else to_develop).append(marked)
    overall_label, overall_reason = _overall(questionnaire, enabled, answers)
    return FeedbackDocument(
        inspection_id=inspection_id,
        review=review,
        score=result.score,
        overall_mark=overall_label,
        overall_reason=overall_reason,
        sections=tuple(
            SectionMark(questionnaire.section(section_id).title, score)
            for section_id, score in result.section_scores.items()
            if score is not None
        ),
        done_well=tuple(done_well),
        to_develop=tuple(to_develop),
        key_learning_point=_words(key_learning_point),
        original_score=original_score,
        good_practice=_words(written_answer(questionnaire, answers, GOOD_PRACTICE)),
    )


def manager_summary(document: FeedbackDocument) -> ManagerSummary:
    return ManagerSummary(
        inspection_id=document.inspection_id,
        review=document.review,
        score=document.score,
        overall_mark=document.overall_mark,
        sections=document.sections,
        done_well_count=len(document.done_well),
        to_develop=tuple((m.label or m.text, m.mark) for m in document.to_develop),
        critical_failures=tuple(m.label or m.text for m in document.critical_failures),
        key_learning_point=document.key_learning_point,
        good_practice=document.good_practice,
    )


def _scored_option(
    questionnaire: Questionnaire, question: Question, answers: Answers
) -> ScaleOption | None:
    """The chosen option of a question that counts towards the score, if it was answered."""
    given = answers.get(question.id)
    if question.kind is not QuestionKind.SCALE or question.weight <= 0 or given is None:
        return None
    scale = questionnaire.scale_for(question)
    if scale is None or given.option_code is None:
        return None
    option = scale.option(given.option_code)
    return None if option is None or option.not_applicable else option


def _top_score(questionnaire: Questionnaire, question: Question) -> float:
    scale = questionnaire.scale_for(question)
    scores = [o.score for o in scale.options if o.score is not None] if scale else []
    return max(scores, default=1.0)


def _overall(
    questionnaire: Questionnaire, enabled: tuple[Question, ...], answers: Answers
) -> tuple[str | None, str | None]:
    question = next((q for q in enabled if q.id == OVERALL_MARK), None)
    given = answers.get(OVERALL_MARK)
    if question is None or given is None or given.option_code is None:
        return None, None
    scale = questionnaire.scale_for(question)
    option = scale.option(given.option_code) if scale else None
    return (option.label if option else None), _words(given.reason)


def _words(text: str | None) -> str | None:
    return (text.strip() or None) if text else None
