"""The packs as readable documents, PDFs of A4 landscape pages drawn with matplotlib (no other
PDF tool). The APR pack: the metrics of each review type, the trend chart, and the qualitative
page (themes by rate with intervals, anonymised key learning points and good practice). The
board pack: the Areas side by side, and the funnel plot."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.image import imread

from bot.services.trends.learning import Feed
from inspections.apr import GROUPS, Metric
from inspections.trends import FEWER_THAN_MIN

A4_LANDSCAPE = (11.69, 8.27)  # inches
LINES_PER_PAGE = 44


def apr_pdf(
    area: str, quarter: str, metrics: Sequence[Metric], chart_png: bytes, feed: Feed
) -> bytes:
    out = io.BytesIO()
    with PdfPages(out, metadata={"Creator": "dipsample", "Producer": None}) as pdf:
        pdf.savefig(
            _text_page(f"Area Performance Review: {area}, {quarter}", _metric_lines(metrics))
        )
        pdf.savefig(_image_page(f"Quality over time and recurring themes: {area}", chart_png))
        pdf.savefig(_text_page(f"What the inspections say: {area}, {quarter}", _qualitative(feed)))
    return out.getvalue()


def board_pdf(quarter: str, lines: list[str], funnel: bytes | None) -> bytes:
    """The national board pack: the Areas side by side, then the funnel plot."""
    out = io.BytesIO()
    with PdfPages(out, metadata={"Creator": "dipsample", "Producer": None}) as pdf:
        pdf.savefig(_text_page(f"Rape Casework Board: every Area, {quarter}", lines))
        if funnel is not None:
            pdf.savefig(_image_page(f"Reviews meeting the standard by Area, {quarter}", funnel))
    return out.getvalue()


def _metric_lines(metrics: Sequence[Metric]) -> list[str]:
    lines: list[str] = []
    for group, title in GROUPS.items():
        lines.append(title)
        for m in (m for m in metrics if m.group == group):
            lines.append(f"    {m.metric.replace('_', ' ')}: {_value(m)}")
        lines.append("")
    return lines


def _value(m: Metric) -> str:
    if m.value is None:
        return f"not shown ({FEWER_THAN_MIN} inspections, or none)"
    if m.low is not None and m.high is not None:
        return f"{m.value:.1%} (95% interval {m.low:.1%} to {m.high:.1%}; of {m.n})"
    return f"{m.value:g}" if isinstance(m.value, float) else str(m.value)


def _qualitative(feed: Feed) -> list[str]:
    lines = ["Themes of the Annual Rape Scrutiny Report, by the share of marks short of Fully met:"]
    lines += [
        f"    {t.heading}: {t.short} of {t.marks} marks in {t.inspections} inspections "
        f"({t.rate:.0%}; 95% interval {t.low:.0%} to {t.high:.0%})"
        for t in feed.themes[:8]
    ] or ["    none"]
    lines += ["", "The questions most often short of Fully met (one mark per inspection):"]
    lines += [
        f"    {q.label}: {q.not_fully_met} of {q.marks} ({q.rate:.0%}; 95% interval "
        f"{q.low:.0%} to {q.high:.0%})"
        for q in feed.questions
    ] or ["    none"]
    for title, texts in (
        ("Key learning points", feed.learning_points),
        ("Good practice to share", feed.good_practice),
    ):
        lines += ["", f"{title} (staff names and case numbers taken out):"]
        for text in texts[:6]:
            lines += ["    " + part for part in textwrap.wrap(text, 110)[:2]]
        lines += [] if texts else ["    none"]
    return lines


def _text_page(title: str, lines: list[str]) -> Figure:
    figure = Figure(figsize=A4_LANDSCAPE)
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=14, x=0.05, ha="left")
    shown = lines[:LINES_PER_PAGE]
    if len(lines) > LINES_PER_PAGE:
        shown[-1] = "    … (the full list is in the CSV)"
    figure.text(0.05, 0.9, "\n".join(shown), va="top", fontsize=8, family="monospace")
    return figure


def _image_page(title: str, png: bytes) -> Figure:
    figure = Figure(figsize=A4_LANDSCAPE)
    FigureCanvasAgg(figure)
    figure.suptitle(title, fontsize=14, x=0.05, ha="left")
    ax = figure.add_axes((0.03, 0.03, 0.94, 0.87))
    ax.imshow(imread(io.BytesIO(png), format="png"))
    ax.set_axis_off()
    return figure
