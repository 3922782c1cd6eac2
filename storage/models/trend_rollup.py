"""Monthly roll-ups of the submitted inspections, which trend queries over whole months read
instead of every answer (see storage.trend_rollup, which keeps them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class TrendMonthMarks(Base):
    """Counted answers of submitted inspections per local month, Area, unit, review type,
    questionnaire version, question and option."""

    __tablename__ = "trend_month_marks"

    month: Mapped[date] = mapped_column(primary_key=True)  # the month's first day, local time
    area: Mapped[str] = mapped_column(primary_key=True)
    unit: Mapped[str] = mapped_column(primary_key=True)
    review_type: Mapped[str] = mapped_column(primary_key=True)
    questionnaire_version_id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[str] = mapped_column(primary_key=True)
    option_code: Mapped[str] = mapped_column(primary_key=True)
    answers: Mapped[int]  # 0 once every inspection counted here has been taken back out


class TrendMonthInspections(Base):
    """Submitted inspections and their score totals per local month, Area, unit and review
    type."""

    __tablename__ = "trend_month_inspections"

    month: Mapped[date] = mapped_column(primary_key=True)
    area: Mapped[str] = mapped_column(primary_key=True)
    unit: Mapped[str] = mapped_column(primary_key=True)
    review_type: Mapped[str] = mapped_column(primary_key=True)
    inspections: Mapped[int]
    score_total: Mapped[float]
    scored: Mapped[int]  # inspections with a score
    # Over inspections whose mark counts are known (storage.models.Inspection.marks_scored):
    # how many, and the sums of fully_met^2, fully_met x scored, and scored^2.
    clustered: Mapped[int] = mapped_column(default=0, server_default="0")
    fully_sq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    fully_by_marks: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    marks_sq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class TrendRollupState(Base):
    """At most one row: the time zone whose months the roll-ups are cut by, and when they were
    last rebuilt. No row: there are no roll-ups, and trends read the answers."""

    __tablename__ = "trend_rollup_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    timezone: Mapped[str]
    rebuilt_at: Mapped[datetime]
