"""The lawyer's right to reply: which marks can be challenged, who decides, and what a
decision changes.

Only marks that count towards the score can be challenged. A challenge is decided
independently: by an inspection lead, or by a second inspector a lead names, never by the
inspector who gave the mark (who is asked for a comment instead) nor by the lawyer. The decider
upholds a challenged mark or amends it to another mark on the same scale, always with a reason;
an amended mark replaces the answer, so the score is worked out again from the answers as they
now stand.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from inspections.answers import MAX_TEXT_LENGTH, Answer, Answers
from inspections.runtime import Reviewed, enabled_questions, validate_answer
from inspections.scoring import ScoreResult, score_inspection
from questionnaires.model import Question, QuestionKind, Questionnaire, ScaleOption

UPHELD = "upheld"
AMENDED = "amended"
OPEN = "open"
DECISIONS = (UPHELD, AMENDED)


class ChallengeRefused(ValueError):
    """What is wrong with a challenge or a decision, in words the person can act on."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Amendment:
    question_id: str
    option_code: str
    reason: str


def challengeable(
    questionnaire: Questionnaire, *, review_type: Reviewed, answers: Answers
) -> tuple[Question, ...]:
    """Enabled questions whose mark counts towards the score: answered on a scale, with a
    weight, and not "Not applicable"."""
    return tuple(
        question
        for question in enabled_questions(questionnaire, review_type=review_type, answers=answers)
        if question.kind is QuestionKind.SCALE
        and question.weight > 0
        and _counts(_chosen(questionnaire, question, answers.get(question.id)))
    )


def check_challenge(
    questionnaire: Questionnaire,
    *,
    review_type: Reviewed,
    answers: Answers,
    question_ids: Sequence[str],
    reason: str | None,
) -> list[str]:
    """Problems with a challenge to these marks for this reason; empty when it can be raised."""
    problems: list[str] = []
    if not question_ids:
        problems.append("Choose at least one mark to challenge.")
    allowed = {q.id for q in challengeable(questionnaire, review_type=review_type, answers=answers)}
    unknown = [q for q in question_ids if q not in allowed]
    if unknown:
        problems.append(
            "Only marks that count towards the score can be challenged, which "
            f"{'this is' if len(unknown) == 1 else 'these are'} not: {', '.join(unknown)}."
        )
    if len(set(question_ids)) != len(question_ids):
        problems.append("Each mark can be challenged once.")
    problems += _reason_problems(reason, "Give a reason: say why you think the mark is wrong.")
    return problems


def amendment_options(
    questionnaire: Questionnaire, question: Question, current: str | None
) -> tuple[ScaleOption, ...]:
    """The marks an inspector may amend to: the rest of the question's scale."""
    scale = questionnaire.scale_for(question)
    options: tuple[ScaleOption, ...] = scale.options if scale else ()
    return tuple(o for o in options if o.code != current)


def amended_answer(
    questionnaire: Questionnaire, *, review_type: Reviewed, answers: Answers, amendment: Amendment
) -> Answer:
    """The answer that replaces a challenged mark; ChallengeRefused when it cannot."""
    try:
        question = questionnaire.question(amendment.question_id)
    except KeyError:
        raise ChallengeRefused([f"There is no question {amendment.question_id}."]) from None
    current = answers.get(question.id)
    allowed = amendment_options(questionnaire, question, current.option_code if current else None)
    problems = _reason_problems(amendment.reason, "Give a reason for the new mark.")
    if current is None or current.option_code is None:
        problems.append(f"Question {question.id} has no mark to amend.")
    elif amendment.option_code == current.option_code:
        problems.append("Choose a different mark, or uphold the mark instead.")
    elif all(o.code != amendment.option_code for o in allowed):
        problems.append(f"{amendment.option_code!r} is not a mark for question {question.id}.")
    if problems:
        raise ChallengeRefused(problems)
    replacement = Answer(
        question_id=question.id,
        option_code=amendment.option_code,
        reason=amendment.reason.strip(),
        comment=current.comment if current else None,
    )
    problems = validate_answer(questionnaire, question=question, answer=replacement)
    before = enabled_questions(questionnaire, review_type=review_type, answers=answers)
    after = enabled_questions(
        questionnaire, review_type=review_type, answers={**answers, question.id: replacement}
    )
    if before != after:
        # The questions that apply would change, leaving some unanswered: not for a challenge.
        problems.append("That mark would change which questions apply; it cannot be amended so.")
    if problems:
        raise ChallengeRefused(problems)
    return replacement


class DeciderProblem(Enum):
    NOT_IN_DIRECTORY = "not in the directory"
    GAVE_THE_MARK = "the inspector who gave the mark"
    MARKED_IT_TOO = "holds another marking of the same review"
    NOT_A_DECIDER = "neither an inspection lead nor the inspector a lead named"


def deciders(
    *,
    marking_inspector_id: int | None,
    lawyer_id: int,
    lead_ids: Collection[int],
    named_decider_id: int | None = None,
    other_markers: Collection[int] = (),
) -> tuple[int, ...]:
    """Who is asked to decide: the inspector a lead named, else every inspection lead; never
    the inspector who gave the mark, anyone holding another marking of the review (a blind
    second or a calibration marking: deciding would show them the first marker's marks), nor
    the lawyer (a lead may be any of them), in id order."""
    candidates = {named_decider_id} if named_decider_id is not None else set(lead_ids)
    return tuple(sorted(candidates - {marking_inspector_id, lawyer_id} - set(other_markers)))


def card_recipients(
    *,
    marking_inspector_id: int | None,
    lawyer_id: int,
    lead_ids: Collection[int],
    named_decider_id: int | None = None,
    other_markers: Collection[int] = (),
) -> tuple[int, ...]:
    """Who gets the decision message: the deciders; when there are none (every lead gave the
    mark or marks the review too), the leads all the same, so that one of them passes it to an
    inspector (they may name a decider, never decide): those not marking it first, in id
    order."""
    found = deciders(
        marking_inspector_id=marking_inspector_id,
        lawyer_id=lawyer_id,
        lead_ids=lead_ids,
        named_decider_id=named_decider_id,
        other_markers=other_markers,
    )
    leads = set(lead_ids) - {lawyer_id}
    return found or tuple(sorted(leads - set(other_markers) or leads))


def decider_problem(
    actor_id: int | None,
    *,
    marking_inspector_id: int | None,
    lawyer_id: int,
    lead_ids: Collection[int],
    named_decider_id: int | None = None,
    other_markers: Collection[int] = (),
) -> DeciderProblem | None:
    """Who may decide a challenge: an inspection lead, or the inspector a lead named (a lead
    may still decide after naming one), but never the inspector who gave the mark, even one
    who is also a lead, nor anyone holding another marking of the review, and never the lawyer
    who challenged it."""
    if actor_id is None:
        return DeciderProblem.NOT_IN_DIRECTORY
    if actor_id == marking_inspector_id:
        return DeciderProblem.GAVE_THE_MARK
    if actor_id in other_markers:
        return DeciderProblem.MARKED_IT_TOO
    if actor_id == lawyer_id:
        return DeciderProblem.NOT_A_DECIDER
    if actor_id in lead_ids or actor_id == named_decider_id:
        return None
    return DeciderProblem.NOT_A_DECIDER


@dataclass(frozen=True)
class Place:
    """Where someone works, for independence: Area, unit, and (a lawyer's) line manager."""

    area: str
    unit: str
    manager_id: int | None = None


def nominee_problem(
    nominee_id: int | None,
    *,
    nominee_is_inspector: bool,
    marking_inspector_id: int | None,
    lawyer_id: int,
    other_markers: Collection[int] = (),
    nominee_place: Place | None = None,
    lawyer_place: Place | None = None,
) -> str | None:
    """Why a lead may not name this person to decide a challenge; None when they may: an
    active inspector who neither gave the mark, nor marks the review too, nor is the lawyer,
    and who is independent of the lawyer as an inspector must be (not their line manager,
    not in their unit)."""
    if nominee_id is None:
        return "is not in the directory"
    if nominee_id == marking_inspector_id:
        return "gave the mark, so cannot decide the challenge to it"
    if nominee_id in other_markers:
        return "holds another marking of the same review"
    if nominee_id == lawyer_id:
        return "is the lawyer who raised the challenge"
    if not nominee_is_inspector:
        return "is not an inspector"
    if lawyer_place is not None and nominee_id == lawyer_place.manager_id:
        return "is the lawyer's line manager"
    if (
        nominee_place is not None
        and lawyer_place is not None
        and (nominee_place.area, nominee_place.unit) == (lawyer_place.area, lawyer_place.unit)
    ):
        return "works in the lawyer's unit"
    return None


def comment_problems(comment: str | None) -> list[str]:
    """Problems with the marking inspector's comment on a challenge."""
    return _reason_problems(comment, "Write your comment.")


def check_decision(decision: str, reason: str | None) -> list[str]:
    problems = [] if decision in DECISIONS else [f"Unknown decision {decision!r}."]
    return problems + _reason_problems(reason, "Give a reason for your decision.")


def rescored(
    questionnaire: Questionnaire,
    *,
    review_type: Reviewed,
    answers: Answers,
    replacements: Iterable[Answer],
) -> tuple[dict[str, Answer], ScoreResult]:
    """The answers with the amended marks in place, and the score they now give."""
    merged = {**answers, **{a.question_id: a for a in replacements}}
    return merged, score_inspection(questionnaire, review_type=review_type, answers=merged)


def all_decided(statuses: Collection[str]) -> bool:
    return bool(statuses) and all(status in DECISIONS for status in statuses)


def outcome_counts(statuses: Mapping[str, str]) -> tuple[int, int]:
    """(upheld, amended) among the decided challenges, keyed by question id."""
    values = list(statuses.values())
    return values.count(UPHELD), values.count(AMENDED)


def _chosen(
    questionnaire: Questionnaire, question: Question, given: Answer | None
) -> ScaleOption | None:
    scale = questionnaire.scale_for(question)
    if scale is None or given is None or given.option_code is None:
        return None
    return scale.option(given.option_code)


def _counts(option: ScaleOption | None) -> bool:
    return option is not None and not option.not_applicable and option.score is not None


def _reason_problems(reason: str | None, missing: str) -> list[str]:
    if reason is None or not reason.strip():
        return [missing]
    if len(reason) > MAX_TEXT_LENGTH:
        return [f"The reason is {len(reason)} characters long; the limit is {MAX_TEXT_LENGTH}."]
    return []
