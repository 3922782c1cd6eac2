"""What the renderers show, as plain immutable data: services build these, renderers draw them.

The checks here catch a service bug at the place it happens (a naive datetime, a position
past the end) rather than as a Slack error after the answer was already committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inspections.answers import Answer
from inspections.lifecycle import Status
from questionnaires.model import REVIEW_TYPES, Question, QuestionKind, ScaleOption

# What the assignment message shows: the offer (Start, Decline), or what became of it.
AssignmentState = Literal["offered", "declined", "started"]


def _aware(name: str, moment: datetime | None) -> None:
    if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
        raise ValueError(f"{name} must be timezone-aware.")


def _card(inspection_id: int, card_version: int) -> None:
    if inspection_id < 1:
        raise ValueError(f"inspection_id must be positive, not {inspection_id}.")
    if card_version < 0:
        raise ValueError(f"card_version must not be negative, not {card_version}.")


@dataclass(frozen=True)
class ReviewInfo:
    urn: str  # the only case identifier ever shown
    review_type: str
    area: str
    lawyer_name: str
    completed_at: datetime
    due_at: datetime | None  # None while the review waits for an eligible inspector
    timezone: str = "Europe/London"
    # From intake when it says: for questions of timeliness and of the meeting.
    referred_at: datetime | None = None
    meeting_offered_at: datetime | None = None
    meeting_held_at: datetime | None = None
    working_days_to_complete: int | None = None  # from the referral to the review
    # Why it is inspected: primary, or for consistency only, with no feedback to the lawyer:
    # a blind second marking ("double") or a calibration exercise (inspections.lifecycle).
    purpose: str = "primary"

    def __post_init__(self) -> None:
        if not self.urn.strip():
            raise ValueError("A review needs its URN.")
        if self.review_type not in REVIEW_TYPES:
            raise ValueError(f"Unknown review type {self.review_type!r}.")
        _aware("completed_at", self.completed_at)
        _aware("due_at", self.due_at)
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"Unknown time zone {self.timezone!r}.") from None


@dataclass(frozen=True)
class AssignmentCard:
    inspection_id: int
    card_version: int
    review: ReviewInfo
    state: AssignmentState = "offered"

    def __post_init__(self) -> None:
        _card(self.inspection_id, self.card_version)


@dataclass(frozen=True)
class QuestionCard:
    inspection_id: int
    card_version: int
    review: ReviewInfo
    section_title: str
    position: int
    total: int
    question: Question
    options: tuple[ScaleOption, ...]  # the question's scale; empty for free-text questions
    current_answer: Answer | None = None  # shown when coming back to an answered question
    can_go_back: bool = False

    def __post_init__(self) -> None:
        _card(self.inspection_id, self.card_version)
        if not 1 <= self.position <= self.total:
            raise ValueError(f"Question {self.position} of {self.total} is out of range.")
        if (self.question.kind is QuestionKind.FREE_TEXT) != (not self.options):
            raise ValueError(
                f"Question {self.question.id}: options are needed exactly when it is marked "
                "on a scale."
            )
        if self.current_answer is not None and self.current_answer.question_id != self.question.id:
            raise ValueError(
                f"The current answer is for {self.current_answer.question_id}, "
                f"not {self.question.id}."
            )


@dataclass(frozen=True)
class PausedCard:
    inspection_id: int
    card_version: int
    review: ReviewInfo
    position: int  # the question the inspector will come back to
    total: int

    def __post_init__(self) -> None:
        _card(self.inspection_id, self.card_version)


@dataclass(frozen=True)
class SummaryRow:
    section_title: str
    question_id: str
    short_text: str
    answer: str | None  # the mark's label, or the written answer; None while unanswered
    reason: str | None = None
    comment: str | None = None
    critical_failure: bool = False


@dataclass(frozen=True)
class SummaryCard:
    inspection_id: int
    card_version: int
    review: ReviewInfo
    rows: tuple[SummaryRow, ...]  # one per enabled question, in questionnaire order
    section_scores: tuple[tuple[str, float | None], ...]  # (section title, score in [0, 1])
    score: float | None
    critical_failures: tuple[str, ...] = ()  # question texts
    complete: bool = False
    missing: int = 0  # required questions still unanswered
    overall_mark: str | None = None  # the overall mark's label, once given
    overall_mismatch: str | None = None  # why it disagrees with the marks, unless explained

    def __post_init__(self) -> None:
        _card(self.inspection_id, self.card_version)
        if self.complete and self.missing:
            raise ValueError("A complete inspection has no missing answers.")


@dataclass(frozen=True)
class SubmittedCard:
    review: ReviewInfo
    score: float | None
    submitted_at: datetime

    def __post_init__(self) -> None:
        _aware("submitted_at", self.submitted_at)


@dataclass(frozen=True)
class QueueItem:
    inspection_id: int
    card_version: int
    review: ReviewInfo
    status: Status  # one of lifecycle.OPEN
    answered: int = 0
    total: int = 0  # enabled questions so far; 0 before the inspection starts

    def __post_init__(self) -> None:
        _card(self.inspection_id, self.card_version)
