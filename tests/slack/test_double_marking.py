"""Blind double-marking through the real app: a policy with double_mark_rate 1.0 gives every
sampled review a second independent inspector, who marks it blind; the lawyer hears once, and
only of the first marking; a large disagreement on a critical question goes to the lead."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from support.slack_player import Player
from support.slack_world import (
    ADMIN,
    BOT_TOKEN,
    INSPECTOR_A,
    INSPECTOR_B,
    INTAKE_TOKEN,
    LAWYER,
    MANAGER,
    SIGNING_SECRET,
    Member,
    RunningBot,
)
from support.trend_data import rollups_as_rebuilt

from bot.jobs.outbox import DispatchReport
from bot.offline.driver import SlackDriver
from bot.offline.standin import Message, SlackStandIn
from bot.services.intake.policy_file import DEFAULT_POLICY_PATH
from bot.settings import Settings
from storage.models import AuditEvent, Inspection

SAFEGUARD = "safeguarding_considered"
URNS = ("01AB1234526", "01AB1234626")


@pytest.fixture
def settings(database_url: str, standin: SlackStandIn, tmp_path: Path) -> Settings:
    policy = json.loads(DEFAULT_POLICY_PATH.read_text())
    policy.update(
        version="2026-12-1",
        rates={"early_advice": 1.0, "pre_charge_decision": 1.0},
        double_mark_rate=1.0,
    )
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    return Settings(
        database_url=database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=standin.api_url,
        intake_token=INTAKE_TOKEN,
        sampling_policy_path=str(path),
    )


def _intake(bot: RunningBot, urns: tuple[str, ...]) -> None:
    body = [
        {
            "urn": urn,
            "review_type": "pre_charge_decision",
            "area": LAWYER.area,
            "unit": LAWYER.unit,
            "lawyer_email": LAWYER.email,
            "completed_at": f"2026-03-02T08:0{n}:00Z",
            "action_plan_count": "0",
            "outcome": "charge",
            "source_id": f"CMS-{n}",
        }
        for n, urn in enumerate(urns)
    ]
    request = urllib.request.Request(
        f"{bot.url}/intake/case-reviews",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {INTAKE_TOKEN}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 201


def _everything_to(standin: SlackStandIn, member: Member) -> str:
    return json.dumps([(m.text, m.blocks) for m in standin.messages_to(member.slack_id)])


def _start(player: Player, standin: SlackStandIn, assignment: Message) -> None:
    player.click(assignment, "Start inspection")
    standin.wait_for(lambda: "Start inspection" not in json.dumps(player.card().blocks))


def test_every_sampled_review_is_marked_twice_blind_and_the_lawyer_hears_once(
    trend_rollups: None,
    bot: RunningBot,
    directory: tuple[Member, ...],
    driver: SlackDriver,
    standin: SlackStandIn,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    _intake(bot, URNS[:1])
    assert deliver_outbox().sent == 2  # an assignment to each inspector

    with bot.uow() as uow:
        rows = uow.session.scalars(select(Inspection).order_by(Inspection.id)).all()
        marked = [(i.purpose, i.inspector.email if i.inspector else None) for i in rows]
    assert [purpose for purpose, _ in marked] == ["primary", "double"]
    assert {email for _, email in marked} == {INSPECTOR_A.email, INSPECTOR_B.email}
    first_email = marked[0][1]
    first, second = (
        (INSPECTOR_A, INSPECTOR_B)
        if first_email == INSPECTOR_A.email
        else (INSPECTOR_B, INSPECTOR_A)
    )
    to_first = standin.last_message_to(first.slack_id)
    to_second = standin.last_message_to(second.slack_id)
    assert "Blind second marking" not in json.dumps(to_first.blocks)
    assert "Blind second marking" in json.dumps(to_second.blocks)

    # The second inspector finds a safeguarding failure the first does not.
    blind = Player(driver, standin, second.slack_id)
    _start(blind, standin, to_second)
    blind.answer_until(stop=SAFEGUARD)
    blind.mark("Not met", "No safety plan on file.")
    blind.answer_until(partly={"overall_mark": "The safety gap matters."})
    blind.click(blind.card(), "Submit")
    # No alert: a second marking's failure reaches nobody but, later, the lead.
    assert deliver_outbox().sent == 0
    marker = Player(driver, standin, first.slack_id)
    _start(marker, standin, to_first)
    marker.answer_until()
    marker.click(marker.card(), "Submit")
    # The feedback to the lawyer, its copy to the line manager, the disagreement to the lead.
    assert deliver_outbox().sent == 3

    feedback = [m for m in standin.messages_to(LAWYER.slack_id) if m.text.startswith("Feedback")]
    assert [m.text for m in feedback] == [
        f"Feedback on your review of {URNS[0]}: overall score 100.0%"
    ]
    assert len(standin.messages_to(MANAGER.slack_id)) == 1  # the feedback copy, no alert
    note = standin.last_message_to(ADMIN.slack_id)
    assert note.text == f"Double-marked review {URNS[0]}: the inspectors disagree"
    assert f"{first.name} Fully met, {second.name} Not met" in json.dumps(note.blocks)
    # Neither inspector sees the other, their name or their marks.
    assert second.name not in _everything_to(standin, first)
    assert "No safety plan on file." not in _everything_to(standin, first)
    assert first.name not in _everything_to(standin, second)
    assert "No safety plan" not in _everything_to(standin, LAWYER)
    with bot.uow() as uow:
        session = uow.session
        # Trends count the primary inspection only, as a rebuild from the answers does.
        kept = rollups_as_rebuilt(session, bot.settings.timezone, datetime.now(UTC))
        assert [r[4] for r in kept[1]] == [1]
        compared = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "double_marking.compared")
        ).one()
        assert compared.details["large_disagreements"] == [SAFEGUARD]

    # The lead asks for the calibration report: every inspector's figures, by name. On the one
    # review, only the safeguarding question was marked differently: (1, 0) is the only unit
    # with variation, so its alpha is 1 - D_o/D_e = 1 - 1/1 = 0, nominal and ordinal alike.
    to_lead = _calibration(driver, standin, ADMIN)
    assert "*1* review marked twice, blind" in to_lead
    assert first.name in to_lead and second.name in to_lead
    assert "Victim protections considered: 0.00 over 1 review" in to_lead
    # An inspector sees their own figures only; a lawyer is refused.
    to_second = _calibration(driver, standin, second)
    assert "*Your figures*" in to_second and first.name not in to_second
    assert _command(driver, standin, LAWYER, "calibration") == (
        "Sorry, the calibration report is for the inspection leads and the inspectors only."
    )
    with bot.uow() as uow:
        viewed = uow.session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "calibration.report_viewed")
        ).all()
        assert viewed == ["all", f"own:{second.email}"]
    assert standin.violations == []


def _command(driver: SlackDriver, standin: SlackStandIn, member: Member, text: str) -> str:
    """Type `/dip text`; the reply only the typist sees."""
    before = len(standin.ephemerals_to(member.slack_id))
    assert driver.slash_command(member.slack_id, "/dip", text).status == 200
    standin.wait_for(lambda: len(standin.ephemerals_to(member.slack_id)) > before)
    return standin.ephemerals_to(member.slack_id)[-1].text


def _calibration(driver: SlackDriver, standin: SlackStandIn, member: Member) -> str:
    reply = _command(driver, standin, member, "calibration 2026-Q1")
    assert reply == "The calibration report is in our direct messages."
    return json.dumps(standin.last_message_to(member.slack_id).blocks)


def test_with_rate_one_every_review_of_an_import_gets_two_distinct_inspectors(
    bot: RunningBot,
    directory: tuple[Member, ...],
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    _intake(bot, URNS)

    with bot.uow() as uow:
        rows = uow.session.scalars(select(Inspection)).all()
        by_review: dict[int, set[str]] = {}
        for row in rows:
            assert row.inspector is not None
            by_review.setdefault(row.case_review_id, set()).add(row.inspector.email)
    assert list(by_review.values()) == [{INSPECTOR_A.email, INSPECTOR_B.email}] * 2
    assert deliver_outbox().sent == 4
