"""Trend engine speed on a synthetic history, on SQLite and PostgreSQL.

    .venv/bin/python bench/trends.py [--answers 1000000] [--months 24]
        [--postgres URL | env BENCH_DATABASE_URL] [--ten-million] [--skip-sqlite] [--repeat 5]

Each run builds a scratch database (a temporary SQLite file; a new PostgreSQL database on the
given server, dropped afterwards), loads the history with bulk inserts (COPY on PostgreSQL),
then times, for the last full quarter: the national summary and an Area summary as `/dip trends`
computes them (current and previous quarter, rows per Area or unit, sections, questions,
themes), the engine's headline query alone, and the chart's 12-month series. It times them
twice: first from the answers (no roll-ups yet: how custom ranges and a team's or a lawyer's
figures are read), then from the monthly roll-ups, which it rebuilds (timed) as `dipsample
serve` does at start-up. Then two hand-written SQL aggregates of the same headline figure over
the answers (share of scored marks fully met; the quarter alone, and the quarter with the
previous one, as the summary's change needs; both skip the stale marks the history leaves on
disabled questions, as the engine does). The engine's figure from either source and the
hand-written one are printed side by side and must agree, and the whole national summary from
the answers must equal the one from the roll-ups. Last, the quarterly packs as the job builds
them from the roll-ups (an Area's APR pack and the national board pack, each read and drawn:
CSVs, charts and PDF), against the target of 2 s each.

The ratio the target's "within 1.5x" is about is the national quarterly summary from the
roll-ups (what `/dip trends` reads for a month or a quarter) over the single-quarter
hand-written aggregate (printed as "target"); the summary from the answers is printed against
it for reference.

Every stored inspection has all its answers (see bench/trend_history.py); the shipped
questionnaire (version 2) averages about 33.5 answers per inspection, so the default 1,000,000
answers is about 30,000 inspections. The inspections and answers actually stored are counted in
the database and printed. --ten-million adds a 10,000,000 answer run (about 300,000
inspections) on PostgreSQL.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, bindparam, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from intake import scratch_postgres
from trend_history import build, stored

from bot.services.trends.apr_pack import apr_files, read_apr
from bot.services.trends.board import board_files, board_pack
from bot.services.trends.engine import section_series, summarise
from inspections.mark_map import mark_mappings
from inspections.periods import quarter_of
from inspections.scopes import Scope, ScopeKind
from inspections.trend_summary import TrendSummary, figures_of
from questionnaires.loader import default_questionnaire_path, load_questionnaire
from storage import migrate, trend_queries, trend_rollup
from storage.db import make_engine
from storage.models import UtcDateTime
from storage.uow import UnitOfWork

END = datetime(2026, 4, 15, 12, tzinfo=UTC)
QUARTER = quarter_of(date(2026, 1, 1))  # the last full quarter before END
TZ = ZoneInfo("Europe/London")
NATIONAL = Scope(ScopeKind.NATIONAL, "National")
AREA = Scope(ScopeKind.AREA, "London North", area="London North")

HAND_WRITTEN = """
SELECT SUM(CASE WHEN a.option_code = 'fully_met' THEN 1 ELSE 0 END), COUNT(*)
FROM answers a JOIN inspections i ON i.id = a.inspection_id
WHERE i.status = 'submitted' AND i.submitted_at >= :start AND i.submitted_at < :end
  AND a.question_id IN :scored AND a.option_code IN ('fully_met', 'partially_met', 'not_met')
  AND a.counts_in_trends
"""
HAND_WRITTEN_TWO_PERIODS = """
SELECT SUM(CASE WHEN i.submitted_at >= :middle AND a.option_code = 'fully_met' THEN 1 ELSE 0 END),
       SUM(CASE WHEN i.submitted_at >= :middle THEN 1 ELSE 0 END),
       SUM(CASE WHEN i.submitted_at < :middle AND a.option_code = 'fully_met' THEN 1 ELSE 0 END),
       SUM(CASE WHEN i.submitted_at < :middle THEN 1 ELSE 0 END)
FROM answers a JOIN inspections i ON i.id = a.inspection_id
WHERE i.status = 'submitted' AND i.submitted_at >= :start AND i.submitted_at < :end
  AND a.question_id IN :scored AND a.option_code IN ('fully_met', 'partially_met', 'not_met')
  AND a.counts_in_trends
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=24, help="months of history")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--ten-million", action="store_true", help="also 10M on PostgreSQL")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as scratch:
            run("SQLite", f"sqlite:///{scratch}/bench.db", args.answers, args)
    if not args.postgres:
        print("PostgreSQL: skipped (give --postgres URL or set BENCH_DATABASE_URL)")
        return 0
    with scratch_postgres(args.postgres) as url:
        run("PostgreSQL", url, args.answers, args)
    if args.ten_million:
        with scratch_postgres(args.postgres) as url:
            run("PostgreSQL", url, 10_000_000, args)
    return 0


def run(label: str, url: str, answers: int, args: argparse.Namespace) -> None:
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        history = build(engine, answers=answers, months=args.months, end=END, seed=6)
        built = time.perf_counter() - started
        started = time.perf_counter()
        _analyse(engine)
        analysed = time.perf_counter() - started
        held = stored(engine)
        print(
            f"\n{label}: stored {held.inspections:,} submitted inspections and "
            f"{held.answers:,} answers ({held.answers / max(held.inspections, 1):.1f} per "
            f"inspection; target {answers:,} answers) over {args.months} months; "
            f"loaded in {built:.1f} s, analysed in {analysed:.1f} s"
        )
        assert (held.inspections, held.answers) == (history.inspections, history.answers), (
            f"build wrote {history.inspections:,} inspections and {history.answers:,} answers"
        )
        assert held.without_answers == 0, f"{held.without_answers:,} inspections have no answers"
        _time_all(engine, args.repeat)
    finally:
        engine.dispose()


def _time_all(engine: Engine, repeat: int) -> None:
    start, end = QUARTER.utc_bounds(TZ)
    previous_start = QUARTER.previous().utc_bounds(TZ)[0]
    scored = sorted({m.question_id for m in mark_mappings(_questionnaire()) if m.scored})
    quarter = trend_queries.Buckets((QUARTER.start, QUARTER.end), TZ)
    with Session(engine) as session:
        quarter_rows = _hand(session, HAND_WRITTEN, start=start, end=end, scored=scored)
        print(f"  {QUARTER.label}: {quarter_rows[1]:,} scored marks in the quarter")

        def national() -> TrendSummary:
            return summarise(session, scope=NATIONAL, period=QUARTER, review_type=None, tz=TZ)

        def area() -> object:
            return summarise(session, scope=AREA, period=QUARTER, review_type=None, tz=TZ)

        def engine_headline() -> tuple[int, int]:
            flt = trend_queries.scope_filter(NATIONAL)
            share = figures_of(*trend_queries.tallies(session, flt, quarter)).fully_met
            return share.successes, share.trials

        def hand() -> tuple[int, int]:
            return _hand(session, HAND_WRITTEN, start=start, end=end, scored=scored)

        def hand_two() -> tuple[int, ...]:
            return _hand(
                session,
                HAND_WRITTEN_TWO_PERIODS,
                start=previous_start,
                middle=start,
                end=end,
                scored=scored,
            )

        def series() -> object:
            return section_series(session, scope=NATIONAL, period=QUARTER, review_type=None, tz=TZ)

        def engine_timings(source: str) -> dict[str, tuple[float, float, float]]:
            return {
                f"national quarterly summary ({source})": _best(national, repeat),
                f"Area summary, {AREA.label} ({source})": _best(area, repeat),
                f"engine headline query ({source})": _best(engine_headline, repeat),
                f"chart series, 12 months ({source})": _best(series, repeat),
            }

        # No roll-ups yet: the engine reads the answers, as it does for custom ranges and for
        # a team's or a lawyer's figures.
        timings = engine_timings("answers")
        figures = {"answers": (engine_headline(), national())}
        started = time.perf_counter()
        months = trend_rollup.rebuild(session, TZ, datetime.now(UTC))
        session.commit()
        rebuilt = time.perf_counter() - started
        print(f"  roll-ups rebuilt from the answers: {months} months in {rebuilt:.2f} s")
        _analyse(engine)
        timings |= engine_timings("roll-ups")
        figures["roll-ups"] = (engine_headline(), national())
        session.commit()  # on SQLite an open transaction holds the write lock the packs need
        packs = _pack_timings(engine, repeat)
        timings |= {
            "hand-written SQL (quarter)": _best(hand, repeat),
            "hand-written SQL (quarter + previous)": _best(hand_two, repeat),
        }
        hand_figure = hand()
    for name, (first, best, median) in timings.items():
        print(
            f"  {name:48s} best {best * 1000:8.1f} ms  median {median * 1000:8.1f} ms"
            f"  (first {first * 1000:8.1f} ms)"
        )
    agree = True
    for source, (engine_figure, summary) in figures.items():
        share = summary.figures.fully_met
        summary_figure = (share.successes, share.trials)
        same = engine_figure == hand_figure == summary_figure
        agree = agree and same
        print(
            f"  headline fully met from the {source}: summary {summary_figure[0]:,}/"
            f"{summary_figure[1]:,}, engine query {engine_figure[0]:,}/{engine_figure[1]:,}, "
            f"hand-written {hand_figure[0]:,}/{hand_figure[1]:,} ({share.value or 0:.4f} over "
            f"{summary.figures.inspections:,} inspections); equal: {'yes' if same else 'NO'}"
        )
    differences = _differences(figures["answers"][1], figures["roll-ups"][1])
    same_summary = not differences
    print(
        "  the whole national summary from the answers and from the roll-ups: "
        + ("equal (mean scores to float rounding)" if same_summary else "; ".join(differences))
    )

    for name, (first, best, median) in packs.items():
        print(
            f"  {name:48s} best {best * 1000:8.1f} ms  median {median * 1000:8.1f} ms"
            f"  (first {first * 1000:8.1f} ms); under 2 s: {'yes' if first < 2 else 'NO'}"
        )

    def ratio(numerator: str, denominator: str) -> float:
        return timings[numerator][1] / timings[denominator][1]

    one, two = "hand-written SQL (quarter)", "hand-written SQL (quarter + previous)"
    for source in ("roll-ups", "answers"):
        summary_name = f"national quarterly summary ({source})"
        target = "target (within 1.5x)" if source == "roll-ups" else "reference"
        print(
            f"  {target}: national summary from the {source} / hand-written (quarter) "
            f"{ratio(summary_name, one):.2f}x; / hand-written (quarter + previous) "
            f"{ratio(summary_name, two):.2f}x"
        )
    assert agree and same_summary, "the engine and the hand-written SQL disagree"


def _pack_timings(engine: Engine, repeat: int) -> dict[str, tuple[float, float, float]]:
    """The quarterly packs as the job builds them, from the roll-ups: read, then drawn (the
    APR pack's CSVs, chart and three-page PDF; the board pack's CSV, PDF and funnel plot). The
    target is on the first build, as the job does it once."""

    def apr() -> object:
        assert AREA.area is not None
        with UnitOfWork(lambda: Session(engine)) as uow:
            figures = read_apr(uow.session, area=AREA.area, quarter=QUARTER, tz=TZ)
        return apr_files(figures)

    def board() -> object:
        uow = UnitOfWork(lambda: Session(engine))
        pack = board_pack(uow, quarter=QUARTER, tz=TZ, actor="bench", now=datetime.now(UTC))
        return board_files(pack)

    return {
        f"APR pack, {AREA.label}, read and drawn": _best(apr, min(repeat, 3)),
        "national board pack, read and drawn": _best(board, min(repeat, 3)),
    }


def _hand(session: Session, sql: str, **params: object) -> tuple[int, ...]:
    dates = [name for name in ("start", "middle", "end") if name in params]
    statement = text(sql).bindparams(
        bindparam("scored", expanding=True),
        *(bindparam(name, type_=UtcDateTime()) for name in dates),
    )
    row = session.execute(statement, params).one()
    return tuple(int(v or 0) for v in row)


def _differences(a: object, b: object, path: str = "summary") -> list[str]:
    """Where two summaries differ; mean scores, sums of floats added in another order, may
    differ in their last bits."""
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        found = []
        for field in dataclasses.fields(a):
            found += _differences(
                getattr(a, field.name), getattr(b, field.name), f"{path}.{field.name}"
            )
        return found
    if isinstance(a, list | tuple) and isinstance(b, list | tuple) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _differences(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [d for k in a for d in _differences(a[k], b[k], f"{path}[{k!r}]")]
    if isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=1e-9):
        return []
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def _best(work: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times[0], min(times), statistics.median(times)


def _analyse(engine: Engine) -> None:
    """What the databases do on their own over time: autovacuum on PostgreSQL (statistics and
    the visibility map index-only scans need); on SQLite, PRAGMA optimize."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        return
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def _questionnaire() -> object:
    return load_questionnaire(default_questionnaire_path())[0]


if __name__ == "__main__":
    sys.exit(main())
