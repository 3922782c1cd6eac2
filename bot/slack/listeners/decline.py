"""Declining an assignment: the Decline button opens a modal asking why; submitting it hands
the inspection on (bot.services.assignment.assign.decline_inspection) and marks the message
declined.

Only the assigned inspector gets the modal; anyone else gets a polite, audited refusal, and
the decline service checks again on submission. The decline is committed before the modal's
submission is acknowledged, and a repeated submission changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import refusals
from bot.refusals import NotInDirectory, Refused
from bot.services.assignment.decline import decline_inspection
from bot.services.inspection import flow
from bot.services.inspection.state import FlowState, load_state
from bot.services.people.requester import record_refusal
from bot.slack.blocks import actions
from bot.slack.blocks.actions import (
    StaleOrMalformedAction,
    decode_metadata,
    read_click,
    read_submission,
)
from bot.slack.blocks.assignment import assignment_message, decline_modal
from bot.slack.blocks.viewmodels import AssignmentCard, AssignmentState
from bot.slack.cards import review_info
from bot.slack.context import BotContext
from bot.slack.listeners.notes import message_of, tell
from inspections import lifecycle
from inspections.lifecycle import Action

Body = Mapping[str, Any]


def register(app: App, ctx: BotContext) -> None:
    listeners = DeclineListeners(ctx)
    app.action(actions.DECLINE)(listeners.on_decline)
    app.view(actions.DECLINE_MODAL)(listeners.on_submit)


class DeclineListeners:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx
        self.timezone = ctx.settings.timezone.key

    def on_decline(self, ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        user_id = str(body["user"]["id"])
        channel, ts = message_of(body)
        try:
            click = read_click(body["actions"][0])
            state = self._check(user_id, click.value.inspection_id, click.value.card_version)
        except Refused as refusal:
            tell(client, user_id, channel, str(refusal))
            return
        if not lifecycle.allows(state.status, Action.DECLINE):
            tell(client, user_id, channel, refusals.NOTHING_TO_DECLINE)
            return
        if channel is None or ts is None:
            # The modal must know which message to mark declined; Decline is only on one.
            tell(client, user_id, channel, refusals.UNREADABLE)
            return
        view = decline_modal(self._card(state, "offered"), channel=channel, ts=ts)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_submit(self, ack: Ack, body: Body, client: WebClient) -> None:
        user_id = str(body["user"]["id"])
        try:
            meta = decode_metadata(body["view"].get("private_metadata"))
            reason = read_submission(body["view"]).reason
        except StaleOrMalformedAction:
            ack()
            tell(client, user_id, None, refusals.UNREADABLE)
            return
        if reason is None:
            ack(
                response_action="errors",
                errors={actions.REASON_BLOCK: refusals.DECLINE_NEEDS_REASON},
            )
            return
        now = self.ctx.clock()
        try:
            # As it was shown to the inspector, due date included, for the declined message.
            before = self._state(meta.inspection_id)
            outcome = decline_inspection(
                self.ctx.uow(),
                inspection_id=meta.inspection_id,
                inspector=user_id,
                reason=reason,
                now=now,
                settings=self.ctx.settings,
            )
        except LookupError:
            ack()
            tell(client, user_id, meta.channel, refusals.UNREADABLE)
            return
        except NotInDirectory:
            self._audit_refusal(user_id, meta.inspection_id, "not in the directory")
            ack()
            tell(client, user_id, meta.channel, refusals.NOT_IN_DIRECTORY)
            return
        except Refused as refused:
            self._audit_refusal(user_id, meta.inspection_id, str(refused))
            ack()
            tell(client, user_id, meta.channel, str(refused))
            return
        ack()
        if outcome.repeated:  # a second delivery of the same submission
            tell(client, user_id, meta.channel, refusals.ALREADY_DECLINED)
            return
        declined = assignment_message(self._card(before, "declined"))
        client.chat_update(
            channel=meta.channel, ts=meta.ts, text=declined["text"], blocks=declined["blocks"]
        )

    def _state(self, inspection_id: int) -> FlowState:
        with self.ctx.uow() as uow:
            return load_state(uow.session, inspection_id)

    def _audit_refusal(self, user_id: str, inspection_id: int, reason: str) -> None:
        with self.ctx.uow() as uow:
            record_refusal(
                uow.session,
                actor=user_id,
                action="decline",
                entity_type="inspection",
                entity_id=inspection_id,
                reason=reason,
                now=self.ctx.clock(),
            )

    def _check(self, user_id: str, inspection_id: int, card_version: int) -> FlowState:
        """Only the assigned inspector, from the card as it stands; refusals are audited."""
        click = flow.CardClick(
            user_id,
            inspection_id,
            card_version,
            self.ctx.clock(),
            timezone=self.ctx.settings.timezone.key,
        )
        return flow.peek(self.ctx.uow(), click, "decline")

    def _card(self, state: FlowState, shown: AssignmentState) -> AssignmentCard:
        review = review_info(state, self.timezone)
        return AssignmentCard(state.inspection_id, state.card_version, review, shown)
