"""Trend aggregates, computed by the database with GROUP BY: nothing here loops over answers.

Answers of the period's submitted inspections that count in trends (the flag stored when an
inspection is submitted, see storage.trend_flags) are counted by (bucket, group, questionnaire
version, question, option); those few hundred counts are joined to a small mapping built from
the questionnaire versions (see inspections.mark_map), which says each question's section and
which options are marks, fully met, not met or critical failures, and summed again by section
and question. Periods are cut into buckets by UTC bounds (a comparison or a CASE on the
submission time), so the current and the previous period, or a chart's months, come from one
scan.

Whole local months (month and quarter summaries, the chart's series, the quarterly pack) are
counted from the monthly roll-ups instead (storage.trend_rollup), once they are built in the
same time zone: the same (bucket, group, version, question, option) counts, read from a few
thousand rows a month rather than every answer. Custom day ranges, weeks (the weekly digest),
and anything about lawyers (a unit's rows per lawyer, a team, a lawyer's own figures: the
roll-ups hold no lawyer) are counted from the answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import Session

from inspections.lifecycle import Purpose, Status
from inspections.periods import local_midnight
from inspections.scopes import Breakdown, Scope
from inspections.trend_summary import InspectionTally, Labels, MarkTally
from inspections.trends import Clusters
from storage import trend_mapping, trend_rollup
from storage.models import (
    Answer,
    CaseReview,
    Inspection,
    Person,
    TrendMonthInspections,
    TrendMonthMarks,
)


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


@dataclass(frozen=True)
class Buckets:
    """Consecutive ranges of local days: bucket i runs from days[i] to days[i + 1]."""

    days: tuple[date, ...]
    tz: ZoneInfo

    def __post_init__(self) -> None:
        if len(self.days) < 2:
            raise ValueError("need at least a start and an end")
        if any(later <= earlier for earlier, later in pairwise(self.days)):
            raise ValueError(f"bucket bounds must increase: {self.days}")

    def utc(self) -> list[datetime]:
        return [local_midnight(day, self.tz) for day in self.days]

    @property
    def whole_months(self) -> bool:
        return all(day.day == 1 for day in self.days)


def tallies(
    session: Session,
    flt: TrendFilter,
    buckets: Buckets,
    breakdown: Breakdown | None = None,
) -> tuple[list[MarkTally], list[InspectionTally]]:
    """Marks per bucket, group, section and question, and submitted inspections with their
    score totals per bucket and group: from the roll-ups when they serve, else the answers."""
    _without_jit(session)
    rolled_up = _rollups_serve(session, flt, buckets, breakdown)
    return (
        _mark_tallies(session, flt, buckets, breakdown, rolled_up=rolled_up),
        _inspection_tallies(session, flt, buckets, breakdown, rolled_up=rolled_up),
    )


def _mark_tallies(
    session: Session,
    flt: TrendFilter,
    buckets: Buckets,
    breakdown: Breakdown | None,
    *,
    rolled_up: bool,
) -> list[MarkTally]:
    maps = trend_mapping.maps(session)
    if maps is None:
        return []
    if rolled_up:
        counted = _rolled_up_marks(flt, buckets, breakdown, maps.mark_codes)
    else:
        counted = _answer_marks(flt, buckets, breakdown, maps.mark_codes)
    group = counted.c.grp if breakdown is not None else None
    marks = maps.marks
    outer: list[ColumnElement[Any]] = [counted.c.bucket]
    if group is not None:
        outer.append(group)
    query = (
        select(
            *outer,
            marks.c.section_id,
            marks.c.trend_question_id,
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
        .group_by(*outer, marks.c.section_id, marks.c.trend_question_id, marks.c.scored)
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


def _inspection_tallies(
    session: Session,
    flt: TrendFilter,
    buckets: Buckets,
    breakdown: Breakdown | None,
    *,
    rolled_up: bool,
) -> list[InspectionTally]:
    if rolled_up:
        query = _rolled_up_inspections(flt, buckets, breakdown)
    else:
        query = _answered_inspections(flt, buckets, breakdown)
    tallies = []
    for row in session.execute(query):
        found = list(row)
        grp = str(found.pop(1)) if breakdown is not None else None
        bucket, count, total, scored, n, yy, ym, mm = found
        tallies.append(
            InspectionTally(
                int(bucket),
                grp,
                int(count),
                float(total or 0),
                int(scored or 0),
                Clusters(int(n or 0), int(yy or 0), int(ym or 0), int(mm or 0)),
            )
        )
    return tallies


def _rollups_serve(
    session: Session, flt: TrendFilter, buckets: Buckets, breakdown: Breakdown | None
) -> bool:
    """The monthly roll-ups answer whole months in their own time zone, unless lawyers come
    into it (a lawyer filter, or a unit's or a team's rows per lawyer): they hold no lawyer."""
    return (
        buckets.whole_months
        and flt.lawyer_ids is None
        and breakdown is not Breakdown.LAWYER
        and trend_rollup.timezone(session) == buckets.tz.key
    )


def _answer_marks(
    flt: TrendFilter, buckets: Buckets, breakdown: Breakdown | None, mark_codes: list[str]
) -> Subquery:
    """Counted answers per bucket, group, version, question and option, from the answers."""
    bounds = buckets.utc()
    keys = _leading_keys(Inspection.submitted_at.expression, bounds, _group_column(breakdown))
    keys += [
        Inspection.questionnaire_version_id.label("version_id"),
        Answer.question_id.label("question_id"),
        Answer.option_code.label("option_code"),
    ]
    return (
        _with_reviews(
            select(*keys, func.count().label("n"))
            .select_from(Answer)
            .join(Inspection, Inspection.id == Answer.inspection_id),
            flt,
            breakdown,
        )
        .where(
            *_conditions(flt, bounds),
            Answer.option_code.in_(mark_codes),
            Answer.counts_in_trends,
        )
        .group_by(*_names(keys))
        .subquery("counted")
    )


def _rolled_up_marks(
    flt: TrendFilter, buckets: Buckets, breakdown: Breakdown | None, mark_codes: list[str]
) -> Subquery:
    """The same counts as _answer_marks, from the monthly roll-ups."""
    rolled = TrendMonthMarks
    keys = _leading_keys(rolled.month.expression, buckets.days, _rolled_up_group(rolled, breakdown))
    keys += [
        rolled.questionnaire_version_id.label("version_id"),
        rolled.question_id.label("question_id"),
        rolled.option_code.label("option_code"),
    ]
    return (
        select(*keys, func.sum(rolled.answers).label("n"))
        .where(
            *_rolled_up_conditions(rolled, flt, buckets),
            rolled.option_code.in_(mark_codes),
            rolled.answers > 0,
        )
        .group_by(*_names(keys))
        .subquery("counted")
    )


def _answered_inspections(
    flt: TrendFilter, buckets: Buckets, breakdown: Breakdown | None
) -> Select[Any]:
    bounds = buckets.utc()
    keys = _leading_keys(Inspection.submitted_at.expression, bounds, _group_column(breakdown))
    return (
        _with_reviews(
            select(
                *keys,
                func.count(),
                func.sum(Inspection.score),
                func.count(Inspection.score),
                *_cluster_sums(Inspection.marks_fully_met, Inspection.marks_scored),
            ).select_from(Inspection),
            flt,
            breakdown,
        )
        .where(*_conditions(flt, bounds))
        .group_by(*_names(keys))
    )


def _rolled_up_inspections(
    flt: TrendFilter, buckets: Buckets, breakdown: Breakdown | None
) -> Select[Any]:
    rolled = TrendMonthInspections
    keys = _leading_keys(rolled.month.expression, buckets.days, _rolled_up_group(rolled, breakdown))
    return (
        select(
            *keys,
            func.sum(rolled.inspections),
            func.sum(rolled.score_total),
            func.sum(rolled.scored),
            func.sum(rolled.clustered),
            func.sum(rolled.fully_sq),
            func.sum(rolled.fully_by_marks),
            func.sum(rolled.marks_sq),
        )
        .where(*_rolled_up_conditions(rolled, flt, buckets), rolled.inspections > 0)
        .group_by(*_names(keys))
    )


def _cluster_sums(fully: Any, marks: Any) -> list[ColumnElement[Any]]:
    """Inspections with marks, and the sums of fully^2, fully x marks and marks^2 over them:
    what the share of marks fully met needs to allow for marks grouped by inspection."""
    return [
        func.sum(case((marks > 0, 1), else_=0)),
        func.sum(fully * fully),
        func.sum(fully * marks),
        func.sum(marks * marks),
    ]


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
                questions.setdefault(question.id, question.short_label)
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


def _leading_keys(
    moment: ColumnElement[Any], bounds: Sequence[Any], group: ColumnElement[Any] | None
) -> list[ColumnElement[Any]]:
    """The bucket a row falls in, and its breakdown group if there is one."""
    keys: list[ColumnElement[Any]] = [_bucket(moment, bounds).label("bucket")]
    if group is not None:
        keys.append(group.label("grp"))
    return keys


def _bucket(column: ColumnElement[Any], bounds: Sequence[Any]) -> ColumnElement[Any]:
    """Which bucket a row's `column` (a submission time, or a roll-up's month) falls in."""
    if len(bounds) == 2:
        return literal_column("0")
    if len(bounds) == 3:
        # The common case (a period and the one before): a comparison, 0 or 1 (false or true
        # on PostgreSQL), which the planner knows has two values; for a CASE it guesses a group
        # per row and sorts instead of hashing.
        return column >= bounds[1]
    return case(
        *((column < bound, index) for index, bound in enumerate(bounds[1:-1])),
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


def _rolled_up_group(
    rolled: type[TrendMonthMarks] | type[TrendMonthInspections], breakdown: Breakdown | None
) -> ColumnElement[Any] | None:
    if breakdown is None:
        return None
    columns: dict[Breakdown, ColumnElement[Any]] = {
        Breakdown.AREA: rolled.area.expression,
        Breakdown.UNIT: rolled.unit.expression,
    }
    return columns[breakdown]


def _rolled_up_conditions(
    rolled: type[TrendMonthMarks] | type[TrendMonthInspections],
    flt: TrendFilter,
    buckets: Buckets,
) -> list[ColumnElement[bool]]:
    within = [rolled.month >= buckets.days[0], rolled.month < buckets.days[-1]]
    return within + _where_scope(flt, rolled.area, rolled.unit, rolled.review_type)


def _names(columns: Sequence[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    # Grouped by output name: repeating the CASE would bind its parameters a second time,
    # which PostgreSQL would not recognise as the same expression.
    return [literal_column(c.key) for c in columns if c.key is not None]


def _conditions(flt: TrendFilter, bounds: Sequence[datetime]) -> list[ColumnElement[bool]]:
    return [*counted_between(bounds[0], bounds[-1]), *review_scope(flt)]


def counted_between(start: datetime, end: datetime) -> list[ColumnElement[bool]]:
    """The inspections whose marks count, submitted in [start, end): submitted primary
    markings (a blind second or a calibration marking counts only for consistency)."""
    return [
        Inspection.status == Status.SUBMITTED,
        Inspection.purpose == Purpose.PRIMARY,
        Inspection.submitted_at >= start,
        Inspection.submitted_at < end,
    ]


def review_scope(flt: TrendFilter) -> list[ColumnElement[bool]]:
    """The filter on case reviews: Area, unit, review type and lawyers."""
    found = _where_scope(flt, CaseReview.area, CaseReview.unit, CaseReview.review_type)
    if flt.lawyer_ids is not None:
        found.append(CaseReview.lawyer_id.in_(sorted(flt.lawyer_ids)))
    return found


def _where_scope(
    flt: TrendFilter, area: Any, unit: Any, review_type: Any
) -> list[ColumnElement[bool]]:
    """The filter's Area, unit and review type, on the columns given (a review's or a
    roll-up's)."""
    found = []
    for column, wanted in ((area, flt.area), (unit, flt.unit), (review_type, flt.review_type)):
        if wanted is not None:
            found.append(column == wanted)
    return found


def referrals(
    session: Session, flt: TrendFilter, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """(referred_at, completed_at) of the scope's reviews completed in [start, end) whose
    intake gave a referral date; sampled or not, inspected or not."""
    query = select(CaseReview.referred_at, CaseReview.completed_at).where(
        CaseReview.completed_at >= start,
        CaseReview.completed_at < end,
        CaseReview.referred_at.is_not(None),
        *review_scope(flt),
    )
    return [(referred, completed) for referred, completed in session.execute(query)]
