"""Keeps the monthly trend roll-ups (storage.models.trend_rollup) equal to the answers.

Trends over whole local months (every month and quarter summary, the chart's series, the
quarterly pack) read the roll-ups: a few thousand rows a month however many answers there are,
instead of every answer of the period. The raw answers stay the source of truth, and the
roll-ups are derived from them by the same SQL either way (for one month's submissions, or for
one inspection):

- `rebuild` recomputes them all, one month at a time, for a time zone (run by `dipsample serve`
  and the demo at start-up when the stored zone is not the deployment's, and by
  `dipsample db rebuild-trend-rollups`);
- `add` counts one inspection in, `withdraw` takes it out again; the submission adds, and a
  change to a submitted mark withdraws before and adds after, all in the change's own
  transaction.

With no state row there are no roll-ups: nothing is kept and trends read the answers.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum, auto
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, TextClause, bindparam, delete, func, select, text
from sqlalchemy.orm import Session

from inspections.lifecycle import Purpose, Status
from inspections.periods import local_midnight, month_of
from storage.models import (
    Inspection,
    TrendMonthInspections,
    TrendMonthMarks,
    TrendRollupState,
    UtcDateTime,
)

# INSERT ... SELECT ... ON CONFLICT adding to the totals, as text: SQLAlchemy never caches the
# dialects' ON CONFLICT constructs, and these run in every submission. Both databases take this
# syntax. On PostgreSQL the inspections row of a (month, Area, unit, review type) is written
# first (see _statements), so every writer to that group queues on it before touching any of
# its marks rows; an amendment, which withdraws and then adds a different mark, would otherwise
# deadlock with a submission holding that mark's row. The rows come in key order besides.
_MARKS = """
INSERT INTO trend_month_marks (month, area, unit, review_type, questionnaire_version_id,
    question_id, option_code, answers)
SELECT :month, r.area, r.unit, r.review_type, i.questionnaire_version_id, a.question_id,
    a.option_code, :sign * COUNT(*)
FROM answers a
JOIN inspections i ON i.id = a.inspection_id
JOIN case_reviews r ON r.id = i.case_review_id
WHERE {within} AND a.counts_in_trends AND a.option_code IS NOT NULL
GROUP BY r.area, r.unit, r.review_type, i.questionnaire_version_id, a.question_id, a.option_code
ORDER BY r.area, r.unit, r.review_type, i.questionnaire_version_id, a.question_id, a.option_code
ON CONFLICT (month, area, unit, review_type, questionnaire_version_id, question_id, option_code)
DO UPDATE SET answers = trend_month_marks.answers + excluded.answers
"""
_INSPECTIONS = """
INSERT INTO trend_month_inspections (month, area, unit, review_type, inspections, score_total,
    scored, clustered, fully_sq, fully_by_marks, marks_sq)
SELECT :month, r.area, r.unit, r.review_type, :sign * COUNT(*),
    :sign * COALESCE(SUM(i.score), 0.0), :sign * COUNT(i.score),
    :sign * COALESCE(SUM(CASE WHEN i.marks_scored > 0 THEN 1 ELSE 0 END), 0),
    :sign * COALESCE(SUM(i.marks_fully_met * i.marks_fully_met), 0),
    :sign * COALESCE(SUM(i.marks_fully_met * i.marks_scored), 0),
    :sign * COALESCE(SUM(i.marks_scored * i.marks_scored), 0)
FROM inspections i
JOIN case_reviews r ON r.id = i.case_review_id
WHERE {within}
GROUP BY r.area, r.unit, r.review_type
ORDER BY r.area, r.unit, r.review_type
ON CONFLICT (month, area, unit, review_type)
DO UPDATE SET inspections = trend_month_inspections.inspections + excluded.inspections,
    score_total = trend_month_inspections.score_total + excluded.score_total,
    scored = trend_month_inspections.scored + excluded.scored,
    clustered = trend_month_inspections.clustered + excluded.clustered,
    fully_sq = trend_month_inspections.fully_sq + excluded.fully_sq,
    fully_by_marks = trend_month_inspections.fully_by_marks + excluded.fully_by_marks,
    marks_sq = trend_month_inspections.marks_sq + excluded.marks_sq
"""


def _statements(within: str) -> tuple[TextClause, TextClause]:
    binds = (
        bindparam("month", type_=Date()),
        bindparam("sign", type_=Integer()),
        bindparam("start", type_=UtcDateTime()),
        bindparam("end", type_=UtcDateTime()),
    )
    found = []
    for sql in (_INSPECTIONS, _MARKS):  # this order: see above
        statement = text(sql.format(within=within))
        found.append(statement.bindparams(*(b for b in binds if f":{b.key}" in statement.text)))
    return found[0], found[1]


# Only primary inspections count in trends: a blind second marking is for consistency only.
_ONE_INSPECTION = _statements("i.id = :inspection_id AND i.purpose = 'primary'")
_SUBMITTED_IN_MONTH = _statements(
    "i.status = 'submitted' AND i.purpose = 'primary' AND i.submitted_at >= :start "
    "AND i.submitted_at < :end"
)


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
            Inspection.status == Status.SUBMITTED, Inspection.purpose == Purpose.PRIMARY
        )
    ).one()
    months = 0
    if first is not None:
        month = month_of(first.astimezone(tz).date())
        final = month_of(last.astimezone(tz).date())
        while month.start <= final.start:
            _count(
                session,
                _SUBMITTED_IN_MONTH,
                month=month.start,
                sign=1,
                start=local_midnight(month.start, tz),
                end=local_midnight(month.end, tz),
            )
            months += 1
            month = month_of(month.end)
    session.add(TrendRollupState(id=1, timezone=tz.key, rebuilt_at=now))
    session.flush()
    return months


def ensure(session: Session, tz: ZoneInfo, now: datetime) -> int | None:
    """Rebuilds unless the roll-ups are already cut in `tz`: the months counted, or None when
    they were."""
    if timezone(session) == tz.key:  # the usual case: no lock, nothing waits
        return None
    # End the read before locking: two instances each upgrading the lock their read holds
    # would deadlock.
    session.rollback()
    _hold_state(session)
    if timezone(session) == tz.key:  # another instance starting at once has just rebuilt
        return None
    return rebuild(session, tz, now)


def _hold_state(session: Session) -> None:
    """On PostgreSQL, waits for the transactions that have read the state (submissions adding
    themselves) and holds new ones until this transaction ends, so that a rebuild counts each
    inspection exactly once. SQLite writers already take turns."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE trend_rollup_state IN ACCESS EXCLUSIVE MODE"))


class Unread(Enum):
    """The roll-ups' zone, not read yet: `add` and `withdraw` read it themselves."""

    ZONE = auto()


def add(session: Session, inspection_id: int, *, zone: str | Unread | None = Unread.ZONE) -> None:
    """Counts a submitted inspection in, as its rows now stand (flushed first). `zone`: what
    `timezone(session)` gave earlier in this transaction, to save reading it again."""
    _apply(session, inspection_id, sign=1, zone=zone)


def withdraw(
    session: Session, inspection_id: int, *, zone: str | Unread | None = Unread.ZONE
) -> None:
    """Takes a submitted inspection out, as its rows now stand: call before changing them."""
    _apply(session, inspection_id, sign=-1, zone=zone)


def _apply(session: Session, inspection_id: int, *, sign: int, zone: str | Unread | None) -> None:
    if isinstance(zone, Unread):
        zone = timezone(session)
    if zone is None:
        return
    session.flush()
    inspection = session.get(Inspection, inspection_id)  # loaded already by submit and amend
    submitted = inspection is not None and inspection.status == Status.SUBMITTED
    if inspection is None or not submitted or inspection.submitted_at is None:
        raise ValueError(f"inspection {inspection_id} is not submitted: it is in no trend")
    month = month_of(inspection.submitted_at.astimezone(ZoneInfo(zone)).date()).start
    _count(session, _ONE_INSPECTION, month=month, sign=sign, inspection_id=inspection_id)


def _count(session: Session, statements: tuple[TextClause, TextClause], **params: object) -> None:
    """Adds params["sign"] x the counts of the inspections the statements select."""
    for statement in statements:
        session.execute(statement, params)
