"""Sampling at intake: 10,000 synthetic reviews against the shipped policy, and the rules one by
one on small inputs."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased
from support.intake_data import directory, import_fixture_people, numbered, reviews

from bot.cli.parser import main
from bot.services.intake.reviews import IntakeReport, ingest_reviews, validate_reviews
from bot.services.intake.sampling import policy_from_settings
from bot.settings import Settings
from inspections.intake import CASE_COLUMNS, PEOPLE_COLUMNS
from inspections.sampling import (
    AlwaysSelect,
    MonthlyFloor,
    RateOverride,
    Rates,
    SamplingPolicy,
    draw,
)
from storage.models import (
    Assignment,
    CaseReview,
    Inspection,
    OutboxMessage,
    Person,
    SamplingDecision,
)
from storage.uow import UnitOfWork

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
AREAS = ["London North", "Wessex", "Cymru/Wales", "CPS Direct"]  # CPS Direct has its own rate
NOTHING_AT_RANDOM = SamplingPolicy(
    version="test-1",
    rates=Rates(early_advice=0.0, pre_charge_decision=0.0),
    always_select=AlwaysSelect(
        pcd_action_plans=False, threshold_charge=False, no_further_action=False
    ),
    monthly_floor=MonthlyFloor(enabled=True, by_day=15),
)

UowFactory = Callable[[], UnitOfWork]


def ingest(
    uow_factory: UowFactory,
    raw: list[dict[str, str]],
    settings: Settings,
    policy: SamplingPolicy,
    now: datetime = NOW,
) -> IntakeReport:
    with uow_factory() as uow:
        rows, problems = validate_reviews(uow.session, numbered(raw))
        assert problems == []
        return ingest_reviews(uow, rows, policy=policy, settings=settings, now=now)


def decided(session: Session) -> list[tuple[CaseReview, SamplingDecision]]:
    query = (
        select(CaseReview, SamplingDecision)
        .join(SamplingDecision, SamplingDecision.case_review_id == CaseReview.id)
        .order_by(CaseReview.completed_at)
    )
    return [(review, decision) for review, decision in session.execute(query)]


def expected_always_rule(review: CaseReview) -> str | None:
    if review.review_type == "pre_charge_decision" and review.action_plan_count >= 3:
        return "pcd_action_plans"
    if review.outcome in ("threshold_charge", "no_further_action"):
        return review.outcome
    return None


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def test_ten_thousand_reviews_are_sampled_by_the_policy_and_assigned_independently(
    database_url: str,
    uow_factory: UowFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Through the command line, as an operator would: a people file, then 10,000 reviews."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    found = directory(AREAS, units_per_area=2, lawyers_per_unit=5, inspectors_per_area=3)
    people_file = write_csv(tmp_path / "people.csv", PEOPLE_COLUMNS, found.rows)
    raw = reviews(found, 10_000, first_month=date(2025, 12, 1), months=3)
    cases_file = write_csv(tmp_path / "cases.csv", CASE_COLUMNS, raw)
    settings = Settings(database_url=database_url)
    policy = policy_from_settings(settings)
    assert main(["people", "import", people_file]) == 0

    assert main(["cases", "import", cases_file]) == 0

    assert "10000 reviews received, 10000 new, 0 already stored" in capsys.readouterr().out
    with uow_factory() as uow:
        rows = decided(uow.session)
        assert len(rows) == 10_000
        check_every_decision_is_reproducible(rows, policy, settings.sampling_secret.encode())
        check_always_select_rules_fire(rows)
        check_random_share_within_tolerance(rows, policy)
        check_monthly_floor(rows, policy.monthly_floor.by_day)
        check_assignments_are_independent(uow.session, settings.inspector_capacity)
        before = table_counts(uow.session)

    assert main(["cases", "import", cases_file]) == 0

    assert "10000 reviews received, 0 new, 10000 already stored" in capsys.readouterr().out
    with uow_factory() as uow:
        assert table_counts(uow.session) == before


def check_every_decision_is_reproducible(
    rows: list[tuple[CaseReview, SamplingDecision]], policy: SamplingPolicy, secret: bytes
) -> None:
    wrong = [
        review.identity_key
        for review, decision in rows
        if decision.policy_version != policy.version
        or decision.draw != draw(secret, review.identity_key)
        or decision.selected != (decision.rule != "not_selected")
    ]
    assert wrong == []


def check_always_select_rules_fire(rows: list[tuple[CaseReview, SamplingDecision]]) -> None:
    fired: dict[str, int] = defaultdict(int)
    for review, decision in rows:
        rule = expected_always_rule(review)
        if rule is not None:
            assert (decision.selected, decision.rule) == (True, rule), review.identity_key
            fired[rule] += 1
    assert set(fired) == {"pcd_action_plans", "threshold_charge", "no_further_action"}


def check_random_share_within_tolerance(
    rows: list[tuple[CaseReview, SamplingDecision]], policy: SamplingPolicy
) -> None:
    """Among reviews left to the random draw, each is selected with its rate's probability:
    the count selected is a sum of Bernoulli trials, so it must fall within 4 standard
    deviations of the expected count (a false alarm about once in 16,000 runs)."""
    drawn = [(r, d) for r, d in rows if d.rule in ("random_rate", "not_selected")]
    rates = [policy.rate_for(r.review_type, r.area) for r, _ in drawn]
    expected = sum(rates)
    deviation = math.sqrt(sum(p * (1 - p) for p in rates))
    observed = sum(d.rule == "random_rate" for _, d in drawn)
    assert len(drawn) > 5_000
    assert abs(observed - expected) <= 4 * deviation, (observed, expected, deviation)
    # And each one individually: selected exactly when its draw falls below its rate.
    draws = [d.draw if d.draw is not None else math.nan for _, d in drawn]
    assert all(
        (value < p) == d.selected for value, (_, d), p in zip(draws, drawn, rates, strict=True)
    )


def check_monthly_floor(rows: list[tuple[CaseReview, SamplingDecision]], by_day: int) -> None:
    """Every lawyer with a review on or after by_day has a sampled review in that month."""
    due: set[tuple[int, int, int]] = set()
    sampled: set[tuple[int, int, int]] = set()
    floor_fired = 0
    for review, decision in rows:
        local = review.completed_at.astimezone(LONDON).date()
        key = (review.lawyer_id, local.year, local.month)
        if local.day >= by_day:
            due.add(key)
        if decision.rule == "monthly_floor":
            # Only once the day has come, and only for a lawyer with nothing sampled before.
            assert local.day >= by_day and key not in sampled, review.identity_key
            floor_fired += 1
        if decision.selected:
            sampled.add(key)
    assert due - sampled == set()
    assert floor_fired > 0


def check_assignments_are_independent(session: Session, capacity: int) -> None:
    lawyer, inspector = aliased(Person), aliased(Person)
    query = (
        select(lawyer, inspector)
        .select_from(Assignment)
        .join(Inspection, Inspection.id == Assignment.inspection_id)
        .join(CaseReview, CaseReview.id == Inspection.case_review_id)
        .join(lawyer, lawyer.id == CaseReview.lawyer_id)
        .join(inspector, inspector.id == Assignment.inspector_id)
    )
    pairs = list(session.execute(query).tuples())
    assert len(pairs) > 100
    for who, by in pairs:
        assert by.id != who.id
        assert by.id != who.manager_id
        assert (by.area, by.unit) != (who.area, who.unit)
    load = session.execute(
        select(Inspection.inspector_id, func.count())
        .where(Inspection.inspector_id.is_not(None))
        .group_by(Inspection.inspector_id)
    ).all()
    assert max(count for _, count in load) <= capacity


def table_counts(session: Session) -> dict[str, int]:
    tables = (CaseReview, SamplingDecision, Inspection, Assignment, OutboxMessage)
    return {
        t.__tablename__: session.scalar(select(func.count()).select_from(t)) or 0 for t in tables
    }


def review(
    lawyer: str, completed: str, *, review_type: str = "early_advice", outcome: str = ""
) -> dict[str, str]:
    area = "London North" if lawyer.startswith("cat.") else "Wessex"
    return {
        "urn": "42AB1234525",
        "review_type": review_type,
        "area": area,
        "unit": "RASSO 1",
        "lawyer_email": lawyer,
        "completed_at": completed,
        "action_plan_count": "0",
        "outcome": outcome,
        "source_id": f"{lawyer}:{completed}",
    }


def selected_times(session: Session) -> list[tuple[str, str]]:
    return [(r.completed_at.date().isoformat(), d.rule) for r, d in decided(session) if d.selected]


def test_the_floor_selects_a_lawyers_first_review_from_by_day_whatever_the_file_order(
    database_url: str, uow_factory: UowFactory
) -> None:
    import_fixture_people(uow_factory, NOW)
    ann = "ann.lawyer@example.test"
    raw = [
        review(ann, "2026-03-20T10:00:00Z"),
        review(ann, "2026-03-03T10:00:00Z"),
        review(ann, "2026-03-16T10:00:00Z"),
        review(ann, "2026-03-25T10:00:00Z"),
    ]

    ingest(uow_factory, raw, Settings(database_url=database_url), NOTHING_AT_RANDOM)

    with uow_factory() as uow:
        assert selected_times(uow.session) == [("2026-03-16", "monthly_floor")]


def test_a_review_sampled_in_an_earlier_import_meets_that_months_floor(
    database_url: str, uow_factory: UowFactory
) -> None:
    import_fixture_people(uow_factory, NOW)
    settings = Settings(database_url=database_url)
    ann = "ann.lawyer@example.test"
    ingest(uow_factory, [review(ann, "2026-03-16T10:00:00Z")], settings, NOTHING_AT_RANDOM)

    ingest(uow_factory, [review(ann, "2026-03-18T10:00:00Z")], settings, NOTHING_AT_RANDOM)

    with uow_factory() as uow:
        assert selected_times(uow.session) == [("2026-03-16", "monthly_floor")]


def test_always_select_rules_switched_off_select_nothing(
    database_url: str, uow_factory: UowFactory
) -> None:
    import_fixture_people(uow_factory, NOW)
    policy = SamplingPolicy(
        version="test-2",
        rates=Rates(early_advice=0.0, pre_charge_decision=0.0),
        always_select=NOTHING_AT_RANDOM.always_select,
        monthly_floor=MonthlyFloor(enabled=False),
    )
    ann = "ann.lawyer@example.test"
    raw = [
        review(ann, f"2026-03-0{day}T10:00:00Z", review_type="pre_charge_decision", outcome=outcome)
        for day, outcome in ((2, "threshold_charge"), (3, "no_further_action"))
    ]

    report = ingest(uow_factory, raw, Settings(database_url=database_url), policy)

    assert (report.created, report.selected) == (2, 0)


def test_an_area_rate_applies_to_that_area_alone(
    database_url: str, uow_factory: UowFactory
) -> None:
    import_fixture_people(uow_factory, NOW)
    policy = SamplingPolicy(
        version="test-3",
        rates=Rates(early_advice=0.0, pre_charge_decision=0.0),
        always_select=NOTHING_AT_RANDOM.always_select,
        monthly_floor=MonthlyFloor(enabled=False),
        area_rates={"Wessex": RateOverride(early_advice=1.0)},
    )
    raw = [
        review("ann.lawyer@example.test", "2026-03-02T10:00:00Z"),
        review(
            "ann.lawyer@example.test", "2026-03-02T11:00:00Z", review_type="pre_charge_decision"
        ),
        review("cat.lawyer@example.test", "2026-03-02T10:00:00Z"),
    ]

    ingest(uow_factory, raw, Settings(database_url=database_url), policy)

    with uow_factory() as uow:
        chosen = [(r.area, r.review_type) for r, d in decided(uow.session) if d.selected]
    assert chosen == [("Wessex", "early_advice")]
