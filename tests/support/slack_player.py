"""One Slack user played through the driver: clicks on what the bot last showed them, fills
in modals, and walks an inspection through with passing marks (for tests in tests/slack/)."""

from __future__ import annotations

import json
from typing import Any

from bot.offline.driver import SlackDriver
from bot.offline.standin import Message, SlackStandIn


class Player:
    """Plays one Slack user: clicks on what the bot last showed them and fills in modals."""

    def __init__(self, driver: SlackDriver, standin: SlackStandIn, user: str) -> None:
        self.driver, self.standin, self.user = driver, standin, user

    def card(self) -> Message:
        return self.standin.last_message_to(self.user)

    def _seen(self) -> tuple[tuple[tuple[str, int], ...], int]:
        """Every message's version and the number of ephemeral notes: any change shows."""
        messages = tuple((m.ts, m.edits) for m in self.standin.messages_to(self.user))
        return messages, len(self.standin.ephemerals_to(self.user))

    def click(self, surface: Message, text: str, *, opens_modal: bool = False) -> None:
        before, views = self._seen(), len(self.standin.views_opened)
        response = self.driver.click(self.user, surface, text=text)
        assert response.status == 200, response.body
        if opens_modal:
            self.standin.wait_for(lambda: len(self.standin.views_opened) > views)
        else:
            self.standin.wait_for(lambda: self._seen() != before)

    def submit(self, values: dict[str, dict[str, Any]]) -> None:
        before = self._seen()
        response = self.driver.submit_view(self.user, self.standin.views_opened[-1], values)
        assert response.status == 200 and response.json is None, response.body
        self.standin.wait_for(lambda: self._seen() != before)

    def question_id(self) -> str:
        for block in self.card().blocks:
            for element in block.get("elements", []):
                if str(element.get("action_id", "")).startswith(
                    ("inspection.answer:", "inspection.write")
                ):
                    return str(json.loads(element["value"])["q"])
        return ""

    def mark(self, label: str, reason: str | None = None) -> None:
        if reason is None:
            self.click(self.card(), label)
            return
        self.click(self.card(), label, opens_modal=True)
        self.submit({"reason": {"value": reason}})

    def answer_until(self, stop: str | None = None, partly: dict[str, str] | None = None) -> None:
        """Passing marks (Partially met where asked) until the stop question or the summary."""
        while "Check your answers" not in self.card().text and self.question_id() != stop:
            question, texts = self.question_id(), button_texts(self.card())
            if partly and question in partly:
                self.mark("Partially met", partly[question])
            elif "Write answer" in texts:
                self.click(self.card(), "Write answer", opens_modal=True)
                self.submit({"text": {"value": "Keep the rationale for each task on file."}})
            else:
                self.mark("Fully met" if "Fully met" in texts else "No")


def button_texts(message: Message) -> list[str]:
    return [
        e["text"]["text"]
        for b in message.blocks
        for e in [*b.get("elements", []), b.get("accessory") or {}]
        if e.get("type") == "button"
    ]
