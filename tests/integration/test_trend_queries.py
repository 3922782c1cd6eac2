"""The trend engine on a real database, against a seeded history whose true figures are known.

London North, 2026-Q1 (the period under test), hand-counted:
- lawyer 1: 5 pre-charge decisions (13 scored marks each): 4 with "suspect-focused strategy"
  partially met, "review language" not met and the overall mark Partially met, 1 with the
  critical "safeguarding" not met and the overall mark Not met;
- lawyer 2: 5 pre-charge decisions, all fully met; one also has coercive control relevant and
  addressed "partially met" (one more mark), one a stale "coercive control addressed: not met"
  left from a question the inspector then disabled (not a mark);
- lawyer 3: 2 early advice reviews (9 scored marks each), all fully met;
so 12 inspections, 149 marks, 139 fully met, 1 critical failure. Scores by weight (18 for a
pre-charge decision): 16.5/18 four times, 16/18, 18.5/19, and 1 six times.
2025-Q4: 10 pre-charge decisions with 5 marks partially met each: 80 of 130 fully met.
Never counted: an inspection still in progress, and one submitted at 00:30 BST on 1 April
(23:30 UTC on 31 March), which is in Q2. Wessex has only 3 inspections in Q1.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from support.trend_data import LONDON, WESSEX, World, add_open, add_submitted, build_world

from bot.refusals import Refused
from bot.services.rjoim.agenda import rjoim_list
from bot.services.trends.engine import section_series, summarise
from bot.services.trends.requests import parse_rjoim, parse_trends
from bot.services.trends.summary import trend_report, viewer_for
from inspections.periods import quarter_of, range_period
from inspections.scopes import Scope, ScopeKind, ScopeRequest, resolve
from inspections.trends import Direction, Share
from storage import trend_rollup
from storage.models import AuditEvent, CaseReview, TrendMonthMarks
from storage.uow import UnitOfWork

TZ = ZoneInfo("Europe/London")
Q1 = quarter_of(date(2026, 1, 1))
NOW = datetime(2026, 4, 20, 10, 0, tzinfo=UTC)
PARTIAL = {
    "suspect_focused_strategy": "partially_met",
    "review_language": "not_met",
    "overall_mark": "partially_met",  # unweighted: no effect on the marks or the score
}
Q4_PARTIAL = {
    q: "partially_met"
    for q in (
        "suspect_focused_strategy",
        "reasonable_lines_of_enquiry",
        "assumptions_misconceptions",
        "action_plan_quality",
        "third_party_material",
    )
}
LONDON_SCOPE = Scope(ScopeKind.AREA, LONDON, area=LONDON)


def at(day: int, month: int = 2, year: int = 2026) -> datetime:
    return datetime(year, month, day, 11, 0, tzinfo=UTC)


@pytest.fixture(params=["answers", "rollups"])
def source(request: pytest.FixtureRequest) -> str:
    """Every figure below is checked as read from the answers, and from the monthly roll-ups
    (built after seeding, as `dipsample serve` builds them at start-up)."""
    return str(request.param)


@pytest.fixture
def world(uow_factory: Callable[[], UnitOfWork], source: str) -> World:
    with uow_factory() as uow:
        s = uow.session
        w = build_world(s, now=datetime(2025, 9, 1, tzinfo=UTC))
        l1, l2, l3 = w.london_lawyers
        for n in range(4):
            first = add_submitted(
                s,
                w,
                lawyer=l1,
                submitted_at=at(2 + n),
                marks=PARTIAL,
                action_plans=4 if n == 0 else 0,
                urn=f"01AA{n:05d}26",
            )
            if n == 0:
                # A blind second marking of the same review, every mark Not met: for
                # consistency only, so no figure below (nor the RJOIM list) may count it.
                add_submitted(
                    s, w, lawyer=l1, submitted_at=at(3), default="not_met", double_of=first,
                    inspector=w.admin,
                )  # fmt: skip
        add_submitted(
            s,
            w,
            lawyer=l1,
            submitted_at=at(10),
            marks={"safeguarding_considered": "not_met", "overall_mark": "not_met"},
        )
        add_submitted(
            s,
            w,
            lawyer=l2,
            submitted_at=at(11),
            marks={"ccb_relevant": "yes", "ccb_addressed": "partially_met"},
        )
        add_submitted(s, w, lawyer=l2, submitted_at=at(12), stale={"ccb_addressed": "not_met"})
        for n in range(3):
            add_submitted(s, w, lawyer=l2, submitted_at=at(13 + n))
        for n in range(2):
            add_submitted(s, w, lawyer=l3, submitted_at=at(20 + n), review_type="early_advice")
        add_open(s, w, lawyer=l1, at=at(25))
        add_submitted(
            s,
            w,
            lawyer=l1,
            submitted_at=datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
            default="not_met",
        )
        for n in range(10):
            add_submitted(
                s, w, lawyer=(l1, l2)[n % 2], submitted_at=at(1 + n, 11, 2025), marks=Q4_PARTIAL
            )
        for n in range(3):
            add_submitted(s, w, lawyer=w.wessex_lawyers[n], submitted_at=at(5 + n))
        # A case with three action plans that was never sampled for inspection.
        s.add(
            CaseReview(
                urn="01AA9999926",
                review_type="pre_charge_decision",
                area=LONDON,
                unit=l3.unit,
                lawyer_id=l3.id,
                completed_at=at(14, 3),
                action_plan_count=3,
                outcome="action_plan",
                source_id=None,
                identity_key="never-sampled",
                received_at=at(14, 3),
            )
        )
        if source == "rollups":
            s.flush()
            trend_rollup.rebuild(s, TZ, NOW)
        uow.commit()
        return w


def london_q1(uow_factory: Callable[[], UnitOfWork], review_type: str | None = None) -> object:
    with uow_factory() as uow:
        return summarise(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=review_type, tz=TZ)


def test_the_area_headline_matches_the_hand_counted_figures(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with uow_factory() as uow:
        summary = summarise(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=TZ)

    f = summary.figures
    assert (f.inspections, f.fully_met, f.critical_failures) == (12, Share(139, 149), 1)
    assert f.mean_score == pytest.approx((4 * 16.5 / 18 + 16 / 18 + 18.5 / 19 + 6) / 12)
    interval = f.fully_met.interval
    assert interval is not None
    # Marks are grouped by inspection: (fully met, marks) = (11, 13) x4, (12, 13), (13, 14),
    # (13, 13) x4, (9, 9) x2. p = 139/149; the cluster-robust variance 12/11 x 8.8797 / 149^2
    # gives 143.5 effective marks, and Wilson's interval with t(11) = 2.201 in place of 1.96
    # is 87.14% to 96.61% (pooled as 149 independent marks it was 88.09% to 96.31%).
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.8714, 0.9661)
    assert summary.previous.fully_met == Share(80, 130)
    assert summary.previous.inspections == 10
    assert summary.change.direction is Direction.UP
    # Overall marks: lawyer 1's five reviews fall short (4 Partially met, 1 Not met), the other
    # seven are Fully met; one per review, so the interval counts 12 reviews.
    assert f.meeting_standard == Share(7, 12)


def test_sections_questions_and_themes_are_counted_by_the_database(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with uow_factory() as uow:
        summary = summarise(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=TZ)

    sections = {s.section_id: s for s in summary.sections}
    assert sections["case_strategy"].fully_met == Share(32, 36)
    assert sections["case_strategy"].previous == Share(0, 30)
    assert sections["case_strategy"].change.direction is Direction.UP
    assert sections["victim_safety"].fully_met == Share(45, 46)
    # Weighted as in a score: 10 pre-charge decisions x (2 + 2 + 2 + 1) and 2 early advice
    # x (2 + 2 + 2) = 82; the one safeguarding Not met (weight 2) scores nothing.
    assert sections["victim_safety"].mean_score == pytest.approx(80 / 82)
    # 36 marks of weight 1: 32 fully met, 4 partially met (0.5 each).
    assert sections["case_strategy"].mean_score == pytest.approx(34 / 36)
    # One mark in the section, from one inspection: shown as "fewer than 5".
    assert sections["case_specific_issues"].fully_met == Share(0, 1)
    assert sections["case_specific_issues"].suppressed
    # ccb_addressed, marked once, is left out of the themes: fewer than 5 inspections.
    assert [(t.question_id, t.not_fully_met, t.not_met) for t in summary.themes] == [
        ("suspect_focused_strategy", 4, 0),
        ("review_language", 4, 4),
        ("safeguarding_considered", 1, 1),
    ]
    ccb = next(q for q in summary.questions if q.question_id == "ccb_addressed")
    assert (ccb.marks, ccb.suppressed) == (1, True)


def test_a_review_type_narrows_the_figures(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with uow_factory() as uow:
        summary = summarise(
            uow.session, scope=LONDON_SCOPE, period=Q1, review_type="pre_charge_decision", tz=TZ
        )

    assert (summary.figures.inspections, summary.figures.fully_met) == (10, Share(121, 131))


def test_a_team_has_a_row_per_lawyer_and_small_rows_are_suppressed(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with uow_factory() as uow:
        manager = uow.session.merge(world.london_manager)
        scope = resolve(viewer_for(uow.session, manager), ScopeRequest())
        summary = summarise(uow.session, scope=scope, period=Q1, review_type=None, tz=TZ)

    rows = [
        (r.label, r.figures.inspections, r.figures.fully_met, r.figures.suppressed)
        for r in summary.rows
    ]
    assert rows == [
        ("Lara Lawyer1", 5, Share(56, 65), False),
        ("Lara Lawyer2", 5, Share(65, 66), False),
        ("Lara Lawyer3", 2, Share(18, 18), True),
    ]
    assert summary.rows[0].figures.mean_score == pytest.approx((4 * 16.5 / 18 + 16 / 18) / 5)
    assert summary.rows[0].figures.critical_failures == 1


def test_national_rows_are_per_area_and_a_small_area_is_suppressed(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with uow_factory() as uow:
        summary = summarise(
            uow.session,
            scope=Scope(ScopeKind.NATIONAL, "National"),
            period=Q1,
            review_type=None,
            tz=TZ,
        )
        wessex = summarise(
            uow.session,
            scope=Scope(ScopeKind.AREA, WESSEX, area=WESSEX),
            period=Q1,
            review_type=None,
            tz=TZ,
        )

    assert summary.figures.inspections == 15
    assert [(r.label, r.figures.inspections, r.figures.suppressed) for r in summary.rows] == [
        (LONDON, 12, False),
        (WESSEX, 3, True),
    ]
    assert wessex.suppressed


def test_the_chart_series_counts_months_in_local_time(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with uow_factory() as uow:
        series = section_series(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=TZ)

    assert [m.label for m in series.months][-4:] == ["2025-12", "2026-01", "2026-02", "2026-03"]
    assert len(series.months) == 12
    by_month = dict(zip((m.label for m in series.months), series.inspections, strict=True))
    assert (by_month["2025-11"], by_month["2026-02"], by_month["2026-03"]) == (10, 12, 0)
    assert series.sections["Case strategy"][-2:] == (32 / 36, None)


def test_what_the_text_hides_for_fewer_than_5_inspections_the_chart_does_not_plot(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with uow_factory() as uow:
        summary = summarise(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=TZ)
        series = section_series(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=TZ)

    hidden = {s.title for s in summary.sections if s.suppressed}
    shown = {s.title for s in summary.sections if not s.suppressed and s.fully_met.trials}
    # February holds every Q1 inspection: the month plotted is the quarter the text describes.
    february = [m.label for m in series.months].index("2026-02")
    plotted = {title for title, line in series.sections.items() if line[february] is not None}
    assert hidden == {"Issues that arise in some cases"}  # one mark, one inspection
    assert plotted == shown and not plotted & hidden


def test_a_manager_asking_for_another_area_is_refused_and_audited(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with pytest.raises(Refused, match="cover Wessex only"):
        trend_report(
            uow_factory(),
            slack_user_id="U0WXHEAD01",
            request=parse_trends("London North 2026-Q1"),
            now=NOW,
            tz=TZ,
        )

    with uow_factory() as uow:
        actions = list(uow.session.scalars(select(AuditEvent.action)))
    assert actions.count("refused:trends") == 1
    assert "trends.viewed" not in actions


def test_a_lawyer_sees_their_own_reviews_only_and_the_view_is_audited(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    report = trend_report(
        uow_factory(), slack_user_id="U0LAWYER01", request=parse_trends("2026-Q1"), now=NOW, tz=TZ
    )

    assert (report.summary.scope.kind, report.summary.figures.inspections) == (ScopeKind.LAWYER, 5)
    assert report.chart.title == "Trends: Your reviews, 2026-Q1"
    with uow_factory() as uow:
        viewed = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "trends.viewed")
        ).one()
    assert (viewed.actor, viewed.details["period"]) == ("lara.lawyer1@example.test", "2026-Q1")


def test_the_rjoim_list_holds_pcd_cases_with_three_or_more_action_plans(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    listing = rjoim_list(
        uow_factory(), slack_user_id="U0LNHEAD01", request=parse_rjoim("2026-Q1"), now=NOW, tz=TZ
    )

    assert [(c.urn, c.action_plans, c.inspected) for c in listing.cases] == [
        ("01AA0000026", 4, True),
        ("01AA9999926", 3, False),
    ]
    assert listing.cases[0].marks == {
        "action_plan_quality": "fully_met",
        "third_party_material": "fully_met",
    }
    assert [q.question_id for q in listing.questions] == [
        "action_plan_quality",
        "third_party_material",
    ]


def test_the_rjoim_list_of_another_area_is_refused(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with pytest.raises(Refused):
        rjoim_list(
            uow_factory(),
            slack_user_id="U0WXHEAD01",
            request=parse_rjoim("London North"),
            now=NOW,
            tz=TZ,
        )


def test_nothing_submitted_gives_suppressed_figures(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        build_world(uow.session, now=NOW - timedelta(days=200))
        uow.commit()
    with uow_factory() as uow:
        summary = summarise(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=TZ)

    assert (summary.figures.inspections, summary.suppressed, summary.themes) == (0, True, ())


@pytest.mark.parametrize("source", ["rollups"])
def test_month_and_quarter_figures_come_from_the_rollups_once_built(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    with uow_factory() as uow:
        rows = uow.session.scalars(
            select(TrendMonthMarks).where(
                TrendMonthMarks.month == date(2026, 2, 1),
                TrendMonthMarks.area == LONDON,
                TrendMonthMarks.question_id == "review_language",
                TrendMonthMarks.option_code == "not_met",
            )
        ).all()
        assert sum(r.answers for r in rows) == 4
        rows[0].answers += 10  # read by the summary: only the roll-ups hold this
        uow.commit()
    with uow_factory() as uow:
        summary = summarise(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=TZ)
        custom = summarise(
            uow.session,
            scope=LONDON_SCOPE,
            period=range_period(date(2026, 1, 2), date(2026, 3, 31)),
            review_type=None,
            tz=TZ,
        )

    assert summary.figures.fully_met == Share(139, 159)
    # Days that are not whole months are read from the answers.
    assert custom.figures.fully_met == Share(139, 149)


@pytest.mark.parametrize("source", ["rollups"])
def test_rollups_cut_in_another_time_zone_are_not_read(
    uow_factory: Callable[[], UnitOfWork], world: World
) -> None:
    """In UTC the review submitted at 23:30 on 31 March is in Q1; in London it is not."""
    with uow_factory() as uow:
        trend_rollup.rebuild(uow.session, ZoneInfo("UTC"), NOW)
        uow.commit()
    with uow_factory() as uow:
        london = summarise(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=TZ)
        utc = summarise(
            uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=ZoneInfo("UTC")
        )

    assert (london.figures.inspections, utc.figures.inspections) == (12, 13)
