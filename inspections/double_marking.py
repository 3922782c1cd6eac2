"""Blind double-marking: where two inspectors' marks of the same review disagree enough for
the inspection lead to look.

A large disagreement is on a critical question (victim safety, or the decision itself) or a
question on the decision scale, both marked with a score, where one mark is a critical failure
and the other is not, or the marks are the whole scale apart (Fully met against Not met). Those
are the disagreements that change what the lawyer and their managers would be told.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from inspections.answers import Answer
from inspections.runtime import Reviewed, enabled_questions
from inspections.scoring import is_critical_failure
from questionnaires.model import Question, Questionnaire

DECISION_SCALE = "decision"


@dataclass(frozen=True)
class Disagreement:
    question_id: str
    first: str  # the option codes given by the first (primary) and the second inspector
    second: str


def watched(question: Question) -> bool:
    """Questions whose disagreement is flagged: critical ones and decision questions."""
    return question.critical or question.scale_id == DECISION_SCALE


def large_disagreements(
    questionnaire: Questionnaire,
    *,
    review_type: Reviewed,
    first: Mapping[str, Answer],
    second: Mapping[str, Answer],
) -> tuple[Disagreement, ...]:
    """The watched questions both inspectors marked, in questionnaire order, on which they
    disagree largely (see the module docstring). Questions only one of them reached (their
    answers to a gate differed) are left out: that difference shows on the gate itself."""
    in_both = {
        q.id for q in enabled_questions(questionnaire, review_type=review_type, answers=second)
    }
    found = []
    for question in enabled_questions(questionnaire, review_type=review_type, answers=first):
        if question.id not in in_both or not watched(question):
            continue
        a, b = first.get(question.id), second.get(question.id)
        score_a, score_b = _score(questionnaire, question, a), _score(questionnaire, question, b)
        if a is None or b is None or score_a is None or score_b is None:
            continue
        failed = {is_critical_failure(questionnaire, question=question, answer=x) for x in (a, b)}
        if len(failed) == 2 or abs(score_a - score_b) >= 1:
            found.append(Disagreement(question.id, a.option_code or "", b.option_code or ""))
    return tuple(found)


def _score(questionnaire: Questionnaire, question: Question, answer: Answer | None) -> float | None:
    if answer is None or answer.option_code is None:
        return None
    option = questionnaire.option_for(question, answer.option_code)
    if option is None or option.not_applicable:
        return None
    return option.score
