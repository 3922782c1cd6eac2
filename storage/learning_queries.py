"""What the learning-programme feed reads, in the inspections submitted in a period and scope:
the inspectors' key learning points, good-practice notes and the reasons they gave for marks
short of Fully met, and every scored mark under its themes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import trend_mapping
from storage.models import Answer, CaseReview, Inspection, Person
from storage.trend_queries import counted_between


def written(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    area: str | None,
    question_ids: list[str],
    with_reason_only: bool,
) -> list[tuple[str, str]]:
    """(question id, text): the answers' text (learning points) or reasons (marks)."""
    column = Answer.reason if with_reason_only else Answer.text
    query: Any = (
        select(Answer.question_id, column)
        .join(Inspection, Inspection.id == Answer.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(
            *counted_between(start, end),
            Answer.counts_in_trends,
            Answer.question_id.in_(question_ids),
            column.is_not(None),
        )
        .order_by(Inspection.submitted_at, Answer.id)
    )
    if area is not None:
        query = query.where(CaseReview.area == area)
    return [(q, str(t)) for q, t in session.execute(query) if str(t).strip()]


class ThemeMark(NamedTuple):
    inspection_id: int
    submitted_at: datetime
    theme: str
    fully_met: bool


def theme_marks(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    area: str | None = None,
    lawyer_id: int | None = None,
) -> list[ThemeMark]:
    """Each scored mark of the period's inspections (of an Area's reviews, or one lawyer's),
    once under each theme of its question (trend_mapping.themes_of)."""
    maps = trend_mapping.maps(session)
    if maps is None:
        return []
    themes = trend_mapping.themes_of(session)
    # The answers are read as they are and looked up in Python: SQLite joins a constant table
    # of a few hundred rows to every answer slowly (a second for an Area's quarter at 1M).
    query: Any = (
        select(
            Answer.inspection_id,
            Inspection.submitted_at,
            Inspection.questionnaire_version_id,
            Answer.question_id,
            Answer.option_code,
        )
        .join(Inspection, Inspection.id == Answer.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(
            *counted_between(start, end),
            Answer.counts_in_trends,
            Answer.option_code.in_(maps.mark_codes),
        )
    )
    if area is not None:
        query = query.where(CaseReview.area == area)
    if lawyer_id is not None:
        query = query.where(CaseReview.lawyer_id == lawyer_id)
    found = []
    for inspection_id, submitted_at, version_id, question_id, option_code in session.execute(query):
        mark = maps.lookup.get((int(version_id), str(question_id), str(option_code)))
        if mark is None or not mark[2]:  # not a mark, or one that is not scored
            continue
        trend_question_id, fully_met, _ = mark
        found += [
            ThemeMark(int(inspection_id), submitted_at, theme, fully_met)
            for theme in themes.get(trend_question_id, ())
        ]
    return found


def directory_names(session: Session) -> list[str]:
    return list(session.scalars(select(Person.name)))
