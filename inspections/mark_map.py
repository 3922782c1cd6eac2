"""What each stored answer means for trends, as a small table the database can join to.

One row per (question, option) that is a mark: a scale question's option with a score, "Not
applicable" excluded. Yes/no and free-text answers have no row, so a join drops them.
"""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires.model import QuestionKind, Questionnaire


@dataclass(frozen=True)
class MarkMapping:
    question_id: str
    option_code: str
    section_id: str
    fully_met: bool  # the scale's best score
    not_met: bool  # a score of zero
    critical_failure: bool  # a critical question marked Not met
    scored: bool  # counts towards the quality score (weight above zero)
    weight: float  # the question's weight in the quality score
    score: float  # the option's score


def mark_mappings(questionnaire: Questionnaire) -> list[MarkMapping]:
    found = []
    for question in questionnaire.questions:
        scale = questionnaire.scale_for(question)
        if question.kind is not QuestionKind.SCALE or scale is None:
            continue
        scores = [o.score for o in scale.options if o.score is not None and not o.not_applicable]
        if not scores:
            continue
        best = max(scores)
        for option in scale.options:
            if option.score is None or option.not_applicable:
                continue
            found.append(
                MarkMapping(
                    question_id=question.id,
                    option_code=option.code,
                    section_id=question.section_id,
                    fully_met=option.score == best,
                    not_met=option.score == 0,
                    critical_failure=question.critical and option.score == 0,
                    scored=question.weight > 0,
                    weight=question.weight,
                    score=option.score,
                )
            )
    return found
