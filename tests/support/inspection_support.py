"""Plays the assigned inspector through the real app: reads the card the bot last showed in
their DM (as the stand-in holds it), clicks on it, and fills in the modals it opens."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from bot.offline.driver import Response, SlackDriver
from bot.offline.standin import Message, SlackStandIn, StoredView
from storage.models import Inspection
from support.slack_world import Assigned, RunningBot

LEARNING = "Keep the rationale for each action-plan task on the file."


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

    def open_modal(self, *, text: str) -> StoredView:
        """Click a button on the card that opens a modal; the modal as Slack shows it."""
        before_views = len(self.standin.views_opened)
        self.click(self.card(), text=text, wait=False)
        self.standin.wait_for(lambda: len(self.standin.views_opened) > before_views)
        return self.standin.views_opened[-1]

    def submit(self, view: StoredView, values: Mapping[str, Mapping[str, Any]]) -> Response:
        """Submit the modal and wait until the card it came from has changed."""
        before = self._snapshot()
        response = self.driver.submit_view(self.user, view, values)
        assert response.status == 200, response.body
        assert response.json is None, response.body  # closed, no inline errors
        self.standin.wait_for(lambda: self._snapshot() != before)
        return response

    def question_id(self) -> str:
        return str(first_question_button_value(self.card())["q"])

    def position(self) -> str:
        return context_text(self.card())

    def answer(self, label: str) -> None:
        self.click(self.card(), text=label)

    def write(self, text: str) -> None:
        self.submit(self.open_modal(text="Write answer"), {"text": {"value": text}})

    def answer_all_passing(self, seen: list[str] | None = None) -> None:
        """Fully met for marks, No for gates, a sentence for free text, until the summary;
        the id of each question asked is added to `seen`."""
        while "Check your answers" not in self.card().text:
            if seen is not None:
                seen.append(self.question_id())
            labels = button_texts(self.card())
            if "Write answer" in labels:
                self.write(LEARNING)
            elif "Fully met" in labels:
                self.answer("Fully met")
            else:
                self.answer("No")


def buttons(message: Message) -> list[dict[str, Any]]:
    found = []
    for block in message.blocks:
        found += [e for e in block.get("elements", []) if e.get("type") == "button"]
        accessory = block.get("accessory")
        if accessory and accessory.get("type") == "button":
            found.append(accessory)
    return found


def button_texts(message: Message) -> list[str]:
    return [b["text"]["text"] for b in buttons(message)]


def first_question_button_value(message: Message) -> dict[str, Any]:
    button = next(
        b
        for b in buttons(message)
        if b["action_id"].startswith("inspection.answer") or b["action_id"] == "inspection.write"
    )
    value: dict[str, Any] = json.loads(button["value"])
    return value


def context_text(message: Message) -> str:
    block = next(b for b in message.blocks if b["type"] == "context")
    return " ".join(e.get("text", "") for e in block["elements"])


def start(assigned: Assigned, driver: SlackDriver, standin: SlackStandIn) -> Conversation:
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


def stored_inspection(bot: RunningBot, inspection_id: int) -> Inspection:
    with bot.uow() as uow:
        found = uow.session.get(Inspection, inspection_id)
        assert found is not None
        return found


def count_rows(bot: RunningBot, model: type, inspection_id: int) -> int:
    with bot.uow() as uow:
        return int(
            uow.session.scalar(
                select(func.count()).select_from(model).where(model.inspection_id == inspection_id)  # type: ignore[attr-defined]
            )
            or 0
        )
