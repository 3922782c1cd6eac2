"""Walking a questionnaire: which questions apply, which earlier answers enable, what comes next.

What a question applies to is given as a Subject (review type, outcome, CPS Direct) or, where
only the review type is known, as the review type alone: then every outcome is possible.
"""

from __future__ import annotations

from inspections.answers import MAX_TEXT_LENGTH, Answer, Answers
from questionnaires.model import (
    REVIEW_TYPES,
    Condition,
    Question,
    QuestionKind,
    Questionnaire,
    Scale,
    Subject,
)

Reviewed = str | Subject  # a review type, or all that intake says about the reviewed decision


def subject_of(reviewed: Reviewed) -> Subject:
    return reviewed if isinstance(reviewed, Subject) else Subject(reviewed)


def applicable_questions(
    questionnaire: Questionnaire, review_type: Reviewed
) -> tuple[Question, ...]:
    """The questions that can apply to the review: the rest are skipped, not marked Not
    applicable, so Not applicable is left for the inspector's judgement."""
    subject = subject_of(review_type)
    if subject.review_type not in REVIEW_TYPES:
        raise ValueError(
            f"Unknown review type {subject.review_type!r}: "
            f"expected one of {', '.join(REVIEW_TYPES)}."
        )
    return tuple(q for q in questionnaire.questions if q.applies(subject))


def enabled_questions(
    questionnaire: Questionnaire, *, review_type: Reviewed, answers: Answers
) -> tuple[Question, ...]:
    enabled: list[Question] = []
    enabled_ids: set[str] = set()
    # One pass in questionnaire order: conditions refer to earlier questions, so a question
    # disabled here also disables everything that depends on it.
    for question in applicable_questions(questionnaire, review_type):
        if all(_holds(c, enabled_ids, answers) for c in question.conditions):
            enabled.append(question)
            enabled_ids.add(question.id)
    return tuple(enabled)


def _holds(condition: Condition, enabled_ids: set[str], answers: Answers) -> bool:
    if condition.question_id not in enabled_ids:
        return False
    answer = answers.get(condition.question_id)
    return answer is not None and answer.option_code in condition.answer_in


def next_question(
    questionnaire: Questionnaire, *, review_type: Reviewed, answers: Answers
) -> Question | None:
    enabled = enabled_questions(questionnaire, review_type=review_type, answers=answers)
    return next((q for q in enabled if q.id not in answers), None)


def is_complete(questionnaire: Questionnaire, *, review_type: Reviewed, answers: Answers) -> bool:
    enabled = enabled_questions(questionnaire, review_type=review_type, answers=answers)
    return all(q.id in answers for q in enabled if q.required)


def position(
    questionnaire: Questionnaire, *, review_type: Reviewed, answers: Answers, question_id: str
) -> tuple[int, int]:
    """(n, total) for "Question n of total"; total grows as answers enable more questions."""
    enabled = enabled_questions(questionnaire, review_type=review_type, answers=answers)
    ids = [q.id for q in enabled]
    if question_id not in ids:
        raise ValueError(f"Question {question_id} is not enabled for these answers.")
    return ids.index(question_id) + 1, len(ids)


def validate_answer(
    questionnaire: Questionnaire, *, question: Question, answer: Answer
) -> list[str]:
    """What is wrong with this answer, in words an inspector can act on; empty when valid."""
    if _find(questionnaire, question.id) != question:
        return [
            f"Question {question.id} is not in questionnaire {questionnaire.id} "
            f"version {questionnaire.version}."
        ]
    problems: list[str] = []
    if answer.question_id != question.id:
        problems.append(f"This answer is for question {answer.question_id}, not {question.id}.")
    if question.kind is QuestionKind.FREE_TEXT:
        problems += _free_text_problems(question, answer)
    else:
        problems += _mark_problems(questionnaire, question, answer)
    for field_name, value in (
        ("answer", answer.text),
        ("reason", answer.reason),
        ("comment", answer.comment),
    ):
        if value is not None and len(value) > MAX_TEXT_LENGTH:
            problems.append(
                f"The {field_name} to question {question.id} is {len(value)} characters long; "
                f"the limit is {MAX_TEXT_LENGTH}."
            )
    return problems


def _find(questionnaire: Questionnaire, question_id: str) -> Question | None:
    try:
        return questionnaire.question(question_id)
    except KeyError:
        return None


def _free_text_problems(question: Question, answer: Answer) -> list[str]:
    problems: list[str] = []
    if answer.option_code is not None:
        problems.append(f"Question {question.id} takes a written answer, not a mark.")
    if question.required and _blank(answer.text):
        problems.append(f"Question {question.id} needs a written answer.")
    return problems


def _mark_problems(questionnaire: Questionnaire, question: Question, answer: Answer) -> list[str]:
    scale = _scale(questionnaire, question)
    if scale is None:
        return [f"Question {question.id} has no scale to mark it on."]
    choices = ", ".join(o.label for o in scale.options)
    if answer.option_code is None:
        return [f"Question {question.id} needs a mark: choose one of {choices}."]
    option = questionnaire.option_for(question, answer.option_code)
    if option is None:
        return [
            f"{answer.option_code!r} is not a mark for question {question.id}: "
            f"choose one of {choices}."
        ]
    if option.reason_required and _blank(answer.reason):
        return [f"{option.label} needs a written reason (question {question.id})."]
    return []


def _scale(questionnaire: Questionnaire, question: Question) -> Scale | None:
    return questionnaire.scales.get(question.scale_id) if question.scale_id else None


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()
