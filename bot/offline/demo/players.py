"""Slack users played by the driver: each clicks a button the bot actually posted (found by its
label), fills in the modal it opens, or types a slash command, then waits until the bot's
answer shows in what that user sees."""

from __future__ import annotations

import json
import random
from collections.abc import Hashable
from typing import Any

from bot.offline.demo.cast import Member
from bot.offline.driver import Response, SlackDriver
from bot.offline.standin import Message, SlackStandIn, StoredView


class DemoStepFailed(RuntimeError):
    """A step of the demo did not do what it should: the demo stops and exits non-zero."""


def check(condition: bool, what: str) -> None:
    if not condition:
        raise DemoStepFailed(what)


class Player:
    def __init__(self, member: Member, driver: SlackDriver, standin: SlackStandIn) -> None:
        self.member, self.driver, self.standin = member, driver, standin

    @property
    def user(self) -> str:
        return self.member.slack_id

    def messages(self) -> list[Message]:
        return self.standin.messages_to(self.user)

    def card(self) -> Message:
        return self.standin.last_message_to(self.user)

    def click(self, surface: Message | StoredView, label: str) -> StoredView | None:
        """Click the button labelled ``label``; the modal it opened, if it opened one."""
        before, views = self._seen(), len(self._modals())
        self._ok(self.driver.click(self.user, surface, text=label), f"clicking {label!r}")
        self.standin.wait_for(lambda: self._seen() != before or len(self._modals()) > views)
        opened = self._modals()[views:]
        return opened[-1] if opened else None

    def _modals(self) -> list[StoredView]:
        """Modals opened for this user (others may be clicking at the same time)."""
        return self.standin.modals_opened_for(self.user)

    def submit(self, view: StoredView, values: dict[str, Any]) -> None:
        before = self._seen()
        response = self.driver.submit_view(self.user, view, values)
        self._ok(response, f"submitting {view.callback_id}")
        check(response.json is None, f"{view.callback_id} was refused: {response.body}")
        self.standin.wait_for(lambda: self._seen() != before)

    def click_and_fill(self, surface: Message, label: str, values: dict[str, Any]) -> None:
        view = self.click(surface, label)
        check(view is not None, f"{label!r} opened no modal for {self.member.name}")
        assert view is not None
        self.submit(view, values)

    def command(self, text: str) -> None:
        before = self._seen()
        self._ok(self.driver.slash_command(self.user, "/dip", text), f"/dip {text}")
        self.standin.wait_for(lambda: self._seen() != before)

    def open_home(self) -> StoredView:
        self._ok(self.driver.app_home_opened(self.user), "opening the App Home")
        self.standin.wait_for(lambda: self.standin.has_home_view(self.user))
        return self.standin.home_view(self.user)

    def _seen(self) -> Hashable:
        """Everything this user could see change: messages and their edits, ephemeral notes,
        replies to their commands and files shared with them."""
        return (
            self.standin.message_marks_to(self.user),
            len(self.standin.ephemerals_to(self.user)),
            len(self.standin.responses),
            len(self.standin.files),
        )

    def _ok(self, response: Response, what: str) -> None:
        check(response.status == 200, f"{self.member.name}: {what} got {response.status}")


class Inspector(Player):
    """Marks the question on the current card: mostly Fully met, with a seeded share of
    Partially met and Not met (each with a reason), Yes to some gate questions (so conditional
    questions appear), a sentence for free text, and now and then a note of good practice."""

    def __init__(
        self, member: Member, driver: SlackDriver, standin: SlackStandIn, *, seed: int
    ) -> None:
        super().__init__(member, driver, standin)
        self.rng = random.Random(seed)
        self.pinned: str | None = None  # the ts of the inspection card being worked on
        # A critical question failed in the inspection being marked: the overall mark follows.
        self.critical_failed = False

    def pin(self, ts: str) -> None:
        """Work on this card: it is updated in place, while reminders may arrive below it."""
        self.pinned = ts

    def start(self, assignment: Message) -> None:
        """Start inspection on an assignment message, and work on the card it posts. Waits for
        the assignment message's own update too, so no later wait mistakes it for an answer."""
        before = {ts for ts, _ in self.standin.message_marks_to(self.user)}
        self.click(assignment, "Start inspection")
        posted = self.standin.wait_for(
            lambda: [ts for ts, _ in self.standin.message_marks_to(self.user) if ts not in before]
        )
        self.standin.wait_for(lambda: self._edits(assignment.ts) > assignment.edits)
        self.pin(posted[-1])

    def _edits(self, ts: str) -> int:
        return dict(self.standin.message_marks_to(self.user))[ts]

    def card(self) -> Message:
        if self.pinned is None:
            return super().card()
        return self.standin.message_to(self.user, self.pinned)

    def summary_score(self) -> str:
        """The summary card's overall score, as its text states it."""
        return self.card().text.rpartition(": ")[2]

    def question_id(self) -> str | None:
        for button in _buttons(self.card()):
            if button["action_id"].startswith(("inspection.answer", "inspection.write")):
                return str(json.loads(button["value"])["q"])
        return None

    def on_summary(self) -> bool:
        return "Check your answers" in self.card().text

    def answer(self, label: str, reason: str | None = None) -> None:
        self._on_card(label, {"reason": {"value": reason}} if reason is not None else None)

    def _on_card(self, label: str, modal_values: dict[str, Any] | None) -> None:
        """Click ``label`` on the card, fill in the modal if one opens, and wait until the card
        itself shows the result (other messages may change meanwhile)."""
        card = self.card()
        opened = self.click(card, label)
        if opened is not None:
            check(modal_values is not None, f"{label!r} asked {self.member.name} for a reason")
            assert modal_values is not None
            self.submit(opened, modal_values)
        self.standin.wait_for(lambda: self._edits(card.ts) > card.edits)

    def answer_current(self, *, critical: bool) -> tuple[str, str]:
        """Answers the question on the card with a varied mark; (question id, label)."""
        question, labels = self.question_id() or "", button_labels(self.card())
        if "Write answer" in labels:
            written: str | None = self.rng.choice(LEARNING_POINTS)
            if question == "good_practice":  # optional: a note now and then, else left blank
                written = self.rng.choice(GOOD_PRACTICE) if self.rng.random() < 0.3 else None
            self._on_card("Write answer", {"text": {"value": written}})
            return question, "Write answer"
        if question == "overall_mark" and self.critical_failed:
            self.critical_failed = False
            self.answer("Not met", "A safeguard was missed on a live case.")
            return question, "Not met"
        if "Fully met" not in labels:
            label = "Yes" if self.rng.random() < 0.3 else "No"
            self.answer(label)
            return question, label
        draw = self.rng.random()
        if draw < 0.18 and "Partially met" in labels:
            label, reason = "Partially met", self.rng.choice(PARTLY_REASONS)
        elif draw < 0.24 and not critical and "Not met" in labels:
            label, reason = "Not met", self.rng.choice(NOT_MET_REASONS)
        else:
            label, reason = "Fully met", None
        self.answer(label, reason)
        return question, label


LEARNING_POINTS = (
    "Record the rationale for each action-plan task alongside the task itself.",
    "Set out the suspect-focused strategy before turning to the victim's account.",
    "Issue third-party material requests together, each with its reason.",
    "Record the ISVA offer and the special measures considered in the review itself.",
)
GOOD_PRACTICE = (
    "The review challenged a rape myth in the defence account head on, with the evidence.",
    "Special measures were considered early and explained to the police in plain terms.",
    "Each third-party request was tied to a live issue, so none went out on a fishing trip.",
)
PARTLY_REASONS = (
    "Considered, but the reasoning is not recorded in the review.",
    "Addressed in part; the plan does not say why each task is needed.",
    "Covered briefly; it does not connect to the evidential picture.",
)
NOT_MET_REASONS = (
    "Not addressed anywhere in the review.",
    "The review does not show that this was considered.",
)


def _buttons(message: Message) -> list[dict[str, Any]]:
    found = []
    for block in message.blocks:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("type") == "button":
                found.append(element)
    return found


def button_labels(message: Message) -> list[str]:
    return [b["text"]["text"] for b in _buttons(message)]
