"""A review's quality score: the weighted mean of its marks, and its critical failures."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from inspections.answers import Answer, Answers
from inspections.runtime import Reviewed, enabled_questions
from questionnaires.model import Question, QuestionKind, Questionnaire, ScaleOption


@dataclass(frozen=True)
class ScoreResult:
    score: float | None  # in [0, 1]; None when no question was scored
    section_scores: dict[str, float | None]  # every section, in questionnaire order
    critical_failures: tuple[str, ...]  # question ids, in questionnaire order
    scored_questions: int  # the marks that count in the score (as trends count marks)
    fully_met: int = 0  # of those, the marks at the scale's best score


def score_inspection(
    questionnaire: Questionnaire, *, review_type: Reviewed, answers: Answers
) -> ScoreResult:
    enabled = enabled_questions(questionnaire, review_type=review_type, answers=answers)
    marks: dict[str, tuple[float, float]] = {}  # question id -> (weight, option score)
    fully_met = 0
    for question in enabled:
        score = _scored_mark(questionnaire, question, answers.get(question.id))
        if score is not None:
            marks[question.id] = (question.weight, score)
            fully_met += score == _best_score(questionnaire, question)
    section_scores = {
        section.id: _weighted_mean(marks[q.id] for q in section.questions if q.id in marks)
        for section in questionnaire.sections
    }
    failures = tuple(
        q.id
        for q in enabled
        if q.id in answers and is_critical_failure(questionnaire, question=q, answer=answers[q.id])
    )
    return ScoreResult(
        score=_weighted_mean(marks.values()),
        section_scores=section_scores,
        critical_failures=failures,
        scored_questions=len(marks),
        fully_met=fully_met,
    )


def _best_score(questionnaire: Questionnaire, question: Question) -> float:
    scale = questionnaire.scale_for(question)
    scores = [o.score for o in scale.options if o.score is not None] if scale else []
    return max(scores, default=1.0)


def is_critical_failure(
    questionnaire: Questionnaire, *, question: Question, answer: Answer
) -> bool:
    """A critical question marked "Not met": a score of 0 that is not "Not applicable"."""
    if not question.critical:
        return False
    option = _chosen_option(questionnaire, question, answer)
    return option is not None and not option.not_applicable and option.score == 0


def _scored_mark(
    questionnaire: Questionnaire, question: Question, answer: Answer | None
) -> float | None:
    if question.kind is not QuestionKind.SCALE or question.weight <= 0 or answer is None:
        return None
    option = _chosen_option(questionnaire, question, answer)
    if option is None or option.not_applicable:
        return None
    return option.score


def _chosen_option(
    questionnaire: Questionnaire, question: Question, answer: Answer
) -> ScaleOption | None:
    scale = questionnaire.scale_for(question)
    if scale is None or answer.option_code is None:
        return None
    option = scale.option(answer.option_code)
    if option is None:
        # Answers are validated before they are stored, so this is a bug, not a mark to skip.
        raise ValueError(
            f"Answer {answer.option_code!r} to question {question.id} is not on scale {scale.id}."
        )
    return option


def _weighted_mean(marks: Iterable[tuple[float, float]]) -> float | None:
    pairs = list(marks)
    total_weight = math.fsum(w for w, _ in pairs)
    if total_weight <= 0:
        return None
    # fsum is correctly rounded, so a mean of scores in [0, 1] cannot drift outside [0, 1].
    return math.fsum(w * s for w, s in pairs) / total_weight
