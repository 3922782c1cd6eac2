"""The learning-programme feed: themes ranked by rate with intervals, and the inspectors'
reasons and key learning points with no URN and no name of anyone in the directory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from support.trend_data import add_submitted, build_world

from bot.cli.parser import main
from storage.models import Answer, CaseReview, Person
from storage.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


@pytest.fixture
def cli(
    database_url: str, uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., int]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    with uow_factory() as uow:
        s = uow.session
        w = build_world(s, now=datetime(2025, 9, 1, tzinfo=UTC))
        lawyer = w.london_lawyers[0]
        for n in range(6):
            marks = {"review_language": "not_met"} if n < 3 else {}
            found = add_submitted(
                s, w, lawyer=lawyer, marks=marks,
                submitted_at=datetime(2026, 2, 2 + n, 11, tzinfo=UTC),
            )  # fmt: skip
            urn = found.case_review.urn
            for answer in s.scalars(select(Answer).where(Answer.inspection_id == found.id)):
                if answer.question_id == "review_language" and answer.option_code == "not_met":
                    answer.reason = f"{lawyer.name} wrote of the victim's 'lies' in {urn}."
                if answer.question_id == "key_learning_point":
                    answer.text = (
                        f"{lawyer.name.split()[0]} should ask for the phone download early."
                    )
            if n == 0:  # a blind second marking, all Not met: it counts nowhere in the feed
                add_submitted(
                    s, w, lawyer=lawyer, submitted_at=datetime(2026, 2, 9, 11, tzinfo=UTC),
                    default="not_met", double_of=found,
                )  # fmt: skip
            if n == 0:  # good practice is optional (and new in version 2): one note in six
                s.add(
                    Answer(
                        inspection_id=found.id,
                        question_id="good_practice",
                        text=f"{lawyer.name}'s plan in {urn} named the expert early.",
                        answered_by=found.inspector_id,
                        revision=1,
                        answered_at=datetime(2026, 2, 2, 11, tzinfo=UTC),
                    )
                )
        uow.commit()
    return lambda *args: main(list(args))


def test_the_feed_ranks_themes_by_rate_and_holds_no_urn_or_name(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str], uow_factory: UowFactory
) -> None:
    assert cli("learning", "export", "--quarter", "2026-Q1", "--format", "json") == 0
    out = capsys.readouterr().out

    feed = json.loads(out)
    (question,) = feed["questions"]
    assert (question["question_id"], question["not_fully_met"], question["marks"]) == (
        "review_language",
        3,
        6,
    )
    assert question["low"] < question["rate"] == 0.5 < question["high"]
    # The language question is the written-language theme's only one: 3 of 6 marks, one per
    # inspection; every other theme's marks are all Fully met, so it leads the ranking.
    themes = feed["themes"]
    assert themes[0]["theme"] == "written_language"
    assert themes[0]["heading"] == "3.1.2 Written language in case files"
    assert (themes[0]["short"], themes[0]["marks"], themes[0]["inspections"]) == (3, 6, 6)
    assert {t["short"] for t in themes[1:]} == {0} and len(themes) > 5
    assert len(feed["reasons"]) == 3 and len(feed["learning_points"]) == 6
    assert feed["good_practice"] == ["[name]'s plan in [case] named the expert early."]
    assert "[name] wrote of the victim's 'lies' in [case]." in [r["text"] for r in feed["reasons"]]
    with uow_factory() as uow:
        names = uow.session.scalars(select(Person.name)).all()
        urns = uow.session.scalars(select(CaseReview.urn)).all()
    for name in names:
        for part in name.split():
            assert part not in out, part
    assert not any(urn in out for urn in urns)


def test_the_csv_feed_is_anonymised_too(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str], uow_factory: UowFactory
) -> None:
    assert cli("learning", "export", "--quarter", "2026-Q1", "--format", "csv") == 0
    out = capsys.readouterr().out

    assert out.splitlines()[0].startswith("kind,id,label,inspections,marks,short,rate")
    assert {len(row) for row in csv.reader(io.StringIO(out))} == {10}  # tidy: every row whole
    assert "good_practice,,,,,,,,,[name]'s plan in [case] named the expert early." in out
    with uow_factory() as uow:
        names = uow.session.scalars(select(Person.name)).all()
    assert not any(name in out for name in names)
