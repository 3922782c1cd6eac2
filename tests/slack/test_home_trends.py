"""The manager's App Home panel through the real app and the Slack stand-in: the current
quarter's headline figures for the viewer's own scope, worked out by hand from the seeded
history, and "fewer than 5" for a small group."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from support.scheduling_data import V1_PATH, publish_default_questionnaire
from support.slack_world import ADMIN, LAWYER, MANAGER, Member, RunningBot
from support.trend_data import Given, add_open, add_submitted, person

from bot.offline.driver import SlackDriver
from bot.offline.standin import SlackStandIn
from bot.slack.blocks.trends import SUPPRESSED_NOTE
from storage.models import AuditEvent, Person

# The clock stands at 2 March 2026, so the current quarter is 2026-Q1 and the one before 2025-Q4.
JANUARY = datetime(2026, 1, 12, 11, 0, tzinfo=UTC)
NOVEMBER = datetime(2025, 11, 10, 11, 0, tzinfo=UTC)
FAILED = {"safeguarding_considered": "not_met", "review_language": "not_met"}


def given(session: Session) -> Given:
    inspector = person(
        session,
        name="Iris Inspector",
        roles=["inspector"],
        area="Wessex",
        unit="RASSO Wessex",
        now=NOVEMBER,
    )
    return Given(publish_default_questionnaire(session, now=NOVEMBER, path=V1_PATH), inspector)


def directory_lawyer(session: Session) -> Person:
    return session.scalars(select(Person).where(Person.email == LAWYER.email)).one()


def seed_history(bot: RunningBot) -> None:
    """London North in 2026-Q1: 4 pre-charge decisions fully met on all 13 scored questions,
    and 2 with a critical safeguard and the written-language question not met; one more still
    open. 2025-Q4: 6 marked not met throughout. Wessex in 2026-Q1: 3 fully met."""
    with bot.uow() as uow:
        session = uow.session
        world = given(session)
        lawyer = directory_lawyer(session)
        for n in range(6):
            marks = FAILED if n >= 4 else {}
            day = JANUARY + timedelta(days=n)
            add_submitted(session, world, lawyer=lawyer, submitted_at=day, marks=marks)
            before = NOVEMBER + timedelta(days=n)
            add_submitted(session, world, lawyer=lawyer, submitted_at=before, default="not_met")
        add_open(session, world, lawyer=lawyer, at=JANUARY)
        wessex = person(
            session,
            name="Wyn Lawyer",
            roles=["lawyer"],
            area="Wessex",
            unit="RASSO Wessex",
            now=NOVEMBER,
        )
        for n in range(3):
            add_submitted(session, world, lawyer=wessex, submitted_at=JANUARY + timedelta(days=n))
        uow.commit()


def home_blocks(driver: SlackDriver, standin: SlackStandIn, member: Member) -> list[Any]:
    assert driver.app_home_opened(member.slack_id).status == 200
    standin.wait_for(lambda: standin.has_home_view(member.slack_id))
    return list(standin.home_view(member.slack_id).blocks)


def panel(blocks: list[Any], title: str) -> tuple[dict[str, str], str]:
    """The panel's figures (label -> value) and the text of its notes."""
    start = next(i for i, b in enumerate(blocks) if b.get("text", {}).get("text") == title)
    header, figures, notes = blocks[start : start + 3]
    assert header["type"] == "header"
    pairs = dict(field["text"].split("\n", 1) for field in figures["fields"])
    return {label.strip("*"): value for label, value in pairs.items()}, json.dumps(notes)


def test_an_area_lead_sees_this_quarters_headline_for_their_area(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed_history(bot)

    figures, _ = panel(
        home_blocks(driver, standin, MANAGER), "London North: this quarter (2026-Q1)"
    )

    # Scores: 4 of 1.0 and 2 of 15/18 (the safeguard weighs 2, the language question 1, of 18).
    # Marks fully met: 4 x 13 + 2 x 11 = 74 of 78, from 6 inspections (13 of 13 four times, 11
    # of 13 twice): allowing for that grouping (t with 5 degrees of freedom), 79.7% to 98.9%.
    # 2025-Q4: 0 of 78 from 6 inspections (at most 52.4%), so the rise is still flagged.
    # Every overall mark is Fully met: 6 of 6 reviews, Wilson interval 6 / (6 + 1.96²) = 61.0%.
    assert figures == {
        "Inspections": "6",
        "Reviews meeting the standard": "100.0% (95% interval 61.0% to 100.0%)",
        "Mean quality score": "94.4%",
        "Marks fully met": "94.9% (95% interval 79.7% to 98.9%)",
        "Critical failures": "2",
        "Interventions": "none raised",  # the history was seeded without alerts
        "Referral to review": "no referral dates from intake",
        "Change since 2025-Q4": (
            "up from 0.0% in 2025-Q4: a real change (the intervals do not overlap)"
        ),
    }
    assert standin.violations == []
    with bot.uow() as uow:
        viewed = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "trends.headline_viewed")
        ).one()
    assert (viewed.actor, viewed.entity_id) == (MANAGER.email, "London North")


def test_the_national_lead_sees_every_area_and_a_lawyer_sees_no_panel(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    seed_history(bot)

    figures, _ = panel(home_blocks(driver, standin, ADMIN), "National: this quarter (2026-Q1)")
    lawyers_home = json.dumps(home_blocks(driver, standin, LAWYER))

    # London North's 6 and Wessex's 3: scores 4 + 2 x 15/18 + 3 = 26/3 over 9; 113 of 117 marks.
    assert figures["Inspections"] == "9"
    assert figures["Mean quality score"] == "96.3%"
    assert figures["Marks fully met"].startswith("96.6% ")
    assert "this quarter" not in lawyers_home
    assert standin.violations == []


def test_a_quarter_with_fewer_than_5_inspections_shows_no_figures(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    with bot.uow() as uow:
        session = uow.session
        world, lawyer = given(session), directory_lawyer(session)
        for n in range(4):
            day = JANUARY + timedelta(days=n)
            add_submitted(session, world, lawyer=lawyer, submitted_at=day, marks=FAILED)
        uow.commit()

    figures, notes = panel(
        home_blocks(driver, standin, MANAGER), "London North: this quarter (2026-Q1)"
    )

    assert figures == {"Inspections": "fewer than 5"}
    assert SUPPRESSED_NOTE in notes
    assert standin.violations == []
