"""Calibration exercises: several inspectors mark the same review blind, and the results say,
question by question, how far they agreed.

For each question any of them marked: the spread (how many gave each mark), the consensus (the
mark most of them gave; none when two marks tie for most), and how many gave it. Not
applicable counts as a mark here: an inspector who finds a question does not apply disagrees
with one who marks it. Alpha over the exercise (units: the questions; inspections.agreement)
goes beside them. An exercise is complete once every inspector has submitted, or its due time
has passed (the results then cover those who submitted; the markings still open are closed, and
an exercise nobody submitted is reported as closed with no markings).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from inspections.lifecycle import Status

MIN_INSPECTORS = 2
Who = TypeVar("Who", bound=Hashable)


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    spread: tuple[tuple[str, int], ...]  # (option code, inspectors), most given first
    consensus: str | None  # the mark most gave; None on a tie
    agreeing: int  # inspectors who gave the consensus mark (0 without one)
    marked: int  # inspectors who marked the question

    @property
    def unanimous(self) -> bool:
        return self.consensus is not None and self.agreeing == self.marked


def question_results(
    marks: Mapping[Who, Mapping[str, str]], *, order: Collection[str]
) -> tuple[QuestionResult, ...]:
    """`marks`: inspector (or their inspection) -> question id -> option code, scale questions
    only. `order`: the question ids in questionnaire order; questions nobody marked are left
    out."""
    results = []
    for question_id in order:
        given = [m[question_id] for m in marks.values() if question_id in m]
        if not given:
            continue
        counts = Counter(given).most_common()
        top = counts[0][1]
        tied = sum(1 for _, n in counts if n == top) > 1
        spread = tuple(sorted(counts, key=lambda item: (-item[1], item[0])))
        results.append(
            QuestionResult(
                question_id=question_id,
                spread=spread,
                consensus=None if tied else counts[0][0],
                agreeing=0 if tied else top,
                marked=len(given),
            )
        )
    return tuple(results)


def is_complete(statuses: Collection[str], *, due_at: datetime, now: datetime) -> bool:
    """Every marking submitted, or the due time passed (with or without any submitted: the
    results then cover those who submitted, and the rest are closed, see `closes`)."""
    if not statuses:
        return False
    return all(status == Status.SUBMITTED for status in statuses) or now >= due_at


def closes(status: str) -> bool:
    """When an exercise is reported, every marking not submitted by then is closed: withdrawn
    (from its inspector, or from the queue if declined and waiting) for good, so it never joins
    results that have revealed everyone's marks; its card refuses every click (not open)."""
    return status not in (Status.SUBMITTED, Status.WITHDRAWN)


def check_reference(
    results: Collection[QuestionResult],
    *,
    question_id: str | None,
    option_code: str | None,
    options: Collection[str],
    reason: str | None,
) -> list[str]:
    """Problems with a reference mark the lead sets: a question of the exercise, one of its
    scale's marks (`options`), and a reason."""
    problems = []
    if question_id is None or all(r.question_id != question_id for r in results):
        problems.append("Choose a question the inspectors marked.")
    if option_code is None or option_code not in options:
        problems.append("Choose a mark the question's scale offers.")
    if reason is None or not reason.strip():
        problems.append("Give a reason for the reference mark.")
    return problems


def check_inspectors(count: int) -> list[str]:
    if count < MIN_INSPECTORS:
        return [
            f"A calibration needs at least {MIN_INSPECTORS} inspectors who have not marked the "
            f"review; {count} can take it."
        ]
    return []
