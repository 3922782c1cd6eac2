"""Trend aggregates, computed by the database with GROUP BY: nothing here loops over answers.

Answers of the period's submitted inspections that count in trends (the flag stored when an
inspection is submitted, see storage.trend_flags) are counted by (bucket, group, questionnaire
version, question, option); those few hundred counts are joined to a small mapping built from
the questionnaire versions (see inspections.mark_map), which says each question's section and
which options are marks, fully met, not met or critical failures, and summed again by section
and question. Periods are cut into buckets by UTC bounds (a comparison or a CASE on the
submission time), so the current and the previous period, or a chart's months, come from one
scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session

from inspections.scopes import Breakdown, Scope
from inspections.trend_summary import InspectionTally, Labels, MarkTally
from storage import trend_mapping
from storage.models import Answer, CaseReview, Inspection, Person


@dataclass(frozen=True)
class TrendFilter:
    area: str | None = None
    unit: str | None = None
    lawyer_ids: frozenset[int] | None = None
    review_type: str | None = None


def scope_filter(scope: Scope, review_type: str | None = None) -> TrendFilter:
    return TrendFilter(
        area=scope.area,
        unit=scope.unit,
        lawyer_ids=scope.lawyer_ids or None,
        review_type=review_type,
    )


def mark_tallies(
    session: Session,
    flt: TrendFilter,
    bounds: Sequence[datetime],
    breakdown: Breakdown | None = None,
) -> list[MarkTally]:
    """Marks per bucket (bounds[i] <= submitted < bounds[i + 1]), group, section and question."""
    maps = trend_mapping.maps(session)
    if maps is None:
        return []
    _without_jit(session)
    group = _group_column(breakdown)
    keys: list[ColumnElement[Any]] = [_bucket(bounds).label("bucket")]
    if group is not None:
        keys.append(group.label("grp"))
    keys += [
        Inspection.questionnaire_version_id.label("version_id"),
        Answer.question_id.label("question_id"),
        Answer.option_code.label("option_code"),
    ]
    counted = (
        _with_reviews(
            select(*keys, func.count().label("n"))
            .select_from(Answer)
            .join(Inspection, Inspection.id == Answer.inspection_id),
            flt,
            breakdown,
        )
        .where(
            *_conditions(flt, bounds),
            Answer.option_code.in_(maps.mark_codes),
            Answer.counts_in_trends,
        )
        .group_by(*_names(keys))
        .subquery("counted")
    )
    marks = maps.marks
    outer: list[ColumnElement[Any]] = [counted.c.bucket]
    if group is not None:
        outer.append(counted.c.grp)
    query = (
        select(
            *outer,
            marks.c.section_id,
            counted.c.question_id,
            marks.c.scored,
            func.sum(counted.c.n),
            func.sum(counted.c.n * marks.c.fully_met),
            func.sum(counted.c.n * marks.c.not_met),
            func.sum(counted.c.n * marks.c.critical_failure),
            func.sum(counted.c.n * marks.c.weight_milli),
            func.sum(counted.c.n * marks.c.points_milli),
        )
        .select_from(counted)
        .join(
            marks,
            and_(
                marks.c.version_id == counted.c.version_id,
                marks.c.question_id == counted.c.question_id,
                marks.c.option_code == counted.c.option_code,
            ),
        )
        .group_by(*outer, marks.c.section_id, counted.c.question_id, marks.c.scored)
    )
    tallies = []
    for row in session.execute(query):
        found = list(row)
        grp = str(found.pop(1)) if group is not None else None
        bucket, section_id, question_id, scored, count, fully, not_met, critical = found[:8]
        weights, points = found[8:]
        tallies.append(
            MarkTally(
                bucket=int(bucket),
                group=grp,
                section_id=section_id,
                question_id=question_id,
                marks=int(count),
                fully_met=int(fully or 0),
                not_met=int(not_met or 0),
                critical_failures=int(critical or 0),
                scored=bool(scored),
                weight_total=int(weights or 0) / trend_mapping.MILLI,
                points_total=int(points or 0) / trend_mapping.MILLI,
            )
        )
    return tallies


def inspection_tallies(
    session: Session,
    flt: TrendFilter,
    bounds: Sequence[datetime],
    breakdown: Breakdown | None = None,
) -> list[InspectionTally]:
    """Submitted inspections and their score totals per bucket and group."""
    _without_jit(session)
    group = _group_column(breakdown)
    keys: list[ColumnElement[Any]] = [_bucket(bounds).label("bucket")]
    if group is not None:
        keys.append(group.label("grp"))
    query = (
        _with_reviews(
            select(
                *keys, func.count(), func.sum(Inspection.score), func.count(Inspection.score)
            ).select_from(Inspection),
            flt,
            breakdown,
        )
        .where(*_conditions(flt, bounds))
        .group_by(*_names(keys))
    )
    tallies = []
    for row in session.execute(query):
        found = list(row)
        grp = str(found.pop(1)) if group is not None else None
        bucket, count, total, scored = found
        tallies.append(InspectionTally(int(bucket), grp, int(count), float(total or 0), scored))
    return tallies


def labels(session: Session, breakdown: Breakdown | None, groups: set[str]) -> Labels:
    """Section and question titles (the latest version's wording and order first) and names
    for the breakdown groups."""
    sections: dict[str, str] = {}
    questions: dict[str, str] = {}
    for version_id, content_hash in reversed(trend_mapping.versions(session)):
        questionnaire = trend_mapping.questionnaire(session, version_id, content_hash)
        for section in questionnaire.sections:
            sections.setdefault(section.id, section.title)
            for question in section.questions:
                questions.setdefault(question.id, question.text)
    names = {g: g for g in groups}
    if breakdown is Breakdown.LAWYER and groups:
        ids = [int(g) for g in groups]
        found = session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
        names.update({str(person_id): name for person_id, name in found})
    return Labels(sections=sections, questions=questions, groups=names)


def _without_jit(session: Session) -> None:
    """PostgreSQL's JIT compiler is set off for the rest of the transaction: over a large
    history the planner's cost estimates pass its threshold, and compiling then takes longer
    than these queries take to run."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _with_reviews(query: Select[Any], flt: TrendFilter, breakdown: Breakdown | None) -> Select[Any]:
    """Joins the reviews only when a filter or the breakdown needs them."""
    needed = breakdown is not None or any(
        value is not None for value in (flt.area, flt.unit, flt.review_type, flt.lawyer_ids)
    )
    return query.join(CaseReview, CaseReview.id == Inspection.case_review_id) if needed else query


def _bucket(bounds: Sequence[datetime]) -> ColumnElement[Any]:
    if len(bounds) < 2:
        raise ValueError("need at least a start and an end")
    if len(bounds) == 2:
        return literal_column("0")
    if len(bounds) == 3:
        # The common case (a period and the one before): a comparison, 0 or 1 (false or true
        # on PostgreSQL), which the planner knows has two values; for a CASE it guesses a group
        # per row and sorts instead of hashing.
        return Inspection.submitted_at >= bounds[1]
    return case(
        *((Inspection.submitted_at < bound, index) for index, bound in enumerate(bounds[1:-1])),
        else_=len(bounds) - 2,
    )


def _group_column(breakdown: Breakdown | None) -> ColumnElement[Any] | None:
    if breakdown is None:
        return None
    columns: dict[Breakdown, ColumnElement[Any]] = {
        Breakdown.AREA: CaseReview.area.expression,
        Breakdown.UNIT: CaseReview.unit.expression,
        Breakdown.LAWYER: CaseReview.lawyer_id.expression,
    }
    return columns[breakdown]


def _names(columns: Sequence[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    # Grouped by output name: repeating the CASE would bind its parameters a second time,
    # which PostgreSQL would not recognise as the same expression.
    return [literal_column(c.key) for c in columns if c.key is not None]


def _conditions(flt: TrendFilter, bounds: Sequence[datetime]) -> list[ColumnElement[bool]]:
    found = [
        Inspection.status == "submitted",
        Inspection.submitted_at >= bounds[0],
        Inspection.submitted_at < bounds[-1],
    ]
    if flt.area is not None:
        found.append(CaseReview.area == flt.area)
    if flt.unit is not None:
        found.append(CaseReview.unit == flt.unit)
    if flt.review_type is not None:
        found.append(CaseReview.review_type == flt.review_type)
    if flt.lawyer_ids is not None:
        found.append(CaseReview.lawyer_id.in_(sorted(flt.lawyer_ids)))
    return found
