"""The learning-programme feed for a quarter (one Area or all): the themes of the Annual Rape
Scrutiny Report and the questions most often short of Fully met, each ranked by rate with its
95% interval, and the inspectors' reasons, key learning points and good-practice notes,
anonymised (no URN, no name from the directory). Audited as an export."""

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
from inspections.feedback import GOOD_PRACTICE, KEY_LEARNING_POINT
from inspections.periods import Period
from inspections.scopes import Scope, ScopeKind
from inspections.spreadsheet import safe_cell
from inspections.themes import theme_rates
from inspections.trends import Share
from questionnaires.themes import THEMES
from storage import audit, learning_queries
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class ThemeRow:
    """A theme of the Annual Rape Scrutiny Report, by the share of its marks short of Fully
    met (inspections.themes)."""

    theme: str
    heading: str
    inspections: int
    marks: int
    short: int
    rate: float
    low: float
    high: float


@dataclass(frozen=True)
class QuestionRow:
    """A question of the recurring themes: one mark per inspection."""

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
    themes: list[ThemeRow]
    questions: list[QuestionRow]
    reasons: list[dict[str, str]]  # {"question": label, "text": anonymised reason}
    learning_points: list[str]
    good_practice: list[str]


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
    questions = []
    for q in summary.themes:
        share = Share(q.not_fully_met, q.marks)  # one mark per inspection: plain Wilson
        interval = share.interval
        assert interval is not None and share.value is not None  # themes have marks
        questions.append(
            QuestionRow(q.question_id, q.text, q.marks, q.not_fully_met, share.value, *(
                interval.low, interval.high))
        )  # fmt: skip
    start, end = quarter.utc_bounds(tz)
    themes = [
        ThemeRow(r.theme, THEMES[r.theme].label, r.inspections, r.marks, r.short, r.rate, *(
            r.low, r.high))
        for r in theme_rates(
            (m.inspection_id, m.theme, m.fully_met)
            for m in learning_queries.theme_marks(session, start=start, end=end, area=area)
        )
        if r.theme in THEMES
    ]  # fmt: skip
    labels = {q.question_id: q.text for q in summary.questions}
    # Written text from fewer than 5 inspections would point at them: none is given.
    if summary.suppressed:
        return Feed(quarter.label, scope.label, themes, questions, [], [], [])
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
        for question, text in texts([q.question_id for q in questions], reasons=True)
    ]
    points = [text for _, text in texts([KEY_LEARNING_POINT], reasons=False)]
    good = [text for _, text in texts([GOOD_PRACTICE], reasons=False)]
    return Feed(quarter.label, scope.label, themes, questions, reasons, points, good)


def as_json(feed: Feed) -> str:
    document: dict[str, Any] = asdict(feed)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def as_csv(feed: Feed) -> str:
    """Tidy: a kind per row (theme, question, reason, learning_point, good_practice), each with
    what it needs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["kind", "id", "label", "inspections", "marks", "short", "rate", "low", "high", "text"]
    )
    for t in feed.themes:
        writer.writerow(
            ["theme", t.theme, safe_cell(t.heading), t.inspections, t.marks, t.short,
             round(t.rate, 4), round(t.low, 4), round(t.high, 4), ""]
        )  # fmt: skip
    for q in feed.questions:
        writer.writerow(
            ["question", q.question_id, safe_cell(q.label), q.marks, q.marks, q.not_fully_met,
             round(q.rate, 4), round(q.low, 4), round(q.high, 4), ""]
        )  # fmt: skip
    blank = [""] * 6  # inspections to high
    for r in feed.reasons:
        writer.writerow(["reason", "", safe_cell(r["question"]), *blank, safe_cell(r["text"])])
    for point in feed.learning_points:
        writer.writerow(["learning_point", "", "", *blank, safe_cell(point)])
    for note in feed.good_practice:
        writer.writerow(["good_practice", "", "", *blank, safe_cell(note)])
    return out.getvalue()
