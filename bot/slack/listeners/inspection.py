"""Listeners for the inspector's conversation: thin translations from Slack to the flow services.

Each listener parses the payload, calls one service (which checks who is asking, commits the
change and returns the new state), acknowledges, and then shows the new card. An answer is
therefore committed before Slack hears the click was received.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import refusals
from bot.refusals import InvalidInput, Refused
from bot.services.assignment.assign import assignment_message_of
from bot.services.inspection import flow
from bot.services.inspection.state import FlowState
from bot.slack.blocks import actions
from bot.slack.blocks.actions import read_click, read_submission
from bot.slack.blocks.assignment import assignment_message
from bot.slack.blocks.prompts import answer_modal
from bot.slack.blocks.viewmodels import AssignmentCard
from bot.slack.cards import card_for, question_view, review_info
from bot.slack.context import BotContext
from bot.slack.listeners.home import HomeTab
from bot.slack.listeners.notes import (
    message_of,
    tell,
    tell_clicker,
    updatable_message_of,
    update_message,
)
from inspections.answers import Answer
from storage.uow import UnitOfWork

Body = Mapping[str, Any]

# Actions that change the card in place, by the service that handles them.
CARD_SERVICES: dict[str, Callable[[UnitOfWork, flow.CardClick], FlowState]] = {
    actions.BACK: flow.back,
    actions.PAUSE: flow.pause,
    actions.RESUME: flow.resume,
    actions.REVIEW: flow.review,
    actions.SUBMIT: flow.submit,
}


def register(app: App, ctx: BotContext) -> None:
    listeners = InspectionListeners(ctx)
    app.action(actions.START)(listeners.on_start)
    for action_id in CARD_SERVICES:
        app.action(action_id)(listeners.on_card_action)
    app.action(actions.ANSWER_ACTION)(listeners.on_answer_button)
    app.action(actions.ANSWER_WITH_NOTE)(listeners.on_open_modal)
    app.action(actions.WRITE)(listeners.on_open_modal)
    app.action(actions.EDIT_ACTION)(listeners.on_edit)
    app.view(actions.ANSWER_MODAL)(listeners.on_answer_modal)


class InspectionListeners:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx
        self.timezone = ctx.settings.timezone.key

    def _click(self, body: Body) -> tuple[actions.Click, flow.CardClick]:
        click = read_click(body["actions"][0])
        card_click = flow.CardClick(
            actor_slack_id=body["user"]["id"],
            inspection_id=click.value.inspection_id,
            card_version=click.value.card_version,
            now=self.ctx.clock(),
            timezone=self.timezone,
        )
        return click, card_click

    def on_start(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            _, click = self._click(body)
            state = flow.start(self.ctx.uow(), click)
        except Refused as refusal:
            ack()
            tell_clicker(client, body, str(refusal))
            return
        ack()
        # The first question comes first; then the Home tab, if Start was clicked there, and
        # the assignment message in the DM lose their Start, wherever Start was clicked (the
        # assignment message, a reminder, the queue, the Home tab). Only the assignment
        # message is changed: a reminder or the queue is left as it was sent.
        _post(client, body["user"]["id"], card_for(state, timezone=self.timezone))
        self._refresh_home(client, body)
        delivered = self._assignment_message(state.inspection_id)
        if delivered is not None:
            started = AssignmentCard(
                state.inspection_id,
                state.card_version,
                review_info(state, self.timezone),
                state="started",
            )
            update_message(client, *delivered, assignment_message(started))

    def _assignment_message(self, inspection_id: int) -> tuple[str, str] | None:
        with self.ctx.uow() as uow:
            return assignment_message_of(uow.session, inspection_id)

    def _refresh_home(self, client: WebClient, body: Body) -> None:
        """A click on the App Home changed the queue it shows: publish it again, so that its
        buttons are not left out of date."""
        if (body.get("view") or {}).get("type") == "home":
            user_id = str(body["user"]["id"])
            client.views_publish(user_id=user_id, view=HomeTab(self.ctx).view_for(user_id))

    def on_card_action(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            click, card_click = self._click(body)
            state = CARD_SERVICES[click.action](self.ctx.uow(), card_click)
        except Refused as refusal:
            ack()
            tell_clicker(client, body, str(refusal))
            return
        ack()
        self._show(client, body, state)

    def on_edit(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            click, card_click = self._click(body)
            state = flow.edit(self.ctx.uow(), card_click, click.value.question_id or "")
        except Refused as refusal:
            ack()
            tell_clicker(client, body, str(refusal))
            return
        ack()
        self._show(client, body, state)

    def on_answer_button(self, ack: Ack, body: Body, client: WebClient) -> None:
        """A mark button: recorded at once, unless the mark needs a reason (then a modal)."""
        try:
            click, card_click = self._click(body)
            question_id, code = click.value.question_id or "", click.value.option_code or ""
            outcome = flow.mark(self.ctx.uow(), card_click, question_id, code)
        except (Refused, KeyError) as refusal:
            ack()
            tell_clicker(client, body, _refusal_text(refusal))
            return
        ack()
        if isinstance(outcome, flow.ReasonNeeded):
            self._open_modal(client, body, outcome.state, question_id, code)
        else:
            self._show(client, body, outcome)

    def on_open_modal(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            click, card_click = self._click(body)
            state = flow.peek(self.ctx.uow(), card_click, "answer")
        except Refused as refusal:
            ack()
            tell_clicker(client, body, str(refusal))
            return
        ack()
        self._open_modal(client, body, state, click.value.question_id or state.current or "", None)

    def _open_modal(
        self,
        client: WebClient,
        body: Body,
        state: FlowState,
        question_id: str,
        option_code: str | None,
    ) -> None:
        question = state.questionnaire.question(question_id)
        position, total = state.position()
        card = question_view(state, review_info(state, self.timezone), question, position, total)
        channel, ts = message_of(body)
        view = answer_modal(card, channel=channel or "", ts=ts or "", option_code=option_code)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_answer_modal(self, ack: Ack, body: Body, client: WebClient) -> None:
        view = body["view"]
        try:
            meta = actions.decode_metadata(view.get("private_metadata"))
            submitted = read_submission(view)
        except Refused as refusal:
            ack()
            tell(client, body["user"]["id"], None, str(refusal))
            return
        click = flow.CardClick(
            body["user"]["id"],
            meta.inspection_id,
            meta.card_version,
            self.ctx.clock(),
            timezone=self.timezone,
        )
        given = Answer(
            question_id=meta.question_id or "",
            option_code=meta.option_code or submitted.option_code,
            text=submitted.text,
            reason=submitted.reason,
            comment=submitted.comment,
        )
        try:
            state = flow.answer(self.ctx.uow(), click, given)
        except InvalidInput as invalid:
            ack(
                response_action="errors",
                errors=_inline_errors(invalid.problems, view, with_option=meta.option_code is None),
            )
            return
        except Refused as refusal:
            ack()
            tell(client, body["user"]["id"], None, str(refusal))
            return
        ack()
        update_message(client, meta.channel, meta.ts, card_for(state, timezone=self.timezone))

    def _show(self, client: WebClient, body: Body, state: FlowState) -> None:
        """Replace the clicked card; a click from the queue or App Home gets a new card."""
        payload = card_for(state, timezone=self.timezone)
        channel, ts = updatable_message_of(body)
        if channel and ts:
            update_message(client, channel, ts, payload)
        else:
            _post(client, body["user"]["id"], payload)
        self._refresh_home(client, body)


def _post(client: WebClient, user_id: str, payload: Mapping[str, Any]) -> None:
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=channel, text=payload["text"], blocks=payload["blocks"])


def _refusal_text(refusal: Exception) -> str:
    if isinstance(refusal, KeyError):
        return refusals.NOT_IN_INSPECTION
    return str(refusal)


def _inline_errors(
    problems: list[str], view: Mapping[str, Any], *, with_option: bool
) -> dict[str, str]:
    """Put each problem under the input it is about; Slack only accepts existing block ids."""
    present = {block.get("block_id") for block in view.get("blocks", [])}
    errors: dict[str, str] = {}
    for problem in problems:
        lowered = problem.lower()
        if "reason" in lowered and actions.REASON_BLOCK in present:
            target = actions.REASON_BLOCK
        elif "written answer" in lowered and actions.TEXT_BLOCK in present:
            target = actions.TEXT_BLOCK
        elif with_option and actions.OPTION_BLOCK in present:
            target = actions.OPTION_BLOCK
        else:
            target = next(
                b
                for b in (actions.REASON_BLOCK, actions.TEXT_BLOCK, actions.COMMENT_BLOCK)
                if b in present
            )
        errors[target] = f"{errors[target]} {problem}" if target in errors else problem
    return errors
