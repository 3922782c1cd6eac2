"""Feedback, safeguard alerts and the lawyer's right to reply, through the real app, signed
requests and the Slack stand-in.

The lawyer here reports to a deputy (their line manager), who reports to the RASSO Unit Head
at the top of the unit's chain; another lawyer in another Area has a manager of their own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from support.feedback_support import submit_inspections
from support.slack_player import Player
from support.slack_player import button_texts as _button_texts
from support.slack_world import (
    ADMIN,
    INSPECTOR_A,
    INSPECTOR_B,
    LAWYER,
    MANAGER,
    URN,
    Assigned,
    Member,
    RunningBot,
)
from support.trend_data import rollups_as_rebuilt

from bot.clock import ManualClock
from bot.jobs.outbox import DispatchReport
from bot.offline.driver import SlackDriver
from bot.offline.standin import Message, SlackStandIn
from bot.services.people.directory import import_people
from storage.models import (
    Alert,
    Answer,
    AnswerRevision,
    AuditEvent,
    Challenge,
    Feedback,
    Inspection,
    OutboxMessage,
    Person,
)

DEPUTY = Member(
    "dee.deputy@example.test", "Dee Deputy", "manager", LAWYER.area, LAWYER.unit,
    MANAGER.email, "U0DEPUTY01",
)  # fmt: skip
OTHER_MANAGER = Member(
    "max.manager@example.test", "Max Manager", "manager", "Wessex", "RASSO Wessex", "",
    "U0MANAGE02",
)  # fmt: skip
OTHER_LAWYER = Member(
    "lou.lawyer@example.test", "Lou Lawyer", "lawyer", "Wessex", "RASSO Wessex",
    OTHER_MANAGER.email, "U0LAWYER02",
)  # fmt: skip
OTHER_URN = "43CD5678926"
SAFEGUARD = "safeguarding_considered"
# All Fully met but these two (weights 1 and 2 of 23): (23 - 0.5 - 1) / 23.
PARTLY = {
    "suspect_focused_strategy": "Not prioritised.",
    "full_code_test_reasoned": "Thin reasons.",
}


@pytest.fixture
def team(bot: RunningBot, directory: Any, clock: ManualClock, standin: SlackStandIn) -> None:
    members = (DEPUTY, replace(LAWYER, manager_email=DEPUTY.email), OTHER_MANAGER, OTHER_LAWYER)
    rows = [
        (n, {"email": m.email, "name": m.name, "roles": m.roles, "area": m.area, "unit": m.unit,
             "manager_email": m.manager_email, "slack_user_id": m.slack_id})
        for n, m in enumerate(members, start=2)
    ]  # fmt: skip
    with bot.uow() as uow:
        assert import_people(uow, rows, now=clock()).problems == []
    for m in (DEPUTY, OTHER_MANAGER, OTHER_LAWYER):
        standin.add_user(m.slack_id, email=m.email, name=m.name)


def _texts(standin: SlackStandIn, member: Member) -> list[str]:
    return [m.text for m in standin.messages_to(member.slack_id)]


def _blocks_text(message: Message) -> str:
    return json.dumps(message.blocks)


@pytest.fixture
def inspector(team: None, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn) -> Player:
    player = Player(driver, standin, assigned.inspector.slack_id)
    player.click(assigned.message, "Start inspection")
    standin.wait_for(
        lambda: (
            len(standin.messages_to(player.user)) == 2
            and standin.messages_to(player.user)[0].edits == 1
        )
    )
    return player


@pytest.fixture
def submitted(
    inspector: Player, deliver_outbox: Callable[[], DispatchReport], standin: SlackStandIn
) -> Player:
    """The inspection answered with two marks Partially met, submitted, feedback delivered."""
    inspector.answer_until(partly=PARTLY)
    inspector.click(inspector.card(), "Submit")
    assert deliver_outbox().sent == 2
    return Player(inspector.driver, standin, LAWYER.slack_id)


def test_on_submit_the_lawyer_and_the_line_manager_each_get_one_message(
    submitted: Player, standin: SlackStandIn, bot: RunningBot, assigned: Assigned
) -> None:
    assert _texts(standin, LAWYER) == [f"Feedback on your review of {URN}: overall score 93.5%"]
    assert _texts(standin, DEPUTY) == [f"Feedback copy: {LAWYER.name}, {URN}, 93.5%"]
    assert _texts(standin, MANAGER) == []  # the Unit Head gets alerts, not every copy
    feedback = _blocks_text(standin.last_message_to(LAWYER.slack_id))
    assert "Case strategy: 90.0%" in feedback and "The charging decision: 85.7%" in feedback
    # The lawyer reads statements addressed to them, not the inspector's questions or guidance.
    assert "*Partially met*: Build the case strategy around the suspect" in feedback
    assert "Does the review" not in feedback and "Was " not in feedback
    assert "What inspectors look for" not in feedback and "Mark Not applicable" not in feedback
    assert "Not prioritised." in feedback and "Thin reasons." in feedback
    assert "Keep the rationale for each task on file." in feedback
    with bot.uow() as uow:
        inspection = uow.session.get(Inspection, assigned.inspection_id)
        assert inspection is not None and inspection.score == pytest.approx(21.5 / 23)
    assert standin.violations == []


def test_the_line_manager_reads_the_full_feedback_from_their_copy(
    submitted: Player, driver: SlackDriver, standin: SlackStandIn, bot: RunningBot
) -> None:
    deputy = Player(driver, standin, DEPUTY.slack_id)

    deputy.click(deputy.card(), "View full feedback", opens_modal=True)

    modal = standin.views_opened[-1]
    assert (modal.user_id, modal.view["title"]["text"]) == (DEPUTY.slack_id, "Feedback")
    assert "Not prioritised." in json.dumps(modal.blocks)
    with bot.uow() as uow:
        viewers = uow.session.scalars(
            select(AuditEvent.actor).where(AuditEvent.action == "feedback.viewed")
        ).all()
        assert viewers == [DEPUTY.email]


def test_a_lawyer_without_a_line_manager_still_gets_feedback_and_the_gap_is_audited(
    team: None, bot: RunningBot, clock: ManualClock, assigned: Assigned
) -> None:
    row = {
        "email": "nia.newcomer@example.test",
        "name": "Nia Newcomer",
        "roles": "lawyer",
        "area": "Wessex",
        "unit": "RASSO Wessex",
        "manager_email": "",
        "slack_user_id": "",
    }
    with bot.uow() as uow:
        assert import_people(uow, [(2, row)], now=clock()).problems == []

    submit_inspections(
        bot.uow,
        reviews=[(row["email"], OTHER_URN)],
        inspector_email=assigned.inspector.email,
        now=clock(),
    )

    with bot.uow() as uow:
        keys = uow.session.scalars(select(OutboxMessage.dedupe_key)).all()
        created = uow.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "feedback.created")
        ).one()
    assert [k for k in keys if k.startswith("feedback:")] == [
        f"feedback:{created['inspection_id']}:lawyer"
    ]
    assert created["manager_copy"] == "no line manager"


def test_when_the_line_manager_is_the_unit_head_they_get_one_alert(
    assigned: Assigned,
    driver: SlackDriver,
    standin: SlackStandIn,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    # Without the deputy, the lawyer's line manager is the top of the unit's chain.
    inspector = Player(driver, standin, assigned.inspector.slack_id)
    inspector.click(assigned.message, "Start inspection")
    standin.wait_for(
        lambda: (
            len(standin.messages_to(inspector.user)) == 2
            and standin.messages_to(inspector.user)[0].edits == 1
        )
    )
    inspector.answer_until(stop=SAFEGUARD)
    inspector.mark("Not met", "No safety plan.")

    assert deliver_outbox().sent == 2  # the manager, and the lawyer told at the same moment
    assert [t.split(":")[0] for t in _texts(standin, MANAGER)] == [f"Safeguard alert on {URN}"]


def test_a_critical_not_met_alerts_the_line_manager_and_unit_head_before_submit(
    inspector: Player, deliver_outbox: Callable[[], DispatchReport], standin: SlackStandIn
) -> None:
    inspector.answer_until(stop=SAFEGUARD)
    inspector.mark("Not met", "No safety plan or bail conditions considered.")

    assert deliver_outbox().sent == 3
    for manager in (DEPUTY, MANAGER):
        alert = standin.last_message_to(manager.slack_id)
        assert alert.text.startswith(f"Safeguard alert on {URN}: Does the review consider the")
        assert "No safety plan or bail conditions considered." in _blocks_text(alert)
    # The lawyer is told at the same moment, without the inspector's reason, and who will call.
    assert _texts(standin, LAWYER) == [f"A point on your live case {URN} needs attention now"]
    notice = _blocks_text(standin.last_message_to(LAWYER.slack_id))
    assert f"{DEPUTY.name} and {MANAGER.name} will be in touch" in notice
    assert "No safety plan" not in notice
    assert "Check your answers" not in inspector.card().text  # not submitted yet


def test_toggling_a_critical_mark_twice_sends_one_alert_and_one_resolved_note(
    inspector: Player,
    deliver_outbox: Callable[[], DispatchReport],
    standin: SlackStandIn,
    bot: RunningBot,
) -> None:
    inspector.answer_until(stop=SAFEGUARD)
    for _ in range(2):
        inspector.mark("Not met", "No safety plan.")
        inspector.click(inspector.card(), "Back")
        inspector.mark("Fully met")
        inspector.click(inspector.card(), "Back")

    deliver_outbox()
    for manager in (DEPUTY, MANAGER):
        assert _texts(standin, manager) == [
            f"Safeguard alert on {URN}: " + _safeguard_text(standin, manager),
            f"Safeguard alert on {URN} resolved: now Fully met",
        ]
    with bot.uow() as uow:
        alerts = uow.session.scalars(select(Alert)).all()
        assert [(a.question_id, a.resolved_at is not None) for a in alerts] == [(SAFEGUARD, True)]


def _safeguard_text(standin: SlackStandIn, manager: Member) -> str:
    return standin.messages_to(manager.slack_id)[0].text.split(": ", 1)[1]


def test_the_lawyer_acknowledges_once_however_often_they_click(
    submitted: Player, standin: SlackStandIn, bot: RunningBot, clock: ManualClock
) -> None:
    message = submitted.card()
    submitted.click(message, "Acknowledge")
    assert "Acknowledge" not in _button_texts(submitted.card())
    first = _acknowledged_at(bot)

    clock.advance(timedelta(hours=1))
    submitted.click(message, "Acknowledge")  # the old copy of the message, clicked again

    assert _acknowledged_at(bot) == first
    assert "Acknowledged Mon 2 Mar 2026" in _blocks_text(submitted.card())


def _acknowledged_at(bot: RunningBot) -> datetime | None:
    with bot.uow() as uow:
        return uow.session.scalars(select(Feedback.acknowledged_at)).one()


def test_a_challenge_goes_to_the_lead_not_the_marking_inspector_and_the_lead_rescores(
    trend_rollups: None,
    submitted: Player,
    assigned: Assigned,
    driver: SlackDriver,
    standin: SlackStandIn,
    bot: RunningBot,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    inspector = Player(driver, standin, assigned.inspector.slack_id)
    cards_before = len(standin.messages_to(inspector.user))
    submitted.click(submitted.card(), "Challenge a mark", opens_modal=True)
    submitted.submit(
        {"marks": {"value": list(PARTLY)}, "reason": {"value": "The annex covers both points."}}
    )
    assert "2 marks challenged: the inspection lead will reply." in _blocks_text(submitted.card())
    # The lead's note and a decision message per mark to the lead; to the inspector who gave
    # the marks, one message asking for a comment and nothing to decide.
    assert deliver_outbox().sent == 4
    to_lead = [f"Challenge to a mark on {URN} to decide: " in t for t in _texts(standin, ADMIN)]
    assert _texts(standin, ADMIN)[0] == f"Challenge raised on {URN} by {LAWYER.name}"
    assert to_lead == [False, True, True]
    asked = standin.messages_to(inspector.user)[cards_before:]
    assert [m.text for m in asked] == [f"Your marks on {URN} have been challenged"]
    assert _button_texts(asked[0]) == ["Add a comment"]

    lead = Player(driver, standin, ADMIN.slack_id)
    upheld, amended = standin.messages_to(ADMIN.slack_id)[-2:]
    assert _button_texts(upheld) == ["Uphold", "Amend", "Pass to an inspector"]
    submitted.click(upheld, "Uphold")  # the lawyer cannot decide their own challenge
    inspector.click(upheld, "Uphold")  # nor can the inspector who gave the mark
    assert standin.ephemerals_to(LAWYER.slack_id)[-1].text == (
        "Sorry, only an inspection lead, or the inspector a lead named, can decide this challenge."
    )
    assert standin.ephemerals_to(inspector.user)[-1].text.startswith(
        "Sorry, you gave this mark, so its challenge is decided by an inspection lead"
    )

    inspector.click(asked[0], "Add a comment", opens_modal=True)
    inspector.submit({"reason": {"value": "I read the annex; it lists the tasks only."}})
    assert "Your comment, sent on" in _blocks_text(inspector.card())
    assert deliver_outbox().sent == 1  # the comment, to the lead
    note = standin.last_message_to(ADMIN.slack_id)
    assert note.text == f"Comment on the challenge on {URN} from {assigned.inspector.name}"
    assert "it lists the tasks only." in _blocks_text(note)

    lead.click(upheld, "Uphold", opens_modal=True)
    lead.submit({"reason": {"value": "The annex does not prioritise the enquiries."}})
    assert deliver_outbox().sent == 0  # one mark is still open: nobody is told yet
    lead.click(amended, "Amend", opens_modal=True)
    lead.submit(
        {"new_mark": {"value": "fully_met"}, "reason": {"value": "The annex records both tests."}}
    )
    # The lawyer, their line manager, the lead and the inspector who gave the marks.
    assert deliver_outbox().sent == 4

    outcome = standin.last_message_to(LAWYER.slack_id)
    assert outcome.text == f"The outcome of your challenge on {URN}"
    assert "The overall score is now *97.8%* (it was 93.5%)." in _blocks_text(outcome)
    assert "*Upheld*: Partially met" in _blocks_text(outcome)
    assert "*Amended* from Partially met to *Fully met*" in _blocks_text(outcome)
    copy = f"Challenge on {URN} decided"
    assert _texts(standin, DEPUTY)[-1] == copy and _texts(standin, ADMIN)[-1] == copy
    assert _texts(standin, assigned.inspector)[-1] == copy
    decided = [
        _blocks_text(m)
        for m in standin.messages_to(ADMIN.slack_id)
        if m.ts in (upheld.ts, amended.ts)
    ]
    assert "You upheld the mark." in decided[0] and "You amended the mark" in decided[1]
    with bot.uow() as uow:
        session = uow.session
        inspection = session.get(Inspection, assigned.inspection_id)
        assert inspection is not None and inspection.score == pytest.approx(22.5 / 23)
        statuses = session.execute(
            select(Challenge.question_id, Challenge.status, Challenge.decided_by)
        ).all()
        lead_id = session.scalar(select(Person.id).where(Person.email == ADMIN.email))
        assert sorted(statuses) == [
            ("full_code_test_reasoned", "amended", lead_id),
            ("suspect_focused_strategy", "upheld", lead_id),
        ]
        assert set(session.scalars(select(Challenge.inspector_comment))) == {
            "I read the annex; it lists the tasks only."
        }
        revisions = session.scalar(
            select(func.count()).where(AnswerRevision.question_id == "full_code_test_reasoned")
        )
        assert revisions == 2
        actions = set(session.scalars(select(AuditEvent.action)))
        assert {"challenge.raised", "challenge.upheld", "challenge.amended"} <= actions
        assert {"challenge.commented", "refused:challenge.decide"} <= actions
        assert "challenge.outcome_sent" in actions
        # The submission counted the inspection in the trend roll-ups and the amendment moved
        # its mark: they hold what a rebuild from the answers gives.
        kept = rollups_as_rebuilt(session, bot.settings.timezone, datetime.now(UTC))
        marks = {(r[5], r[6]): r[7] for r in kept[0] if r[5] == "full_code_test_reasoned"}
        assert marks == {("full_code_test_reasoned", "fully_met"): 1}
        assert [r[4:7] for r in kept[1]] == [(1, pytest.approx(22.5 / 23), 1)]
    assert standin.violations == []


def test_a_lead_passes_a_challenge_to_another_inspector_who_decides_it(
    submitted: Player,
    assigned: Assigned,
    driver: SlackDriver,
    standin: SlackStandIn,
    bot: RunningBot,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    submitted.click(submitted.card(), "Challenge a mark", opens_modal=True)
    submitted.submit(
        {"marks": {"value": ["full_code_test_reasoned"]}, "reason": {"value": "See annex."}}
    )
    deliver_outbox()
    lead = Player(driver, standin, ADMIN.slack_id)
    card = standin.last_message_to(ADMIN.slack_id)
    other = INSPECTOR_B if assigned.inspector.email == INSPECTOR_A.email else INSPECTOR_A

    lead.click(card, "Pass to an inspector", opens_modal=True)
    refused = driver.submit_view(
        ADMIN.slack_id,
        standin.views_opened[-1],
        {"decider": {"value": assigned.inspector.email}},
    )
    assert refused.json is not None and refused.json["errors"] == {
        "decider": f"{assigned.inspector.email} gave the mark, so cannot decide the challenge "
        "to it."
    }
    lead.submit({"decider": {"value": other.email}})
    assert deliver_outbox().sent == 1
    named = Player(driver, standin, other.slack_id)
    to_decide = standin.last_message_to(other.slack_id)
    assert _button_texts(to_decide) == ["Uphold", "Amend"]  # only a lead passes it on

    named.click(to_decide, "Amend", opens_modal=True)
    named.submit({"new_mark": {"value": "fully_met"}, "reason": {"value": "Both tests there."}})

    outcome_sent = deliver_outbox().sent
    assert outcome_sent == 4  # the lawyer, the line manager, the lead, the marking inspector
    assert "The overall score is now *97.8%* (it was 93.5%)." in _blocks_text(
        standin.last_message_to(LAWYER.slack_id)
    )
    with bot.uow() as uow:
        session = uow.session
        other_id = session.scalar(select(Person.id).where(Person.email == other.email))
        challenge = session.scalars(select(Challenge)).one()
        assert (challenge.decider_id, challenge.decided_by) == (other_id, other_id)
        inspection = session.get(Inspection, assigned.inspection_id)
        assert inspection is not None and inspection.score == pytest.approx(22.5 / 23)
        actions = set(session.scalars(select(AuditEvent.action)))
        assert {"challenge.decider_named", "challenge.amended"} <= actions
    assert standin.violations == []


def test_when_the_only_lead_gave_the_mark_they_pass_the_challenge_to_an_inspector(
    submitted: Player,
    assigned: Assigned,
    driver: SlackDriver,
    standin: SlackStandIn,
    bot: RunningBot,
    clock: ManualClock,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    marker, other = assigned.inspector, assigned.other
    rows = [
        (2, {"email": marker.email, "name": marker.name, "roles": "inspector;admin",
             "area": marker.area, "unit": marker.unit, "manager_email": "",
             "slack_user_id": marker.slack_id}),
        (3, {"email": ADMIN.email, "name": ADMIN.name, "roles": "manager", "area": ADMIN.area,
             "unit": ADMIN.unit, "manager_email": "", "slack_user_id": ADMIN.slack_id}),
    ]  # fmt: skip
    with bot.uow() as uow:
        assert import_people(uow, rows, now=clock()).problems == []
    submitted.click(submitted.card(), "Challenge a mark", opens_modal=True)
    submitted.submit(
        {"marks": {"value": ["full_code_test_reasoned"]}, "reason": {"value": "See annex."}}
    )
    deliver_outbox()

    lead = Player(driver, standin, marker.slack_id)
    card = next(
        m for m in standin.messages_to(marker.slack_id) if "Pass to an inspector" in str(m.blocks)
    )
    assert _button_texts(card) == ["Pass to an inspector"]  # never Uphold or Amend
    assert "You gave this mark, and no other inspection lead can decide it" in _blocks_text(card)
    lead.click(card, "Pass to an inspector", opens_modal=True)
    lead.submit({"decider": {"value": other.email}})
    deliver_outbox()
    named = Player(driver, standin, other.slack_id)
    named.click(standin.last_message_to(other.slack_id), "Amend", opens_modal=True)
    named.submit({"new_mark": {"value": "fully_met"}, "reason": {"value": "Both tests there."}})

    assert deliver_outbox().sent == 3  # the lawyer, the line manager, the lead who marked it
    with bot.uow() as uow:
        challenge = uow.session.scalars(select(Challenge)).one()
        other_id = uow.session.scalar(select(Person.id).where(Person.email == other.email))
        assert (challenge.status, challenge.decided_by) == ("amended", other_id)
    assert standin.violations == []


def test_a_challenge_without_marks_or_reason_is_answered_inline(
    submitted: Player, driver: SlackDriver, standin: SlackStandIn, bot: RunningBot
) -> None:
    submitted.click(submitted.card(), "Challenge a mark", opens_modal=True)

    response = driver.submit_view(LAWYER.slack_id, standin.views_opened[-1], {})

    assert response.json is not None and response.json["response_action"] == "errors"
    assert set(response.json["errors"]) == {"marks", "reason"}
    with bot.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Challenge)) == 0


def test_nobody_else_can_acknowledge_challenge_view_or_decide(
    submitted: Player, driver: SlackDriver, standin: SlackStandIn, bot: RunningBot
) -> None:
    feedback = submitted.card()
    other = Player(driver, standin, OTHER_LAWYER.slack_id)
    views = len(standin.views_opened)
    for label in ("Acknowledge", "Challenge a mark", "View full feedback"):
        other.click(feedback, label)

    notes = [m.text for m in standin.ephemerals_to(OTHER_LAWYER.slack_id)]
    assert notes == [
        "Sorry, only the lawyer this feedback is for can do that.",
        "Sorry, only the lawyer this feedback is for can do that.",
        "Sorry, this feedback is not one you can see.",
    ]
    assert len(standin.views_opened) == views
    with bot.uow() as uow:
        assert uow.session.scalars(select(Feedback.acknowledged_at)).one() is None
        refused = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("refused:%"))
        ).all()
        assert refused == [
            "refused:feedback.acknowledge",
            "refused:challenge.open",
            "refused:feedback.view",
        ]


def test_home_shows_lawyers_their_own_feedback_and_managers_only_their_team(
    inspector: Player,
    assigned: Assigned,
    driver: SlackDriver,
    standin: SlackStandIn,
    bot: RunningBot,
    clock: ManualClock,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    inspector.answer_until(stop=SAFEGUARD)
    inspector.mark("Not met", "No safety plan.")
    inspector.answer_until(partly={**PARTLY, "overall_mark": "The safety gap matters."})
    inspector.click(inspector.card(), "Submit")
    deliver_outbox()
    lawyer = Player(driver, standin, LAWYER.slack_id)
    feedback = next(
        m for m in standin.messages_to(LAWYER.slack_id) if m.text.startswith("Feedback on")
    )
    lawyer.click(feedback, "Challenge a mark", opens_modal=True)
    lawyer.submit(
        {"marks": {"value": ["full_code_test_reasoned"]}, "reason": {"value": "See annex."}}
    )
    submit_inspections(
        bot.uow,
        reviews=[(OTHER_LAWYER.email, OTHER_URN)],
        inspector_email=assigned.inspector.email,
        now=clock(),
    )

    homes = {
        m.name: _home_text(driver, standin, m)
        for m in (LAWYER, OTHER_LAWYER, DEPUTY, MANAGER, OTHER_MANAGER)
    }

    assert URN in homes[LAWYER.name] and OTHER_URN not in homes[LAWYER.name]
    assert OTHER_URN in homes[OTHER_LAWYER.name] and URN not in homes[OTHER_LAWYER.name]
    for manager in (DEPUTY, MANAGER):  # the line manager, and the Unit Head above them
        home = homes[manager.name]
        assert URN in home and OTHER_URN not in home
        assert "Victim protections considered · " not in home  # a label, not the question
        assert "not yet acknowledged" in home and "Victim protections considered" in home
        assert "Does the review apply the Full Code Test with reasons" in home  # the open challenge
    assert OTHER_URN in homes[OTHER_MANAGER.name] and URN not in homes[OTHER_MANAGER.name]
    assert standin.violations == []


def _home_text(driver: SlackDriver, standin: SlackStandIn, member: Member) -> str:
    assert driver.app_home_opened(member.slack_id).status == 200
    standin.wait_for(lambda: standin.has_home_view(member.slack_id))
    return json.dumps(standin.home_view(member.slack_id).blocks)


def test_an_overall_fully_met_beside_a_failed_safeguard_needs_a_reason_before_submit(
    inspector: Player,
    assigned: Assigned,
    driver: SlackDriver,
    standin: SlackStandIn,
    bot: RunningBot,
) -> None:
    inspector.answer_until(stop=SAFEGUARD)
    inspector.mark("Not met", "No safety plan.")
    inspector.answer_until(stop="overall_mark")

    # Fully met overall beside a failed safeguard: the mark opens the reason modal, and an
    # empty reason is answered inline with what disagrees; nothing is stored.
    inspector.click(inspector.card(), "Fully met", opens_modal=True)
    modal = standin.views_opened[-1]
    empty = driver.submit_view(inspector.user, modal, {"reason": {"value": ""}})
    assert empty.json is not None and empty.json["response_action"] == "errors"
    said = json.dumps(empty.json["errors"])
    assert "The overall mark is Fully met, but" in said and "Victim protections" in said
    with bot.uow() as uow:
        stored = uow.session.scalars(
            select(Answer.question_id).where(Answer.inspection_id == assigned.inspection_id)
        ).all()
    assert "overall_mark" not in stored

    inspector.submit({"reason": {"value": "The gap was closed by the police the next day."}})
    inspector.answer_until()
    summary = json.dumps(inspector.card().blocks)
    assert "*Overall mark: Fully met*" in summary
    assert "The overall mark is Fully met, but" not in summary  # explained, so no warning
    inspector.click(inspector.card(), "Submit")
    with bot.uow() as uow:
        inspection = uow.session.get(Inspection, assigned.inspection_id)
        assert inspection is not None and inspection.status == "submitted"


def test_a_manager_acknowledges_and_closes_the_intervention_and_both_copies_show_it(
    inspector: Player,
    driver: SlackDriver,
    standin: SlackStandIn,
    bot: RunningBot,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    inspector.answer_until(stop=SAFEGUARD)
    inspector.mark("Not met", "No safety plan.")
    deliver_outbox()
    deputy, head = (Player(driver, standin, m.slack_id) for m in (DEPUTY, MANAGER))
    assert _button_texts(deputy.card()) == ["Acknowledge", "Record what was done"]

    # Someone it was not sent to is refused, and the refusal is audited.
    other = Player(driver, standin, OTHER_MANAGER.slack_id)
    response = driver.click(other.user, deputy.card(), text="Acknowledge")
    assert response.status == 200
    standin.wait_for(lambda: standin.ephemerals_to(other.user))
    assert "Only the managers this alert was sent to" in standin.ephemerals_to(other.user)[-1].text

    deputy.click(deputy.card(), "Acknowledge")
    standin.wait_for(lambda: deputy.card().edits == 1 and head.card().edits == 1)
    for copy in (deputy.card(), head.card()):
        assert f"Acknowledged by {DEPUTY.name}" in _blocks_text(copy)
        assert _button_texts(copy) == ["Record what was done"]

    head.click(head.card(), "Record what was done", opens_modal=True)
    modal = standin.views_opened[-1]
    empty = driver.submit_view(head.user, modal, {"action": {"value": ""}})
    assert empty.json is not None and empty.json["response_action"] == "errors"
    head.submit(
        {
            "outcome": {"value": "safeguarding_steps_taken"},
            "action": {"value": "Asked the police to review bail conditions today."},
        }
    )
    standin.wait_for(lambda: deputy.card().edits == 2 and head.card().edits == 2)
    for copy in (deputy.card(), head.card()):
        shown = _blocks_text(copy)
        assert f"Closed by {MANAGER.name}" in shown and "Safeguarding steps taken" in shown
        assert "Asked the police to review bail conditions today." in shown
        assert _button_texts(copy) == []
    with bot.uow() as uow:
        alert = uow.session.scalars(select(Alert)).one()
        assert (alert.outcome, alert.closed_at is not None) == ("safeguarding_steps_taken", True)
        actions = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "alert")
        ).all()
    assert actions == [
        "refused:intervention.acknowledge",
        "intervention.acknowledged",
        "intervention.closed",
    ]

    # The inspector passes the safeguard, then fails it again: what the manager recorded stays.
    inspector.click(inspector.card(), "Back")
    inspector.mark("Fully met")
    inspector.click(inspector.card(), "Back")
    inspector.mark("Not met", "No safety plan.")
    with bot.uow() as uow:
        alert = uow.session.scalars(select(Alert)).one()
        assert (alert.outcome, alert.resolved_at) == ("safeguarding_steps_taken", None)
        assert alert.action_taken == "Asked the police to review bail conditions today."
        assert alert.closed_at is not None
    assert standin.violations == []


def test_a_wrong_decision_raises_one_intervention_however_often_the_mark_flips(
    inspector: Player,
    deliver_outbox: Callable[[], DispatchReport],
    standin: SlackStandIn,
    bot: RunningBot,
) -> None:
    inspector.answer_until(stop="charge_decision_correct")
    for _ in range(2):
        inspector.mark("Not met", "The evidence did not meet the Full Code Test.")
        inspector.click(inspector.card(), "Back")
        inspector.mark("Fully met")
        inspector.click(inspector.card(), "Back")
    inspector.mark("Not met", "The evidence did not meet the Full Code Test.")

    deliver_outbox()
    for manager in (DEPUTY, MANAGER):
        texts = _texts(standin, manager)
        assert [t.split(":")[0] for t in texts] == [
            f"Safeguard alert on {URN}",
            f"Safeguard alert on {URN} resolved",
        ]
        assert "the decision itself" in _blocks_text(standin.messages_to(manager.slack_id)[0])
    assert _texts(standin, LAWYER) == [f"A point on your live case {URN} needs attention now"]
    with bot.uow() as uow:
        (alert,) = uow.session.scalars(select(Alert)).all()
        # Open again: the last mark is Not met; the first flip back closed it as mark_changed.
        assert (alert.question_id, alert.closed_at, alert.resolved_at) == (
            "charge_decision_correct",
            None,
            None,
        )


def test_the_national_lead_sees_open_interventions_by_area_and_a_manager_does_not(
    inspector: Player,
    driver: SlackDriver,
    standin: SlackStandIn,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    inspector.answer_until(stop=SAFEGUARD)
    inspector.mark("Not met", "No safety plan.")
    deliver_outbox()

    lead, manager = _home_text(driver, standin, ADMIN), _home_text(driver, standin, MANAGER)

    assert "Open interventions by Area" in lead
    assert "*London North*: 1 open, 1 not yet acknowledged" in lead
    assert URN not in lead  # counts, not cases
    assert "Open interventions by Area" not in manager
