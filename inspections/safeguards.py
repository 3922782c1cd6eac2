"""Which safeguards (critical questions) an answer switches off or back on.

A safeguard marked Not met raises an alert while the case is live. A later answer to an
earlier question can make the safeguard stop applying (its condition no longer holds), and its
alert should then stand down; answered back on with the Not met still stored, it stands again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from inspections.answers import Answer
from inspections.runtime import Reviewed, enabled_questions
from inspections.scoring import is_critical_failure
from questionnaires.model import Question, Questionnaire


@dataclass(frozen=True)
class SafeguardSwitch:
    switched_off: tuple[Question, ...]  # applied before the answer, not after it
    failing_again: tuple[Question, ...]  # applies again, its stored mark a critical failure


def safeguards_switched(
    questionnaire: Questionnaire,
    *,
    review_type: Reviewed,
    before: Mapping[str, Answer],
    given: Answer,
) -> SafeguardSwitch:
    after = {**before, given.question_id: given}
    on_before = _critical_ids(questionnaire, review_type, before)
    on_after = _critical_ids(questionnaire, review_type, after)
    return SafeguardSwitch(
        switched_off=tuple(q for q in questionnaire.questions if q.id in on_before - on_after),
        failing_again=tuple(
            q
            for q in questionnaire.questions
            if q.id in on_after - on_before
            and q.id in before
            and is_critical_failure(questionnaire, question=q, answer=before[q.id])
        ),
    )


def _critical_ids(
    questionnaire: Questionnaire, review_type: Reviewed, answers: Mapping[str, Answer]
) -> set[str]:
    enabled = enabled_questions(questionnaire, review_type=review_type, answers=answers)
    return {q.id for q in enabled if q.critical}
