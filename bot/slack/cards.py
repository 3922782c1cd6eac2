"""Turns an inspection's conversation state into the card the inspector sees next."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.services.inspection.state import SUMMARY, FlowState, ReviewSummary
from bot.slack.blocks.prompts import paused_card, question_card
from bot.slack.blocks.summary import submitted_card, summary_card
from bot.slack.blocks.viewmodels import (
    PausedCard,
    QuestionCard,
    ReviewInfo,
    SubmittedCard,
    SummaryCard,
    SummaryRow,
)
from inspections.bank_holidays import england_and_wales_bank_holidays
from inspections.feedback import OVERALL_MARK
from inspections.lifecycle import Status
from inspections.overall import confirmation_needed
from inspections.runtime import is_complete
from inspections.scoring import is_critical_failure
from inspections.timeliness import working_days_to_review
from questionnaires.model import Question, QuestionKind


def review_info(state: FlowState, timezone: str) -> ReviewInfo:
    return ReviewInfo(
        urn=state.review.urn,
        review_type=state.review.review_type,
        area=state.review.area,
        lawyer_name=state.review.lawyer_name,
        completed_at=state.review.completed_at,
        due_at=state.due_at,
        timezone=timezone,
        referred_at=state.review.referred_at,
        meeting_offered_at=state.review.meeting_offered_at,
        meeting_held_at=state.review.meeting_held_at,
        working_days_to_complete=_working_days_to_complete(state.review, timezone),
        purpose=state.purpose,
    )


def _working_days_to_complete(review: ReviewSummary, timezone: str) -> int | None:
    if review.referred_at is None:
        return None
    years = range(review.referred_at.year, review.completed_at.year + 2)
    return working_days_to_review(
        review.referred_at,
        review.completed_at,
        tz=ZoneInfo(timezone),
        holidays=england_and_wales_bank_holidays(years),
    )


def card_for(state: FlowState, *, timezone: str) -> dict[str, Any]:
    """The message payload for the inspection as it stands."""
    review = review_info(state, timezone)
    if state.status == Status.SUBMITTED and state.submitted_at is not None:
        return submitted_card(SubmittedCard(review, state.stored_score, state.submitted_at))
    position, total = state.position()
    if state.status == Status.PAUSED:
        return paused_card(
            PausedCard(state.inspection_id, state.card_version, review, position, total)
        )
    question = state.current_question
    if question is None:
        return summary_card(summary_of(state, review))
    return question_card(question_view(state, review, question, position, total))


def question_view(
    state: FlowState, review: ReviewInfo, question: Question, position: int, total: int
) -> QuestionCard:
    return QuestionCard(
        inspection_id=state.inspection_id,
        card_version=state.card_version,
        review=review,
        section_title=state.questionnaire.section(question.section_id).title,
        position=position,
        total=total,
        question=question,
        options=state.questionnaire.options_for(question)
        if question.kind is not QuestionKind.FREE_TEXT
        else (),
        current_answer=state.answers.get(question.id),
        can_go_back=position > 1 or state.current == SUMMARY,
    )


def summary_of(state: FlowState, review: ReviewInfo) -> SummaryCard:
    questionnaire = state.questionnaire
    result = state.score()
    rows = []
    for question in state.enabled:
        given = state.answers.get(question.id)
        scale = questionnaire.scale_for(question)
        label: str | None = None
        if given is not None:
            option = scale.option(given.option_code) if scale and given.option_code else None
            label = option.label if option else (given.text or "(no answer)")
        rows.append(
            SummaryRow(
                section_title=questionnaire.section(question.section_id).title,
                question_id=question.id,
                short_text=question.short_label,
                answer=label,
                reason=given.reason if given else None,
                comment=given.comment if given else None,
                critical_failure=given is not None
                and is_critical_failure(questionnaire, question=question, answer=given),
            )
        )
    complete = is_complete(questionnaire, review_type=state.review.subject, answers=state.answers)
    missing = sum(1 for q in state.enabled if q.required and q.id not in state.answers)
    section_scores = tuple(
        (questionnaire.section(section_id).title, score)
        for section_id, score in result.section_scores.items()
        if any(q.section_id == section_id for q in state.enabled)
    )
    return SummaryCard(
        inspection_id=state.inspection_id,
        card_version=state.card_version,
        review=review,
        rows=tuple(rows),
        section_scores=section_scores,
        score=result.score,
        critical_failures=tuple(
            questionnaire.question(q).short_label for q in result.critical_failures
        ),
        complete=complete,
        missing=0 if complete else missing,
        overall_mark=_overall_label(state),
        overall_mismatch=confirmation_needed(
            questionnaire, review_type=state.review.subject, answers=state.answers
        ),
    )


def _overall_label(state: FlowState) -> str | None:
    given = state.answers.get(OVERALL_MARK)
    if given is None or given.option_code is None:
        return None
    question = state.questionnaire.question(OVERALL_MARK)
    option = state.questionnaire.option_for(question, given.option_code)
    return option.label if option else None
