"""The APR pack's metrics, against a hand-counted quarter in London North.

Pre-charge decisions completed in 2026-Q1:
- 6 inspected (sampled and submitted), with 0, 0, 1, 2, 3 and 4 action plans (outcome charge
  for none, action plan otherwise); "review language" Not applicable on two of them; the
  overall mark Partially met on one, Fully met on the rest;
- 1 sampled but still waiting for an inspector (outcome charge, no action plans);
- 2 received and not sampled: 3 action plans of which 1 substantive each, outcomes no further
  action and not given.
So 9 received, 7 sampled (4 by the random rate, the 2 with 3 or more plans by that rule, the
waiting one by the monthly floor), 6 inspected, 1 outstanding; outcomes action plan 4, charge 3, no
further action 1, not given 1; action plans 0+0+1+2+3+4+0+1+1 = 12, with 1 or more on 6
reviews, 2 or more on 3, 3 or more on 2; 2 marks Not applicable; 5 of 6 reviews meet the
standard. No early advice review: those figures are hidden.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.trend_data import LONDON, World, add_submitted, build_world

from bot.cli.parser import main
from storage.models import CaseReview, Inspection, Person, SamplingDecision
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


def at(day: int) -> datetime:
    return datetime(2026, 2, day, 11, 0, tzinfo=UTC)


def decide(session: Session, review: CaseReview, *, selected: bool, rule: str = "") -> None:
    session.add(
        SamplingDecision(
            case_review_id=review.id,
            policy_version="test",
            selected=selected,
            rule=rule or ("random_rate" if selected else "not_selected"),
            draw=0.5,
            decided_at=review.completed_at,
        )
    )


def review(world: World, n: int, *, plans: int, substantive: int | None, outcome: str | None):
    lawyer = world.london_lawyers[0]
    return CaseReview(
        urn=f"01AA{90000 + n:05d}26",
        review_type="pre_charge_decision",
        area=LONDON,
        unit=lawyer.unit,
        lawyer_id=lawyer.id,
        completed_at=at(20 + n),
        action_plan_count=plans,
        substantive_action_plan_count=substantive,
        outcome=outcome,
        source_id=None,
        identity_key=f"apr-{n}",
        received_at=at(20 + n),
    )


@pytest.fixture
def cli(
    database_url: str, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., int]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    with uow_factory() as uow:
        s = uow.session
        w = build_world(s, now=datetime(2025, 9, 1, tzinfo=UTC))
        for n, plans in enumerate((0, 0, 1, 2, 3, 4)):
            marks = {"review_language": "not_applicable"} if n < 2 else {}
            if n == 5:
                marks["overall_mark"] = "partially_met"
            inspection = add_submitted(
                s, w, lawyer=w.london_lawyers[0], submitted_at=at(2 + n), marks=marks,
                action_plans=plans,
            )  # fmt: skip
            rule = "pcd_three_action_plans" if plans >= 3 else "random_rate"
            decide(s, inspection.case_review, selected=True, rule=rule)
        waiting = review(w, 1, plans=0, substantive=None, outcome="charge")
        s.add(waiting)
        s.flush()
        decide(s, waiting, selected=True, rule="monthly_floor")
        s.add(
            Inspection(
                case_review_id=waiting.id,
                questionnaire_version_id=w.version.id,
                status="queued",
                created_at=at(21),
                updated_at=at(21),
            )
        )
        for n, outcome in ((2, "no_further_action"), (3, None)):
            unsampled = review(w, n, plans=3, substantive=1, outcome=outcome)
            s.add(unsampled)
            s.flush()
            decide(s, unsampled, selected=False)
        uow.commit()
    return lambda *args: main(list(args))


def test_the_pack_counts_coverage_outcomes_action_plans_and_not_applicable_marks(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("apr", "--area", "London North", "--quarter", "2026-Q1", "--format", "json") == 0

    document = json.loads(capsys.readouterr().out)
    pcd = {m["metric"]: m for m in document["metrics"] if m["group"] == "pre_charge_decision"}
    counts = {name: pcd[name]["value"] for name in pcd if pcd[name]["low"] is None}
    assert {k: counts[k] for k in (
        "reviews_received", "reviews_sampled", "reviews_inspected", "inspections_outstanding",
        "outcome_action_plan", "outcome_charge", "outcome_no_further_action", "outcome_not_given",
        "action_plans", "reviews_with_1_or_more", "reviews_with_2_or_more",
        "reviews_with_3_or_more", "marks_not_applicable", "inspections_submitted",
        "reviews_sampled_by_random_rate", "reviews_sampled_by_pcd_three_action_plans",
        "reviews_sampled_by_monthly_floor",
    )} == {
        "reviews_received": 9, "reviews_sampled": 7, "reviews_inspected": 6,
        "inspections_outstanding": 1, "outcome_action_plan": 4, "outcome_charge": 3,
        "outcome_no_further_action": 1, "outcome_not_given": 1, "action_plans": 12,
        "reviews_with_1_or_more": 6, "reviews_with_2_or_more": 3, "reviews_with_3_or_more": 2,
        "marks_not_applicable": 2, "inspections_submitted": 6,
        "reviews_sampled_by_random_rate": 4, "reviews_sampled_by_pcd_three_action_plans": 2,
        "reviews_sampled_by_monthly_floor": 1,
    }  # fmt: skip
    standard = pcd["reviews_meeting_the_standard"]
    assert (standard["value"], standard["n"]) == (pytest.approx(5 / 6), 6)
    assert standard["low"] < 5 / 6 < standard["high"]
    ea = {m["metric"]: m for m in document["metrics"] if m["group"] == "early_advice"}
    assert ea["reviews_received"]["value"] == 0
    assert ea["marks_fully_met"]["value"] is None  # hidden: fewer than 5 inspections
    assert ea["inspections_submitted"]["value"] is None
    assert "interventions_raised" not in ea  # nor counts or times that would point at a few


def test_the_csv_is_tidy_one_row_per_metric_per_group(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("apr", "--area", "London North", "--quarter", "2026-Q1") == 0

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == [
        "area",
        "quarter",
        "group",
        "metric",
        "value",
        "low",
        "high",
        "n",
        "note",
    ]
    keys = [(r["group"], r["metric"]) for r in rows]
    assert len(keys) == len(set(keys))
    hidden = [r for r in rows if r["group"] == "early_advice" and r["metric"] == "mean_score"]
    assert hidden[0]["note"] == "hidden: fewer than 5 inspections"


def test_a_period_that_is_not_a_quarter_is_refused(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("apr", "--area", "London North", "--quarter", "2026-02") == 2
    assert "is not a quarter" in capsys.readouterr().err


def test_the_pdf_pack_opens_with_its_three_pages(
    cli: Callable[..., int], tmp_path: Path, uow_factory: UowFactory
) -> None:
    assert cli("apr", "--area", "London North", "--quarter", "2026-Q1", "--format", "pdf",
               "--out", str(tmp_path)) == 0  # fmt: skip

    path = tmp_path / "apr-london-north-2026-Q1.pdf"
    reader = PdfReader(path)
    assert len(reader.pages) == 3
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (842, 595)  # A4 landscape, points
    first = reader.pages[0].extract_text()
    assert "Area Performance Review: London North, 2026-Q1" in first
    assert "reviews received: 9" in first
    pages = " ".join(page.extract_text() for page in reader.pages)
    with uow_factory() as uow:
        names = uow.session.scalars(select(Person.name)).all()
        urns = uow.session.scalars(select(CaseReview.urn)).all()
    assert names and not any(name in pages for name in names)  # no one named in the pack
    assert not any(urn in pages for urn in urns)


def test_a_pdf_needs_a_directory(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("apr", "--area", "London North", "--quarter", "2026-Q1", "--format", "pdf") == 2
    assert "give --out DIR" in capsys.readouterr().err
