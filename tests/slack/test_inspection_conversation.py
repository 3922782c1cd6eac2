"""The inspector's conversation, through the real app, signed requests and the Slack stand-in."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_world import Assigned, RunningBot
from sqlalchemy import func, select

from bot.slack_driver import Response, SlackDriver
from bot.slack_standin import Message, SlackStandIn
from storage.models import Answer, AnswerRevision, AuditEvent, Inspection


class Conversation:
    """Plays the assigned inspector: reads the card the bot last showed and clicks on it."""

    def __init__(self, driver: SlackDriver, standin: SlackStandIn, user_id: str) -> None:
        self.driver, self.standin, self.user = driver, standin, user_id

    def card(self) -> Message:
        return self.standin.last_message_to(self.user)

    def _snapshot(self) -> tuple[int, str, int]:
        messages = self.standin.messages_to(self.user)
        return len(messages), messages[-1].ts, messages[-1].edits

    def click(
        self,
        surface: Message,
        *,
        text: str | None = None,
        action_id: str | None = None,
        wait: bool = True,
    ) -> Response:
        before = self._snapshot()
        response = self.driver.click(self.user, surface, text=text, action_id=action_id)
        assert response.status == 200, response.body
        if wait:
            self.standin.wait_for(lambda: self._snapshot() != before)
        return response

    def question_id(self) -> str:
        return str(_value_of_first_button(self.card(), "inspection.")["q"])

    def position(self) -> str:
        return _context_text(self.card())

    def answer(self, label: str) -> None:
        self.click(self.card(), text=label)

    def write(self, text: str) -> None:
        before_views = len(self.standin.views_opened)
        self.click(self.card(), text="Write answer", wait=False)
        self.standin.wait_for(lambda: len(self.standin.views_opened) > before_views)
        view = self.standin.views_opened[-1]
        before = self._snapshot()
        response = self.driver.submit_view(self.user, view, {"text": {"value": text}})
        assert response.status == 200, response.body
        self.standin.wait_for(lambda: self._snapshot() != before)

    def answer_all_passing(self) -> None:
        """Fully met for marks, No for gates, a sentence for free text, until the summary."""
        while "Check your answers" not in self.card().text:
            labels = _button_texts(self.card())
            if "Write answer" in labels:
                self.write("Keep the rationale for each action-plan task on the file.")
            elif "Fully met" in labels:
                self.answer("Fully met")
            else:
                self.answer("No")


def _buttons(message: Message) -> list[dict[str, Any]]:
    found = []
    for block in message.blocks:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        accessory = block.get("accessory")
        if accessory and accessory.get("type") == "button":
            found.append(accessory)
    return found


def _button_texts(message: Message) -> list[str]:
    return [b["text"]["text"] for b in _buttons(message)]


def _value_of_first_button(message: Message, prefix: str) -> dict[str, Any]:
    button = next(
        b
        for b in _buttons(message)
        if b["action_id"].startswith("inspection.answer") or b["action_id"] == "inspection.write"
    )
    value: dict[str, Any] = json.loads(button["value"])
    return value


def _context_text(message: Message) -> str:
    block = next(b for b in message.blocks if b["type"] == "context")
    return " ".join(e.get("text", "") for e in block["elements"])


def _start(assigned: Assigned, driver: SlackDriver, standin: SlackStandIn) -> Conversation:
    talk = Conversation(driver, standin, assigned.inspector.slack_id)
    talk.click(assigned.message, text="Start inspection", wait=False)
    # The first question is posted, then the assignment message loses its buttons.
    standin.wait_for(
        lambda: (
            len(standin.messages_to(talk.user)) == 2
            and standin.messages_to(talk.user)[0].edits == 1
        )
    )
    return talk


def _inspection(bot: RunningBot, inspection_id: int) -> Inspection:
    with bot.uow() as uow:
        found = uow.session.get(Inspection, inspection_id)
        assert found is not None
        return found


def _count(bot: RunningBot, model: type, inspection_id: int) -> int:
    with bot.uow() as uow:
        return int(
            uow.session.scalar(
                select(func.count()).select_from(model).where(model.inspection_id == inspection_id)  # type: ignore[attr-defined]
            )
            or 0
        )


def test_full_inspection_from_assignment_to_submit(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = _start(assigned, driver, standin)
    started = standin.messages_to(assigned.inspector.slack_id)[0]
    assert "Start inspection" not in _button_texts(started)
    first = talk.card()
    assert "Question 1 of" in _context_text(first)
    assert {"Yes", "No"} <= set(_button_texts(first))

    talk.answer_all_passing()
    summary = talk.card()
    assert "100.0%" in json.dumps(summary.blocks)
    talk.click(summary, text="Submit")

    assert "Inspection submitted" in talk.card().text or "submitted" in talk.card().text
    assert "Submit" not in _button_texts(talk.card())
    inspection = _inspection(bot, assigned.inspection_id)
    assert inspection.status == "submitted"
    assert inspection.score == 1.0
    assert standin.violations == []


def test_scale_questions_offer_exactly_the_scale_labels(
    assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = _start(assigned, driver, standin)
    talk.answer("No")  # no early-advice meeting: the meeting question follows
    labels = _button_texts(talk.card())
    assert labels[:4] == ["Fully met", "Partially met", "Not met", "Not applicable"]


def test_a_mark_needing_a_reason_opens_a_modal_that_insists_on_the_reason(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = _start(assigned, driver, standin)
    talk.answer("No")
    question = talk.question_id()
    talk.click(talk.card(), text="Not met", wait=False)
    standin.wait_for(lambda: standin.views_opened)
    modal = standin.views_opened[-1]

    empty = driver.submit_view(talk.user, modal, {"reason": {"value": ""}})
    assert empty.status == 200
    assert empty.json is not None and empty.json["response_action"] == "errors"
    assert "reason" in empty.json["errors"]
    assert _count(bot, Answer, assigned.inspection_id) == 1  # only the gate so far

    before = talk._snapshot()
    done = driver.submit_view(
        talk.user, standin.view(modal.id), {"reason": {"value": "No meeting offer on file."}}
    )
    assert done.status == 200
    standin.wait_for(lambda: talk._snapshot() != before)
    with bot.uow() as uow:
        stored = uow.session.scalars(
            select(Answer).where(
                Answer.inspection_id == assigned.inspection_id, Answer.question_id == question
            )
        ).one()
        assert (stored.option_code, stored.reason) == ("not_met", "No meeting offer on file.")
    assert talk.question_id() != question


def test_back_and_changing_an_earlier_answer(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = _start(assigned, driver, standin)
    talk.answer("Yes")  # there was an early-advice meeting: the meeting question is skipped
    second = talk.question_id()
    talk.click(talk.card(), text="Back")
    assert talk.question_id() == "pcd_ea_meeting_held"
    talk.answer("No")
    assert talk.question_id() == "pcd_meeting_offered_recorded"
    assert second != "pcd_meeting_offered_recorded"
    with bot.uow() as uow:
        revisions = uow.session.scalars(
            select(AnswerRevision.option_code)
            .where(AnswerRevision.inspection_id == assigned.inspection_id)
            .order_by(AnswerRevision.id)
        ).all()
    assert revisions == ["yes", "no"]


def test_a_condition_brings_a_question_in_and_takes_it_out(
    assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = _start(assigned, driver, standin)
    talk.answer("Yes")
    while talk.question_id() != "ccb_relevant":
        talk.answer("Fully met")
    total_without = talk.position().rsplit(" of ", 1)[1]
    talk.answer("Yes")
    assert talk.question_id() == "ccb_addressed"
    total_with = talk.position().rsplit(" of ", 1)[1]
    assert int(total_with) == int(total_without) + 1
    talk.click(talk.card(), text="Back")
    talk.answer("No")
    assert talk.question_id() == "intoxication_relevant"
    assert talk.position().rsplit(" of ", 1)[1] == total_without


def test_pause_and_resume_after_the_app_is_rebuilt(
    bot: RunningBot,
    assigned: Assigned,
    driver: SlackDriver,
    standin: SlackStandIn,
    serve_bot: Callable[[], RunningBot],
) -> None:
    talk = _start(assigned, driver, standin)
    talk.answer("Yes")
    where = talk.question_id()
    talk.click(talk.card(), text="Pause")
    assert "paused" in talk.card().text.lower()
    assert _inspection(bot, assigned.inspection_id).status == "paused"

    rebuilt = serve_bot()
    talk.driver = SlackDriver(
        rebuilt.events_url, signing_secret=driver.signing_secret, standin=standin
    )
    talk.click(talk.card(), text="Resume")
    assert talk.question_id() == where
    assert _inspection(rebuilt, assigned.inspection_id).status == "in_progress"


def test_double_clicks_and_slack_retries_record_one_answer(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    talk = _start(assigned, driver, standin)
    card = talk.card()
    first = talk.click(card, text="Yes")
    again = driver.click(talk.user, card, text="Yes")  # the same old card, clicked again
    retried = driver.resend(first.sent, retry_num=1, retry_reason="http_timeout")
    assert (again.status, retried.status) == (200, 200)
    standin.wait_for(lambda: len(standin.ephemerals_to(talk.user)) >= 2)
    assert _count(bot, AnswerRevision, assigned.inspection_id) == 1
    notes = [m.text for m in standin.ephemerals_to(talk.user)]
    assert all("nothing was changed" in note for note in notes)


def test_another_user_cannot_work_on_an_inspectors_review(
    bot: RunningBot, assigned: Assigned, driver: SlackDriver, standin: SlackStandIn
) -> None:
    intruder = assigned.other.slack_id
    response = driver.click(intruder, assigned.message, text="Start inspection")
    assert response.status == 200
    standin.wait_for(lambda: standin.ephemerals_to(intruder))
    assert "only the inspector assigned" in standin.ephemerals_to(intruder)[0].text
    assert _inspection(bot, assigned.inspection_id).status == "assigned"
    with bot.uow() as uow:
        refusals = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("refused:%"))
        ).all()
    assert refusals == ["refused:start"]
