"""A calibration exercise through the real app: the lead gives a submitted review to three
inspectors with `/dip calibrate`; each marks it blind; the results, worked out by hand here, go
to the lead (everyone's marks) and to each inspector (their own); no lawyer or manager hears of
it, and the trends are as they were."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from support.feedback_support import submit_inspections
from support.slack_player import Player
from support.slack_world import (
    ADMIN,
    INSPECTOR_A,
    INSPECTOR_B,
    LAWYER,
    MANAGER,
    URN,
    Member,
    RunningBot,
)
from support.trend_data import rollups_as_rebuilt

from bot.clock import ManualClock
from bot.jobs.outbox import DispatchReport
from bot.offline.driver import SlackDriver
from bot.offline.standin import SlackStandIn
from bot.services.inspection.state import load_state
from bot.services.people.directory import import_people
from inspections.agreement import marking_of
from storage.models import AuditEvent, Inspection

INSPECTOR_C = Member(
    "cal.inspector@example.test", "Cal Inspector", "inspector", "Wessex", "RASSO Wessex 2", "",
    "U0INSPEC03",
)  # fmt: skip
INSPECTOR_D = Member(
    "dee.inspector@example.test", "Dee Inspector", "inspector", "Yorkshire and Humberside",
    "RASSO Yorkshire", "", "U0INSPEC04",
)  # fmt: skip
STRATEGY = "suspect_focused_strategy"
ENQUIRIES = "reasonable_lines_of_enquiry"


def _command(driver: SlackDriver, standin: SlackStandIn, member: Member, text: str) -> str:
    before = len(standin.ephemerals_to(member.slack_id))
    assert driver.slash_command(member.slack_id, "/dip", text).status == 200
    standin.wait_for(lambda: len(standin.ephemerals_to(member.slack_id)) > before)
    return standin.ephemerals_to(member.slack_id)[-1].text


def _mark(player: Player, standin: SlackStandIn, given: dict[str, tuple[str, str]]) -> None:
    """Start the calibration card, then Fully met (No at gates) but the marks given."""
    card = standin.last_message_to(player.user)
    assert "Calibration exercise" in json.dumps(card.blocks)
    player.click(card, "Start inspection")
    standin.wait_for(lambda: "Start inspection" not in json.dumps(player.card().blocks))
    for question_id, (label, reason) in given.items():
        player.answer_until(stop=question_id)
        player.mark(label, reason)
    player.answer_until()
    player.click(player.card(), "Submit")


def test_three_inspectors_mark_blind_and_get_the_hand_worked_results(
    trend_rollups: None,
    bot: RunningBot,
    directory: tuple[Member, ...],
    driver: SlackDriver,
    standin: SlackStandIn,
    clock: ManualClock,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    rows = [
        (n, {"email": m.email, "name": m.name, "roles": m.roles, "area": m.area,
             "unit": m.unit, "manager_email": "", "slack_user_id": m.slack_id})
        for n, m in enumerate((INSPECTOR_C, INSPECTOR_D), start=2)
    ]  # fmt: skip
    with bot.uow() as uow:
        assert import_people(uow, rows, now=clock()).problems == []
    for member in (INSPECTOR_C, INSPECTOR_D):
        standin.add_user(member.slack_id, email=member.email, name=member.name)
    # The review under calibration: inspected by A, feedback delivered.
    submit_inspections(
        bot.uow, reviews=[(LAWYER.email, URN)], inspector_email=INSPECTOR_A.email, now=clock()
    )
    deliver_outbox()
    heard = {m.email: len(standin.messages_to(m.slack_id)) for m in (LAWYER, MANAGER)}

    assert _command(driver, standin, INSPECTOR_B, f"calibrate {URN} pcd") == (
        "Sorry, only an inspection lead can start a calibration exercise."
    )
    reply = _command(driver, standin, ADMIN, f"calibrate {URN} pcd")
    # Everyone independent who has not marked the review: not A, who inspected it.
    assert reply.startswith(
        "Calibration started: Cal Inspector, Dee Inspector, Ian Inspector will each mark"
    )
    assert URN not in reply
    assert deliver_outbox().sent == 3

    b, c, d = (Player(driver, standin, m.slack_id) for m in (INSPECTOR_B, INSPECTOR_C, INSPECTOR_D))
    _mark(
        b, standin, {STRATEGY: ("Not met", "No strategy."), ENQUIRIES: ("Partially met", "Thin.")}
    )
    assert deliver_outbox().sent == 0  # no alert, no feedback, no results yet
    _mark(
        c, standin, {STRATEGY: ("Partially met", "Partly."), ENQUIRIES: ("Partially met", "Thin.")}
    )
    _mark(d, standin, {})
    assert deliver_outbox().sent == 4  # the results: to the lead and to each inspector

    # Strategy: Fully met (D), Not met (B), Partially met (C): no consensus. Enquiries: B and C
    # Partially met, D Fully met: consensus Partially met, 2 of 3. The rest: 3 of 3.
    lead = json.dumps(standin.last_message_to(ADMIN.slack_id).blocks)
    assert (
        "Fully met 1, Not met 1, Partially met 1; no consensus; Cal Inspector Partially met, "
        "Dee Inspector Fully met, Ian Inspector Not met"
    ) in lead
    assert "Partially met 2, Fully met 1; consensus *Partially met* (2 of 3)" in lead
    assert "Fully met 3; consensus *Fully met* (3 of 3)" in lead
    own = json.dumps(standin.last_message_to(INSPECTOR_B.slack_id).blocks, ensure_ascii=False)
    assert "no consensus → you: Not met" in own
    assert "Cal Inspector" not in own and "Dee Inspector" not in own
    # The lead sets the reference mark for the strategy; only a lead may.
    results = standin.last_message_to(ADMIN.slack_id)
    b.click(results, "Set a reference mark")
    assert standin.ephemerals_to(INSPECTOR_B.slack_id)[-1].text == (
        "Sorry, only an inspection lead can set a reference mark."
    )
    lead = Player(driver, standin, ADMIN.slack_id)
    lead.click(results, "Set a reference mark", opens_modal=True)
    lead.submit(
        {
            "question": {"value": STRATEGY},
            "mark": {"value": "partially_met"},
            "reason": {"value": "The plan targets the suspect but misses the phone data."},
        }
    )
    assert deliver_outbox().sent == 3
    # The same reference again (Slack resending the modal, say) tells nobody twice.
    lead.click(results, "Set a reference mark", opens_modal=True)
    lead.submit(
        {
            "question": {"value": STRATEGY},
            "mark": {"value": "partially_met"},
            "reason": {"value": "The plan targets the suspect but misses the phone data."},
        }
    )
    assert deliver_outbox().sent == 0
    reference = json.dumps(standin.last_message_to(INSPECTOR_B.slack_id).blocks)
    assert "sets the reference mark at *Partially met*. You marked it Not met." in reference
    # No lawyer or manager hears of it.
    assert {m.email: len(standin.messages_to(m.slack_id)) for m in (LAWYER, MANAGER)} == heard

    with bot.uow() as uow:
        session = uow.session
        reported = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "calibration.reported")
        ).one()
        one = session.scalars(select(Inspection).where(Inspection.purpose == "calibration")).first()
        assert one is not None
        state = load_state(session, one.id)
        codes = {q: a.option_code for q, a in state.answers.items() if a.option_code}
        k = len(marking_of(state.questionnaire, review=0, inspector="", option_codes=codes,
                           score=None).marks)  # fmt: skip
        # Alpha over the k scored questions (3k marks: one 0, three 0.5, 3k - 4 ones); the
        # strategy gives 3 off-diagonal coincidences, the enquiries 2: D_o = 5/(3k), D_e =
        # 2(12k - 13)/(3k(3k - 1)), so nominal alpha = 1 - 5(3k - 1)/(2(12k - 13)).
        assert reported.details["alpha_nominal"] == pytest.approx(
            1 - 5 * (3 * k - 1) / (2 * (12 * k - 13))
        )
        # The trends count A's inspection only, as a rebuild from the answers does.
        kept = rollups_as_rebuilt(session, bot.settings.timezone, datetime.now(UTC))
        assert [r[4] for r in kept[1]] == [1]
    assert standin.violations == []
