"""The national board pack: every Area and CPS Direct side by side on the headline metrics for a
quarter, with where each stands on the funnel plot of reviews meeting the standard. Areas of
fewer than 5 inspections show no figures, in the table and on the chart alike."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.trends.apr_document import board_pdf
from bot.services.trends.charts import funnel_chart
from bot.services.trends.engine import summarise
from bot.slack.files import encoded
from inspections.areas import AREAS
from inspections.funnel import Position, position
from inspections.periods import Period
from inspections.scopes import Scope, ScopeKind
from inspections.spreadsheet import safe_cell
from inspections.trend_summary import Figures
from inspections.trends import FEWER_THAN_MIN, Share, is_suppressed
from storage import audit
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class BoardRow:
    area: str
    figures: Figures | None  # None: no inspection in the quarter
    position: Position | None  # None when hidden

    @property
    def hidden(self) -> bool:
        return self.figures is None or is_suppressed(self.figures.inspections)


@dataclass(frozen=True)
class BoardPack:
    quarter: Period
    national: Figures
    rows: tuple[BoardRow, ...]

    @property
    def national_share(self) -> float | None:
        return self.national.meeting_standard.value

    @property
    def one_small_area_hidden(self) -> bool:
        """Exactly one Area hidden for having 1 to 4 inspections: the national counts would
        give it away by subtraction, so they are not shown (its share alone does not)."""
        small = [r for r in self.rows if r.figures is not None and r.hidden]
        return len(small) == 1


def board_pack(
    uow: UnitOfWork, *, quarter: Period, tz: ZoneInfo, actor: str, now: datetime
) -> BoardPack:
    with uow:
        scope = Scope(ScopeKind.NATIONAL, "National")
        summary = summarise(uow.session, scope=scope, period=quarter, review_type=None, tz=tz)
        by_area = {row.key: row.figures for row in summary.rows}
        national = summary.figures.meeting_standard.value
        rows = []
        for area in AREAS:
            figures = by_area.get(area)
            shown = figures is not None and not is_suppressed(figures.inspections)
            met = figures.meeting_standard if figures is not None else Share()
            where = (
                position(met.value, national, met.trials)
                if shown and national is not None and met.value is not None and met.trials
                else None
            )
            rows.append(BoardRow(area, figures, where))
        audit.record(
            uow.session,
            actor=actor,
            action="board.exported",
            entity_type="trend_scope",
            entity_id="National",
            details={"quarter": quarter.label},
            now=now,
        )
        uow.commit()
    return BoardPack(quarter, summary.figures, tuple(rows))


COLUMNS = (
    "area",
    "inspections",
    "reviews_meeting_the_standard",
    "reviews",
    "low",
    "high",
    "funnel_position",
    "marks_fully_met",
    "mean_score",
    "critical_failures",
)


def _row_values(row: BoardRow) -> list[object]:
    if row.hidden or row.figures is None:
        count = 0 if row.figures is None else row.figures.inspections
        shown = FEWER_THAN_MIN if count else 0
        return [safe_cell(row.area), shown, *[""] * (len(COLUMNS) - 2)]
    f = row.figures
    met, interval = f.meeting_standard, f.meeting_standard.interval
    return [
        safe_cell(row.area),
        f.inspections,
        "" if met.value is None else round(met.value, 4),
        met.trials,
        "" if interval is None else round(interval.low, 4),
        "" if interval is None else round(interval.high, 4),
        row.position.value if row.position else "",
        "" if f.fully_met.value is None else round(f.fully_met.value, 4),
        "" if f.mean_score is None else round(f.mean_score, 4),
        f.critical_failures,
    ]


def as_csv(pack: BoardPack) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in pack.rows:
        writer.writerow(_row_values(row))
    return out.getvalue()


def as_json(pack: BoardPack) -> str:
    rows: list[dict[str, Any]] = [
        dict(zip(COLUMNS, _row_values(row), strict=True)) for row in pack.rows
    ]
    national = pack.national.meeting_standard
    counts: dict[str, Any] = {
        "inspections": pack.national.inspections,
        "reviews_meeting_the_standard": national.value,
        "reviews": national.trials,
    }
    if pack.one_small_area_hidden:
        # With one Area hidden, the national counts less the others' would give its own.
        counts = {"reviews_meeting_the_standard": national.value}
    document = {"quarter": pack.quarter.label, "national": counts, "areas": rows}
    return json.dumps(document, indent=2) + "\n"


@dataclass(frozen=True)
class FunnelPoint:
    area: str
    reviews: int
    share: float


def funnel_points(pack: BoardPack) -> list[FunnelPoint]:
    """What the funnel plot shows: the Areas the table shows, and no other."""
    return [
        FunnelPoint(
            row.area, row.figures.meeting_standard.trials, row.figures.meeting_standard.value
        )
        for row in pack.rows
        if not row.hidden
        and row.figures is not None
        and row.figures.meeting_standard.value is not None
        and row.figures.meeting_standard.trials
    ]


def board_lines(pack: BoardPack) -> list[str]:
    """The document's table: each Area's reviews meeting the standard, its interval and its
    place on the funnel plot; hidden Areas say why, and show nothing else."""
    national = pack.national_share
    head = "National: " + (
        "no review had an overall mark"
        if national is None
        else f"{national:.1%} of reviews met the standard"
    )
    lines = [head, "", f"{'Area':28s} {'inspections':>11s}  reviews meeting the standard"]
    for row in pack.rows:
        if row.hidden or row.figures is None:
            count = 0 if row.figures is None else row.figures.inspections
            lines.append(f"{row.area:28s} {FEWER_THAN_MIN if count else 0:>11}  not shown")
            continue
        met, interval = row.figures.meeting_standard, row.figures.meeting_standard.interval
        share = "no overall marks" if met.value is None else f"{met.value:.0%} of {met.trials}"
        if interval is not None:
            share += f" (95% interval {interval.low:.0%} to {interval.high:.0%})"
        where = f"; {row.position.value}" if row.position else ""
        lines.append(f"{row.area:28s} {row.figures.inspections:>11}  {share}{where}")
    return [*lines, "", FUNNEL_NOTE]


def board_files(pack: BoardPack) -> list[dict[str, str]]:
    """The pack's files, encoded for the outbox: the table as CSV, the document, the plot."""
    stem = f"board-{pack.quarter.label}"
    chart = funnel_png(pack)
    files = [
        encoded(as_csv(pack).encode("utf-8"), filename=f"{stem}.csv", title=f"{stem}.csv"),
        encoded(
            board_pdf(pack.quarter.label, board_lines(pack), chart),
            filename=f"{stem}.pdf",
            title=f"{stem}.pdf",
        ),
    ]
    if chart is not None:
        files.append(encoded(chart, filename=f"{stem}-funnel.png", title=f"{stem}-funnel.png"))
    return files


FUNNEL_NOTE = "Areas of fewer than 5 inspections are not shown."


def funnel_png(pack: BoardPack) -> bytes | None:
    """The funnel plot of the pack's Areas; None when no review had an overall mark."""
    if pack.national_share is None:
        return None
    points = [(p.area, p.reviews, p.share) for p in funnel_points(pack)]
    title = f"Reviews meeting the standard by Area, {pack.quarter.label}"
    return funnel_chart(title, pack.national_share, points, FUNNEL_NOTE)
