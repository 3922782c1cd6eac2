"""A safeguard alert whose question stops applying, through the real app and the stand-in.

No shipped safeguard depends on a condition, but the schema allows one and any published
version may have one: here a version 2 of the shipped questionnaire asks first whether an ISVA
referral is relevant, and only then whether the ISVA offer is recorded (a critical question).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from support.inspection_support import Conversation, button_texts, start
from support.slack_world import MANAGER, URN, Assigned, Member, RunningBot

from bot.clock import ManualClock
from bot.jobs.outbox import DispatchReport
from bot.offline.driver import SlackDriver
from bot.offline.standin import SlackStandIn
from questionnaires.loader import (
    content_hash,
    default_questionnaire_path,
    load_questionnaire,
    validate_document,
)
from storage.models import Alert, AuditEvent
from storage.questionnaire_versions import publish_questionnaire

GATE = "protections_relevant"
SAFEGUARD = "safeguarding_considered"


def _with_conditional_safeguard() -> dict[str, Any]:
    _, shipped = load_questionnaire(default_questionnaire_path())
    document = copy.deepcopy(shipped)
    document["version"] = shipped["version"] + 1
    questions = next(s for s in document["sections"] if s["id"] == "victim_safety")["questions"]
    at = next(n for n, q in enumerate(questions) if q["id"] == SAFEGUARD)
    questions[at]["enabled_when"] = [{"question": GATE, "answer_in": ["yes"]}]
    questions.insert(
        at,
        {
            "id": GATE,
            "kind": "yes_no",
            "scale": "yes_no",
            "text": "Do the victim's safety and protections arise at this stage of the case?",
            "source": questions[at]["source"],
        },
    )
    assert validate_document(document) == []
    return document


@pytest.fixture
def directory(
    directory: tuple[Member, ...], bot: RunningBot, clock: ManualClock
) -> tuple[Member, ...]:
    """The directory, and the conditional questionnaire published before any review is seeded."""
    document = _with_conditional_safeguard()
    with bot.uow() as uow:
        publish_questionnaire(
            uow.session,
            questionnaire_id=document["id"],
            version=document["version"],
            content=document,
            content_hash=content_hash(document),
            now=clock(),
        )
        uow.commit()
    return directory


def _pass_until(talk: Conversation, question_id: str) -> None:
    while talk.question_id() != question_id:
        texts = button_texts(talk.card())
        talk.answer("Fully met" if "Fully met" in texts else "No")


def _back_to(talk: Conversation, question_id: str) -> None:
    while talk.question_id() != question_id:
        talk.click(talk.card(), text="Back")


def _texts(standin: SlackStandIn, member: Member) -> list[str]:
    return [m.text for m in standin.messages_to(member.slack_id)]


def _alert_audit(bot: RunningBot) -> list[tuple[str, bool]]:
    with bot.uow() as uow:
        rows = uow.session.execute(
            select(AuditEvent.action, AuditEvent.details)
            .where(AuditEvent.action.like("alert.%"))
            .order_by(AuditEvent.id)
        )
        return [(action, bool(details.get("no_longer_applies"))) for action, details in rows]


def test_a_safeguard_that_stops_applying_resolves_its_alert_once(
    bot: RunningBot,
    assigned: Assigned,
    driver: SlackDriver,
    standin: SlackStandIn,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    talk = start(assigned, driver, standin)
    _pass_until(talk, GATE)
    talk.answer("Yes")
    assert talk.question_id() == SAFEGUARD
    talk.submit(
        talk.open_modal(text="Not met"), {"reason": {"value": "No protections considered on file."}}
    )
    assert deliver_outbox().sent == 2  # the manager (who heads the unit) and the lawyer

    _back_to(talk, GATE)
    talk.answer("No")  # the safeguard no longer applies

    assert deliver_outbox().sent == 1
    alert_text, resolved_text = f"Safeguard alert on {URN}: ", f"Safeguard alert on {URN} resolved"
    texts = _texts(standin, MANAGER)
    assert [t.startswith(alert_text) for t in texts] == [True, False]
    assert texts[1] == f"{resolved_text}: now Not applicable"
    resolved = standin.last_message_to(MANAGER.slack_id)
    assert "No protections considered on file." not in str(resolved.blocks)  # the Not met's reason
    assert "does not apply to the review" in str(resolved.blocks)
    assert "has changed the mark" not in str(resolved.blocks)
    assert "protections the victim needs" in str(resolved.blocks)

    # On again (the Not met is still stored: the alert reopens, silently), then off again.
    _back_to(talk, GATE)
    talk.answer("Yes")
    with bot.uow() as uow:
        assert uow.session.scalars(select(Alert.resolved_at)).all() == [None]
    _back_to(talk, GATE)
    talk.answer("No")

    assert deliver_outbox() == DispatchReport()
    assert _texts(standin, MANAGER) == texts
    with bot.uow() as uow:
        alerts = uow.session.scalars(select(Alert)).all()
        assert [(a.question_id, a.resolved_at is not None) for a in alerts] == [(SAFEGUARD, True)]
    assert _alert_audit(bot) == [
        ("alert.raised", False),
        ("alert.resolved", True),
        ("alert.reopened", False),
        ("alert.resolved", True),
    ]
