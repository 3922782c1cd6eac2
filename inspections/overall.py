"""The overall mark against the marks it sums up: a review marked Fully met overall despite a
failed critical question, or Not met overall despite a high score, needs the inspector's reason
before it is submitted, so that the headline measure (the share of reviews meeting the
standard) and the score never silently disagree."""

from __future__ import annotations

from collections.abc import Mapping

from inspections.answers import Answer
from inspections.feedback import OVERALL_MARK
from inspections.runtime import Reviewed, enabled_questions
from inspections.safeguards import is_critical_failure
from inspections.scoring import score_inspection
from questionnaires.model import Questionnaire

# An overall Not met beside a score above this needs a reason.
NOT_MET_ABOVE = 0.75


def overall_mismatch(
    questionnaire: Questionnaire, *, review_type: Reviewed, answers: Mapping[str, Answer]
) -> str | None:
    """Why the overall mark given disagrees with the marks, in the inspector's words; None
    when it agrees, or no overall mark is given."""
    given = answers.get(OVERALL_MARK)
    enabled = enabled_questions(questionnaire, review_type=review_type, answers=answers)
    question = next((q for q in enabled if q.id == OVERALL_MARK), None)
    if question is None or given is None or given.option_code is None:
        return None
    option = questionnaire.option_for(question, given.option_code)
    if option is None or option.score is None:
        return None
    best = max(o.score for o in questionnaire.options_for(question) if o.score is not None)
    if option.score == best:
        failed = [
            q.short_label
            for q in enabled
            if q.id in answers
            and is_critical_failure(questionnaire, question=q, answer=answers[q.id])
        ]
        if failed:
            return (
                f"The overall mark is {option.label}, but {_listed(failed)} failed. Say why the "
                "review meets the standard overall."
            )
    if option.score == 0:
        score = score_inspection(questionnaire, review_type=review_type, answers=answers).score
        if score is not None and score > NOT_MET_ABOVE:
            return (
                f"The overall mark is {option.label}, but the score is {score:.0%}. Say why the "
                "review does not meet the standard overall."
            )
    return None


def confirmation_needed(
    questionnaire: Questionnaire, *, review_type: Reviewed, answers: Mapping[str, Answer]
) -> str | None:
    """The mismatch, while the overall mark has no reason that answers it."""
    mismatch = overall_mismatch(questionnaire, review_type=review_type, answers=answers)
    given = answers.get(OVERALL_MARK)
    if mismatch is None or (given is not None and given.reason and given.reason.strip()):
        return None
    return mismatch


def _listed(labels: list[str]) -> str:
    quoted = [f"“{label}”" for label in labels]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
