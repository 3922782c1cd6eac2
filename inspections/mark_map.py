"""What each stored answer means for trends, as a small table the database can join to.

One row per (question, option) that is a mark: a scale question's option with a score, "Not
applicable" excluded. Yes/no and free-text answers have no row, so a join drops them.

An answer stays stored when a later answer disables its question (the runtime ignores it), so
trends must ignore it too: condition_closures gives, for each question, every earlier answer it
depends on, directly or through the questions it depends on; it counts only when all hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires.model import Question, QuestionKind, Questionnaire


@dataclass(frozen=True)
class MarkMapping:
    question_id: str
    option_code: str
    section_id: str
    fully_met: bool  # the scale's best score
    not_met: bool  # a score of zero
    critical_failure: bool  # a critical question marked Not met
    scored: bool  # counts towards the quality score (weight above zero)


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
                )
            )
    return found


def condition_closures(questionnaire: Questionnaire) -> dict[str, dict[str, frozenset[str]]]:
    """For each question: every earlier question it needs, with the answers that enable it.

    Conditions refer to earlier questions only (checked when the questionnaire is validated),
    so one pass in questionnaire order sees each dependency's closure before it is needed.
    """
    closures: dict[str, dict[str, frozenset[str]]] = {}
    for question in questionnaire.questions:
        closures[question.id] = _closure(question, closures)
    return closures


def _closure(
    question: Question, known: dict[str, dict[str, frozenset[str]]]
) -> dict[str, frozenset[str]]:
    needed: dict[str, frozenset[str]] = {}
    for condition in question.conditions:
        inherited = list(known.get(condition.question_id, {}).items())
        for depends_on, allowed in [*inherited, (condition.question_id, condition.answer_in)]:
            needed[depends_on] = needed[depends_on] & allowed if depends_on in needed else allowed
    return needed
