"""`dipsample calibration report` through the real entry point, over double-marked reviews.

London North, February 2026: two pre-charge decisions, each marked by Ivy (the primary
inspection) and, blind, by Sam, on the same thirteen scored questions (weights 18 in all). On
review 1 Sam marks "suspect-focused strategy" (weight 1) Partially met; on review 2 Ivy marks
"review language" (weight 1) Not met; every other mark is Fully met on both. A third review,
marked once, is no part of it.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from support.trend_data import Given, add_submitted, build_world, person

from bot.cli.parser import main
from inspections.answers import Answer as DomainAnswer
from storage import answers_repo
from storage.models import (
    AnswerRevision,
    AuditEvent,
    Calibration,
    Inspection,
    Person,
    QuestionnaireVersion,
)
from storage.uow import UnitOfWork

SAM = "sam.second@example.test"
IVY = "ivy.inspector@example.test"
FEBRUARY = ["--from", "2026-02-01", "--to", "2026-02-28"]
T_1 = 12.706204736174698  # Student's t, 1 degree of freedom, two-sided 95%


def at(day: int) -> datetime:
    return datetime(2026, 2, day, 11, 0, tzinfo=UTC)


@pytest.fixture
def seeded(
    database_url: str, uow_factory: Callable[[], UnitOfWork], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOGNAME", "ops.lead")
    with uow_factory() as uow:
        s = uow.session
        world = build_world(s, now=datetime(2025, 9, 1, tzinfo=UTC))
        sam = person(
            s, name="Sam Second", roles=["inspector"], area="Wessex", unit="RASSO Wessex",
            now=at(1), slack_user_id="U0SAMSEC01",
        )  # fmt: skip
        assert sam.email == SAM and world.inspector.email == IVY
        lawyer = world.london_lawyers[0]
        first = add_submitted(s, world, lawyer=lawyer, submitted_at=at(2))
        add_submitted(
            s, world, lawyer=lawyer, submitted_at=at(3), double_of=first, inspector=sam,
            marks={"suspect_focused_strategy": "partially_met"},
        )  # fmt: skip
        second = add_submitted(
            s, world, lawyer=lawyer, submitted_at=at(4),
            marks={"review_language": "not_met"},
        )  # fmt: skip
        add_submitted(s, world, lawyer=lawyer, submitted_at=at(5), double_of=second, inspector=sam)
        add_submitted(s, world, lawyer=lawyer, submitted_at=at(6))
        uow.commit()


def build_world_again(session: Session) -> Given:
    """What add_submitted needs of the world seeded above."""
    version = session.scalars(select(QuestionnaireVersion)).first()
    inspector = session.scalars(select(Person).where(Person.email == IVY)).one()
    assert version is not None
    return Given(version, inspector)


def report(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["calibration", "report", *FEBRUARY, *args]) == 0
    return capsys.readouterr().out


def test_json_gives_alpha_per_question_and_overall_and_each_inspectors_figures(
    seeded: None, capsys: pytest.CaptureFixture[str], uow_factory: Callable[[], UnitOfWork]
) -> None:
    document = json.loads(report(capsys, "--format", "json"))

    assert document["reviews"] == 2
    questions = {q["question_id"]: q for q in document["questions"]}
    # One unit each way: (1, 0.5) and (1, 1) for the strategy, (0, 1) and (1, 1) for the
    # language. Nominal: D_o = 2/4, D_e = 2(1 x 3)/(4 x 3): alpha 0. Ordinal: delta = (4 - 2)^2 = 4,
    # D_o = 2 x 4/4 = 2, D_e = 2 x 3 x 4/12 = 2: alpha 0.
    for question_id in ("suspect_focused_strategy", "review_language"):
        figures = questions[question_id]
        assert figures["nominal"]["alpha"] == pytest.approx(0.0)
        assert figures["ordinal"]["alpha"] == pytest.approx(0.0)
        assert (figures["ordinal"]["reviews"], figures["ordinal"]["low"]) == (2, None)
    # A question both marked Fully met on both reviews shows no variation: alpha undefined.
    assert questions["safeguarding_considered"]["ordinal"]["alpha"] is None
    # Pooled over the k questions of each review: 4k marks, one 0, one 0.5, m = 4k - 2 ones;
    # nominal alpha = -1 / (8k - 3); ordinal, with A = ((1 + m)/2)^2 and B = ((3 + m)/2)^2,
    # 1 - (m + 1)(A + B) / (1 + m(A + B)).
    k = len(questions)
    m = 4 * k - 2
    a, b = ((1 + m) / 2) ** 2, ((3 + m) / 2) ** 2
    assert document["overall"]["nominal"]["alpha"] == pytest.approx(-1 / (8 * k - 3))
    assert document["overall"]["ordinal"]["alpha"] == pytest.approx(
        1 - (m + 1) * (a + b) / (1 + m * (a + b))
    )
    ivy, sam = document["inspectors"]
    assert (ivy["email"], sam["email"], ivy["name"]) == (IVY, SAM, "Ivy Inspector")
    assert k == 13
    with uow_factory() as uow:
        scores = sorted({i.score for i in uow.session.scalars(select(Inspection))} - {1.0})
    weights = 18
    # Ivy's 1 - 1/18 on review 2, Sam's 1 - 0.5/18 on review 1; the other two 1.
    assert scores == [pytest.approx(1 - 1 / weights), pytest.approx(1 - 0.5 / weights)]
    # Ivy's score minus Sam's: 0.5/18 on review 1, -1/18 on review 2.
    differences = (0.5 / weights, -1 / weights)
    half = T_1 * abs(differences[0] - differences[1]) / math.sqrt(2) / math.sqrt(2)
    assert ivy["score_difference"]["mean"] == pytest.approx(-0.25 / weights)
    assert ivy["score_difference"]["low"] == pytest.approx(-0.25 / weights - half)
    assert ivy["score_difference"]["high"] == pytest.approx(-0.25 / weights + half)
    assert sam["score_difference"]["mean"] == pytest.approx(0.25 / weights)
    assert (ivy["not_applicable"]["count"], ivy["not_applicable"]["of"]) == (0, 2 * k)
    assert ivy["overall_mark_agrees"]["share"] == 1.0 and ivy["overall_mark_agrees"]["of"] == 2
    with uow_factory() as uow:
        viewed = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "calibration.report_viewed")
        ).one()
        assert viewed.actor == "cli:ops.lead"
        assert viewed.details["reviews"] == 2


def test_table_and_csv_carry_the_same_figures(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    table = report(capsys)
    rows = list(csv.DictReader(io.StringIO(report(capsys, "--format", "csv"))))

    assert table.startswith("2 reviews marked twice, blind, from 2026-02-01 to 2026-02-28.")
    assert "Ivy Inspector <ivy.inspector@example.test>  2 reviews  difference -1.4 points" in table
    by_id = {row["id"]: row for row in rows}
    assert by_id["suspect_focused_strategy"]["ordinal"] == "0.0000"
    assert by_id[SAM]["score_difference"] == f"{0.25 / 18:.4f}"
    assert [row["kind"] for row in rows].count("inspector") == 2


def test_a_period_without_double_marked_reviews_says_so(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["calibration", "report", "--from", "2026-03-01", "--to", "2026-03-31"]) == 0

    assert capsys.readouterr().out.strip() == (
        "No review was marked twice and submitted from 2026-03-01 to 2026-03-31."
    )
    assert main(["calibration", "report", "--from", "2026-13-01"]) == 2
    assert "is not a date" in capsys.readouterr().err


def test_a_calibration_exercise_counts_as_a_unit_of_its_own(
    seeded: None, capsys: pytest.CaptureFixture[str], uow_factory: Callable[[], UnitOfWork]
) -> None:
    # March: the review marked once in February, calibrated by three inspectors. On the
    # strategy they give Fully met, Partially met and Not met; every other mark is Fully met.
    with uow_factory() as uow:
        s = uow.session
        world = build_world_again(s)
        review = s.scalars(select(Inspection).order_by(Inspection.id)).all()[-1]
        exercise = Calibration(
            case_review_id=review.case_review_id, started_by="cli:ops.lead",
            due_at=datetime(2026, 3, 20, tzinfo=UTC), created_at=datetime(2026, 3, 2, tzinfo=UTC),
        )  # fmt: skip
        s.add(exercise)
        s.flush()
        for day, (name, mark) in enumerate(
            (
                ("Sam Second", "fully_met"),
                ("Tia Third", "partially_met"),
                ("Uma Fourth", "not_met"),
            ),
            start=3,
        ):
            marker = s.scalars(select(Person).where(Person.name == name)).first() or person(
                s, name=name, roles=["inspector"], area="North East", unit="RASSO North East",
                now=at(1),
            )  # fmt: skip
            add_submitted(
                s, world, lawyer=review.case_review.lawyer, submitted_at=at(day).replace(month=3),
                double_of=review, inspector=marker, calibration=exercise,
                marks={"suspect_focused_strategy": mark},
            )  # fmt: skip
        uow.commit()

    assert main(["calibration", "report", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--format", "json"]) == 0  # fmt: skip
    document = json.loads(capsys.readouterr().out)

    assert (document["reviews"], document["calibration_exercises"]) == (0, 1)
    questions = {q["question_id"]: q for q in document["questions"]}
    # The strategy's one unit (1, 0.5, 0): 6 ordered pairs at 1/2, D_o = 3/3 = 1; D_e =
    # 2(1 + 1 + 1)/(3 x 2) = 1: nominal alpha 0. Pooled over k units, the rest (1, 1, 1):
    # nominal alpha (k - 1)/(4k - 2).
    assert questions["suspect_focused_strategy"]["nominal"]["alpha"] == pytest.approx(0.0)
    k = len(questions)
    assert document["overall"]["nominal"]["alpha"] == pytest.approx((k - 1) / (4 * k - 2))
    assert [i["name"] for i in document["inspectors"]] == ["Sam Second", "Tia Third", "Uma Fourth"]


def test_a_mark_amended_after_submission_leaves_the_blind_marks_in_the_report(
    seeded: None, capsys: pytest.CaptureFixture[str], uow_factory: Callable[[], UnitOfWork]
) -> None:
    # Review 2's primary marking (Ivy's, "review language" Not met, submitted on 4 February) is
    # challenged and a lead amends the mark to Fully met on 20 February, as the challenge
    # outcome does: a new revision of the answer, and the stored score recomputed to 1. The
    # history holds each answer's first version as submitting writes it.
    with uow_factory() as uow:
        s = uow.session
        primary = s.scalars(
            select(Inspection)
            .where(Inspection.purpose == "primary", Inspection.submitted_at == at(4))
        ).one()  # fmt: skip
        for row in primary.answers:
            s.add(
                AnswerRevision(
                    answer_id=row.id, inspection_id=primary.id, question_id=row.question_id,
                    revision=1, option_code=row.option_code, text=row.text, reason=row.reason,
                    changed_by=row.answered_by, changed_at=row.answered_at,
                )
            )  # fmt: skip
        s.flush()
        lead = s.scalars(select(Person).where(Person.email == IVY)).one()
        answers_repo.record_answer(
            s, primary, DomainAnswer("review_language", "fully_met"), by=lead.id,
            now=datetime(2026, 2, 20, 9, 0, tzinfo=UTC),
        )  # fmt: skip
        primary.score = 1.0
        uow.commit()

    document = json.loads(report(capsys, "--format", "json"))

    # The figures of the first test, hand-computed from the blind marks: the amended mark
    # would make "review language" unanimous (alpha undefined) and Ivy's mean difference
    # 0.25/18 rather than -0.25/18.
    questions = {q["question_id"]: q for q in document["questions"]}
    assert questions["review_language"]["nominal"]["alpha"] == pytest.approx(0.0)
    assert questions["review_language"]["ordinal"]["alpha"] == pytest.approx(0.0)
    k = len(questions)
    assert document["overall"]["nominal"]["alpha"] == pytest.approx(-1 / (8 * k - 3))
    ivy, sam = document["inspectors"]
    assert ivy["email"] == IVY
    assert ivy["score_difference"]["mean"] == pytest.approx(-0.25 / 18)
    assert sam["score_difference"]["mean"] == pytest.approx(0.25 / 18)
