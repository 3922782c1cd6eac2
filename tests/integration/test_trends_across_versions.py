"""A trend across two questionnaire versions: a renamed question is counted together with the
question it became, a retired one keeps its own series, and the newest wording labels both.

Hand-counted, London North, 2026-Q1, early advice reviews (no conditional questions):
- 5 inspections on version 1: "review_language" fully met 3 times, not met twice;
- 5 inspections on version 2, where it is asked as "written_language": fully met 4 times,
  partially met once;
so "written_language" has 10 marks, 7 fully met, 2 not met; "review_language" has no series of
its own. "isva_offer_recorded", retired in version 2, has the 5 marks of version 1, all fully
met. Checked from the answers and from the monthly roll-ups.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from support.trend_data import LONDON, Given, add_submitted, build_world

from bot.services.trends.engine import summarise
from inspections.periods import quarter_of
from inspections.scopes import Scope, ScopeKind
from inspections.trends import Share, Spread
from questionnaires.loader import content_hash, validate_document
from storage import trend_rollup
from storage.questionnaire_versions import latest_version, publish_questionnaire
from storage.uow import UnitOfWork

TZ = ZoneInfo("Europe/London")
Q1 = quarter_of(date(2026, 1, 1))
LONDON_SCOPE = Scope(ScopeKind.AREA, LONDON, area=LONDON)


def second_version(first: dict) -> dict:
    document = copy.deepcopy(first)
    document["version"] = 2
    for section in document["sections"]:
        for question in section["questions"]:
            if question["id"] == "review_language":
                question["id"] = "written_language"
                question["label"] = "Written language"
        section["questions"] = [q for q in section["questions"] if q["id"] != "isva_offer_recorded"]
    document["renamed"] = {"review_language": "written_language"}
    document["retired"] = {"isva_offer_recorded": "Asked of the police, not the lawyer."}
    assert validate_document(document) == []
    return document


@pytest.mark.parametrize("source", ["answers", "rollups"])
def test_a_renamed_question_is_counted_with_what_it_became(
    uow_factory: Callable[[], UnitOfWork], source: str
) -> None:
    with uow_factory() as uow:
        s = uow.session
        world = build_world(s, now=datetime(2025, 9, 1, tzinfo=UTC))
        document = second_version(world.version.content)
        publish_questionnaire(
            s,
            questionnaire_id=document["id"],
            version=2,
            content=document,
            content_hash=content_hash(document),
            now=datetime(2026, 1, 5, tzinfo=UTC),
        )
        v2 = latest_version(s, "rasso_review")
        assert v2 is not None and v2.version == 2
        lawyer = world.london_lawyers[0]
        v1_marks = ["fully_met"] * 3 + ["not_met"] * 2
        v2_marks = ["fully_met"] * 4 + ["partially_met"]
        for day, mark in enumerate(v1_marks, start=2):
            add_submitted(
                s,
                world,
                lawyer=lawyer,
                submitted_at=datetime(2026, 2, day, 11, tzinfo=UTC),
                review_type="early_advice",
                marks={"review_language": mark},
            )
        on_v2 = Given(v2, world.inspector)
        for day, mark in enumerate(v2_marks, start=10):
            add_submitted(
                s,
                on_v2,
                lawyer=lawyer,
                submitted_at=datetime(2026, 2, day, 11, tzinfo=UTC),
                review_type="early_advice",
                marks={"written_language": mark},
            )
        if source == "rollups":
            s.flush()
            trend_rollup.rebuild(s, TZ, datetime(2026, 4, 20, tzinfo=UTC))
        uow.commit()

    with uow_factory() as uow:
        summary = summarise(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=TZ)

    questions = {q.question_id: q for q in summary.questions}
    language = questions["written_language"]
    assert (language.marks, language.fully_met, language.not_met) == (10, 7, 2)
    assert language.share == Share(7, 10)
    assert language.text == "Written language"
    assert "review_language" not in questions
    isva = questions["isva_offer_recorded"]
    assert (isva.marks, isva.fully_met) == (5, 5)


def test_the_summary_gives_working_days_from_referral_to_review_where_intake_gave_them(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    with uow_factory() as uow:
        world = build_world(uow.session, now=datetime(2025, 9, 1, tzinfo=UTC))
        lawyer = world.london_lawyers[0]
        # Referred Monday 2 Feb; reviews on 3, 9 and 16 Feb: 1, 5 and 10 working days.
        for day in (3, 9, 16):
            found = add_submitted(
                uow.session,
                world,
                lawyer=lawyer,
                submitted_at=datetime(2026, 2, day, 11, tzinfo=UTC),
            )
            found.case_review.completed_at = datetime(2026, 2, day, 10, tzinfo=UTC)
            found.case_review.referred_at = datetime(2026, 2, 2, 9, tzinfo=UTC)
        uow.commit()

    with uow_factory() as uow:
        summary = summarise(uow.session, scope=LONDON_SCOPE, period=Q1, review_type=None, tz=TZ)

    assert summary.timeliness is not None
    assert summary.timeliness.reviews == 3
    # 1, 5, 10: median 5; 90th percentile at 1.8 between 5 and 10: 5 + 0.8 x 5 = 9.
    assert summary.timeliness.working_days == Spread(5.0, pytest.approx(9.0))
