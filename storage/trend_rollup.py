"""Keeps the monthly trend roll-ups (storage.models.trend_rollup) equal to the answers.

Trends over whole local months (every month and quarter summary, the chart's series, the
quarterly pack) read the roll-ups: a few thousand rows a month however many answers there are,
instead of every answer of the period. The raw answers stay the source of truth, and the
roll-ups are derived from them by the same SQL either way:

- `rebuild` recomputes them all, one month at a time, for a time zone (run by `dipsample serve`
  and the demo at start-up when the stored zone is not the deployment's, and by
  `dipsample trends --rebuild-rollups`);
- `add` counts one inspection in, `withdraw` takes it out again; the submission adds, and a
  change to a submitted mark withdraws before and adds after, all in the change's own
  transaction.

With no state row there are no roll-ups: nothing is kept and trends read the answers.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    delete,
    func,
    literal,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from inspections.periods import local_midnight, month_of
from storage.models import (
    Answer,
    CaseReview,
    Inspection,
    TrendMonthInspections,
    TrendMonthMarks,
    TrendRollupState,
)

_GROUP = (CaseReview.area, CaseReview.unit, CaseReview.review_type)


def timezone(session: Session) -> str | None:
    """The zone the roll-ups' months are cut in; None when there are no roll-ups."""
    return session.scalar(select(TrendRollupState.timezone))


def rebuild(session: Session, tz: ZoneInfo, now: datetime) -> int:
    """Recomputes every roll-up for months in `tz`; the number of months counted."""
    _hold_state(session)
    session.execute(delete(TrendMonthMarks))
    session.execute(delete(TrendMonthInspections))
    session.execute(delete(TrendRollupState))
    first, last = session.execute(
        select(func.min(Inspection.submitted_at), func.max(Inspection.submitted_at)).where(
            Inspection.status == "submitted"
        )
    ).one()
    months = 0
    if first is not None:
        month = month_of(first.astimezone(tz).date())
        final = month_of(last.astimezone(tz).date())
        while month.start <= final.start:
            within = (
                Inspection.status == "submitted",
                Inspection.submitted_at >= local_midnight(month.start, tz),
                Inspection.submitted_at < local_midnight(month.end, tz),
            )
            _count(session, month.start, within, sign=1)
            months += 1
            month = month_of(month.end)
    session.add(TrendRollupState(id=1, timezone=tz.key, rebuilt_at=now))
    session.flush()
    return months


def ensure(session: Session, tz: ZoneInfo, now: datetime) -> int | None:
    """Rebuilds unless the roll-ups are already cut in `tz`: the months counted, or None when
    they were."""
    _hold_state(session)  # so that of two instances starting at once, one rebuilds
    if timezone(session) == tz.key:
        return None
    return rebuild(session, tz, now)


def _hold_state(session: Session) -> None:
    """On PostgreSQL, waits for the transactions that have read the state (submissions adding
    themselves) and holds new ones until this transaction ends, so that a rebuild counts each
    inspection exactly once. SQLite writers already take turns."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE trend_rollup_state IN ACCESS EXCLUSIVE MODE"))


def add(session: Session, inspection_id: int) -> None:
    """Counts a submitted inspection in, as its rows now stand (flushed first)."""
    _apply(session, inspection_id, sign=1)


def withdraw(session: Session, inspection_id: int) -> None:
    """Takes a submitted inspection out, as its rows now stand: call before changing them."""
    _apply(session, inspection_id, sign=-1)


def _apply(session: Session, inspection_id: int, *, sign: int) -> None:
    zone = timezone(session)
    if zone is None:
        return
    session.flush()
    inspection = session.get(Inspection, inspection_id)  # loaded already by submit and amend
    if inspection is None or inspection.status != "submitted" or inspection.submitted_at is None:
        raise ValueError(f"inspection {inspection_id} is not submitted: it is in no trend")
    month = month_of(inspection.submitted_at.astimezone(ZoneInfo(zone)).date()).start
    _count(session, month, (Inspection.id == inspection_id,), sign=sign)


def _count(
    session: Session, month: date, within: tuple[ColumnElement[bool], ...], *, sign: int
) -> None:
    """Adds sign x the counts of the inspections `within` selects to `month`'s rows."""
    month_value = literal(month, Date)
    marks = (
        select(
            month_value,
            *_GROUP,
            Inspection.questionnaire_version_id,
            Answer.question_id,
            Answer.option_code,
            func.count() * sign,
        )
        .select_from(Answer)
        .join(Inspection, Inspection.id == Answer.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(*within, Answer.counts_in_trends, Answer.option_code.is_not(None))
    )
    keys = (*_GROUP, Inspection.questionnaire_version_id, Answer.question_id, Answer.option_code)
    marks = marks.group_by(*keys).order_by(*keys)
    _upsert(session, TrendMonthMarks, marks, totals=("answers",))
    inspections = (
        select(
            month_value,
            *_GROUP,
            func.count() * sign,
            func.coalesce(func.sum(Inspection.score), 0.0) * sign,
            func.count(Inspection.score) * sign,
        )
        .select_from(Inspection)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .where(*within)
        .group_by(*_GROUP)
        .order_by(*_GROUP)
    )
    totals = ("inspections", "score_total", "scored")
    _upsert(session, TrendMonthInspections, inspections, totals=totals)


def _upsert(
    session: Session,
    table: type[TrendMonthMarks] | type[TrendMonthInspections],
    rows: Select[Any],
    *,
    totals: tuple[str, ...],
) -> None:
    """INSERT ... SELECT ... ON CONFLICT adding to the totals. `rows` come in key order, so two
    transactions adding to the same months lock their rows in the same order and cannot
    deadlock on PostgreSQL."""
    mapped = table.__table__
    columns = [c.name for c in mapped.columns]
    keys = [c.name for c in mapped.primary_key]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).from_select(columns, rows)
    added = {name: getattr(table, name) + statement.excluded[name] for name in totals}
    session.execute(statement.on_conflict_do_update(index_elements=keys, set_=added))
