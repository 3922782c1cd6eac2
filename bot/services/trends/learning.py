"""The learning-programme feed for a quarter (one Area or all): the questions most often short
of Fully met, ranked by rate with their 95% intervals, and the inspectors' reasons and key
learning points, anonymised (no URN, no name from the directory). Audited as an export."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.services.trends.engine import summarise
from inspections.anonymise import anonymised
from inspections.feedback import KEY_LEARNING_POINT
from inspections.periods import Period
from inspections.scopes import Scope, ScopeKind
from inspections.spreadsheet import safe_cell
from inspections.trends import Share
from storage import audit, learning_queries
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Theme:
    question_id: str
    label: str
    marks: int
    not_fully_met: int
    rate: float
    low: float
    high: float


@dataclass(frozen=True)
class Feed:
    quarter: str
    scope: str
    themes: list[Theme]
    reasons: list[dict[str, str]]  # {"question": label, "text": anonymised reason}
    learning_points: list[str]


def learning_feed(
    uow: UnitOfWork,
    *,
    quarter: Period,
    area: str | None,
    tz: ZoneInfo,
    actor: str,
    now: datetime,
) -> Feed:
    """The feed, for an export: audited."""
    with uow:
        feed = feed_of(uow.session, quarter=quarter, area=area, tz=tz)
        audit.record(
            uow.session,
            actor=actor,
            action="learning.exported",
            entity_type="trend_scope",
            entity_id=feed.scope,
            details={
                "quarter": quarter.label,
                "themes": len(feed.themes),
                "texts": len(feed.learning_points),
            },
            now=now,
        )
        uow.commit()
    return feed


def feed_of(session: Session, *, quarter: Period, area: str | None, tz: ZoneInfo) -> Feed:
    scope = (
        Scope(ScopeKind.AREA, area, area=area) if area else Scope(ScopeKind.NATIONAL, "National")
    )
    summary = summarise(session, scope=scope, period=quarter, review_type=None, tz=tz)
    themes = []
    for q in summary.themes:
        share = Share(q.not_fully_met, q.marks)  # one mark per inspection: plain Wilson
        interval = share.interval
        assert interval is not None and share.value is not None  # themes have marks
        themes.append(
            Theme(q.question_id, q.text, q.marks, q.not_fully_met, share.value, *(
                interval.low, interval.high))
        )  # fmt: skip
    labels = {q.question_id: q.text for q in summary.questions}
    start, end = quarter.utc_bounds(tz)
    # Written text from fewer than 5 inspections would point at them: none is given.
    if summary.suppressed:
        return Feed(quarter.label, scope.label, themes, [], [])
    names = learning_queries.directory_names(session)

    def texts(question_ids: list[str], *, reasons: bool) -> list[tuple[str, str]]:
        found = learning_queries.written(
            session,
            start=start,
            end=end,
            area=area,
            question_ids=question_ids,
            with_reason_only=reasons,
        )
        return [(question, anonymised(text, names)) for question, text in found]

    reasons = [
        {"question": labels.get(question, question), "text": text}
        for question, text in texts([t.question_id for t in themes], reasons=True)
    ]
    points = [text for _, text in texts([KEY_LEARNING_POINT], reasons=False)]
    return Feed(quarter.label, scope.label, themes, reasons, points)


def as_json(feed: Feed) -> str:
    document: dict[str, Any] = asdict(feed)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_csv(feed: Feed) -> str:
    """Tidy: a kind per row (theme, reason, learning_point), each with what it needs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["kind", "question", "label", "marks", "not_fully_met", "rate", "low", "high", "text"]
    )
    for t in feed.themes:
        writer.writerow(
            ["theme", t.question_id, safe_cell(t.label), t.marks, t.not_fully_met,
             round(t.rate, 4), round(t.low, 4), round(t.high, 4), ""]
        )  # fmt: skip
    for r in feed.reasons:
        writer.writerow(
            ["reason", "", safe_cell(r["question"]), "", "", "", "", "", safe_cell(r["text"])]
        )
    for point in feed.learning_points:
        writer.writerow(["learning_point", "", "", "", "", "", "", "", safe_cell(point)])
    return out.getvalue()
