"""What an inspection's conversation looks like right now, read from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, joinedload

from inspections.answers import Answer
from inspections.runtime import enabled_questions, position
from inspections.scoring import ScoreResult, score_inspection
from questionnaires.loader import parse_questionnaire
from questionnaires.model import CPS_DIRECT, Question, Questionnaire, Subject
from storage.models import CaseReview, Inspection, Person, QuestionnaireVersion

# Stored in inspections.current_question_id when the card shows the summary.
SUMMARY = "~summary"

# What a state is read from, in one query: a click reads it on every answer. (A person's roles
# are not needed to show a card, so they are left to load only if something reads them.)
STATE_LOADING = (
    joinedload(Inspection.case_review).joinedload(CaseReview.lawyer).lazyload(Person.role_rows),
    joinedload(Inspection.questionnaire_version),
    # In the same query: every click reads the answers, and a second query is a round trip.
    joinedload(Inspection.answers),
)

# Published versions are immutable, so a parsed questionnaire can be kept by content hash.
_parsed: dict[str, Questionnaire] = {}


def questionnaire_of(version: QuestionnaireVersion) -> Questionnaire:
    parsed = _parsed.get(version.content_hash)
    if parsed is None:
        parsed = _parsed[version.content_hash] = parse_questionnaire(version.content)
    return parsed


@dataclass(frozen=True)
class ReviewSummary:
    urn: str
    review_type: str
    area: str
    unit: str
    lawyer_id: int
    lawyer_name: str
    completed_at: datetime
    outcome: str | None = None
    referred_at: datetime | None = None
    meeting_offered_at: datetime | None = None
    meeting_held_at: datetime | None = None

    @property
    def subject(self) -> Subject:
        """What decides which questions apply to the review."""
        return Subject(self.review_type, self.outcome, cps_direct=self.area == CPS_DIRECT)


@dataclass(frozen=True)
class FlowState:
    inspection_id: int
    card_version: int
    status: str
    current: str | None  # a question id, SUMMARY, or None before start / after submit
    due_at: datetime | None
    inspector_id: int | None
    review: ReviewSummary
    questionnaire: Questionnaire
    answers: dict[str, Answer]
    stored_score: float | None
    submitted_at: datetime | None
    purpose: str = "primary"  # inspections.lifecycle.Purpose

    @property
    def enabled(self) -> tuple[Question, ...]:
        return enabled_questions(
            self.questionnaire, review_type=self.review.subject, answers=self.answers
        )

    @property
    def current_question(self) -> Question | None:
        if self.current is None or self.current == SUMMARY:
            return None
        return self.questionnaire.question(self.current)

    def position(self) -> tuple[int, int]:
        question = self.current_question
        if question is None:
            return (len(self.enabled), len(self.enabled))
        return position(
            self.questionnaire,
            review_type=self.review.subject,
            answers=self.answers,
            question_id=question.id,
        )

    def score(self) -> ScoreResult:
        return score_inspection(
            self.questionnaire, review_type=self.review.subject, answers=self.answers
        )

    @property
    def answered_count(self) -> int:
        enabled = {q.id for q in self.enabled}
        return sum(1 for question_id in self.answers if question_id in enabled)


def load_state(session: Session, inspection_id: int) -> FlowState:
    inspection = session.get(Inspection, inspection_id, options=STATE_LOADING)
    if inspection is None:
        raise LookupError(f"no inspection {inspection_id}")
    review = inspection.case_review
    # Through the relationship: loaded once per transaction, and an answer stored meanwhile is
    # appended to it, so the state after a change is read without another query.
    rows = inspection.answers
    answers = {
        row.question_id: Answer(
            question_id=row.question_id,
            option_code=row.option_code,
            text=row.text,
            reason=row.reason,
            comment=row.comment,
        )
        for row in rows
    }
    return FlowState(
        inspection_id=inspection.id,
        card_version=inspection.lock_version,
        status=inspection.status,
        current=inspection.current_question_id,
        due_at=inspection.due_at,
        inspector_id=inspection.inspector_id,
        purpose=inspection.purpose,
        review=ReviewSummary(
            urn=review.urn,
            review_type=review.review_type,
            area=review.area,
            unit=review.unit,
            lawyer_id=review.lawyer_id,
            lawyer_name=review.lawyer.name,
            completed_at=review.completed_at,
            outcome=review.outcome,
            referred_at=review.referred_at,
            meeting_offered_at=review.meeting_offered_at,
            meeting_held_at=review.meeting_held_at,
        ),
        questionnaire=questionnaire_of(inspection.questionnaire_version),
        answers=answers,
        stored_score=inspection.score,
        submitted_at=inspection.submitted_at,
    )
