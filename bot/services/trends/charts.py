"""The trend chart as a PNG: quality over time per section, and the top recurring themes.

Drawn with matplotlib's Agg canvas on a Figure of our own (no pyplot, so no global state and
no display needed), always CHART_WIDTH x CHART_HEIGHT pixels, without the software version and
date a PNG would otherwise carry, so the same figures give the same bytes.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from inspections.funnel import Z_95, Z_998, control_limits

CHART_WIDTH = 1200
CHART_HEIGHT = 800
DPI = 100
THEME_LABEL = 60


@dataclass(frozen=True)
class ChartData:
    title: str
    months: Sequence[str]  # x axis labels, e.g. "Jan 2026"
    sections: dict[str, Sequence[float | None]]  # title -> share fully met per month
    themes: Sequence[tuple[str, int]]  # question text -> marks not fully met, most first
    note: str = ""  # shown under the chart, e.g. why some months are blank


def trend_chart(data: ChartData) -> bytes:
    figure = Figure(figsize=(CHART_WIDTH / DPI, CHART_HEIGHT / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 1, height_ratios=(3, 2), hspace=0.45)
    figure.subplots_adjust(left=0.30, right=0.97, top=0.92, bottom=0.08)
    figure.suptitle(data.title, fontsize=14)
    _quality_over_time(figure.add_subplot(grid[0]), data)
    _themes(figure.add_subplot(grid[1]), data.themes)
    if data.note:
        figure.text(0.02, 0.015, data.note, fontsize=9, color="#555555")
    out = io.BytesIO()
    # No metadata: matplotlib would stamp its version into every file.
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _quality_over_time(ax: Axes, data: ChartData) -> None:
    positions = list(range(len(data.months)))
    for title, values in data.sections.items():
        points = [math.nan if v is None else v for v in values]
        ax.plot(positions, points, marker="o", linewidth=1.5, markersize=3, label=title)
    ax.set_title("Marks fully met, by section and month", fontsize=11, loc="left")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xticks(positions, list(data.months), rotation=45, ha="right", fontsize=8)
    ax.grid(True, alpha=0.3)
    if data.sections:
        ax.legend(loc="upper left", bbox_to_anchor=(-0.42, 1.0), fontsize=8, frameon=False)
    else:
        ax.text(
            0.5, 0.5, "No month with 5 or more inspections", ha="center", transform=ax.transAxes
        )


def _themes(ax: Axes, themes: Sequence[tuple[str, int]]) -> None:
    ax.set_title("Top recurring themes: marks not fully met", fontsize=11, loc="left")
    if not themes:
        ax.text(0.5, 0.5, "No themes to show", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    labels = [_label(text) for text, _ in themes][::-1]  # most frequent at the top
    counts = [count for _, count in themes][::-1]
    bars = ax.barh(range(len(counts)), counts, color="#c0504d")
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.bar_label(bars, padding=3, fontsize=8)
    ax.set_xlim(0, max(counts) * 1.15)
    ax.grid(True, axis="x", alpha=0.3)


def _label(text: str) -> str:
    short = textwrap.shorten(text, width=THEME_LABEL * 2, placeholder="…")
    return "\n".join(textwrap.wrap(short, width=THEME_LABEL)[:2])


def funnel_chart(
    title: str, national: float, points: Sequence[tuple[str, int, float]], note: str = ""
) -> bytes:
    """Each Area's share against its number of reviews, with the national share and its 95%
    and 99.8% control limits (inspections.funnel); CHART_WIDTH x CHART_HEIGHT pixels."""
    figure = Figure(figsize=(CHART_WIDTH / DPI, CHART_HEIGHT / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.08, right=0.97, top=0.90, bottom=0.10)
    figure.suptitle(title, fontsize=14)
    ax = figure.add_subplot(1, 1, 1)
    largest = max([n for _, n, _ in points] + [20])
    sizes = list(range(1, largest + 1))
    ax.axhline(national, color="#333333", linewidth=1, label="National share")
    for z, style, label in ((Z_95, "--", "95% limits"), (Z_998, ":", "99.8% limits")):
        limits = [control_limits(national, n, z) for n in sizes]
        ax.plot(sizes, [lim.low for lim in limits], style, color="#777777", label=label)
        ax.plot(sizes, [lim.high for lim in limits], style, color="#777777")
    for area, n, share in points:
        ax.plot([n], [share], "o", color="#1f5fa8")
        ax.annotate(area, (n, share), fontsize=8, xytext=(4, 4), textcoords="offset points")
    ax.set_xlabel("Reviews inspected in the quarter")
    ax.set_ylabel("Reviews meeting the standard")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(loc="lower right", fontsize=9)
    if note:
        figure.text(0.02, 0.015, note, fontsize=9, color="#555555")
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()
