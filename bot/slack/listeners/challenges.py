"""Listeners for deciding challenges independently: the marking inspector's comment, and a
lead passing a challenged mark to an inspector.

Each reads the payload, calls one service in bot.services.feedback.challenge_deciders (which
checks who is asking), acknowledges, and then shows the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import refusals
from bot.refusals import InvalidInput, Refused
from bot.services.feedback import challenge_deciders
from bot.slack.blocks import feedback_actions as fa
from bot.slack.blocks.challenge_deciders import comment_modal, comment_request, decider_modal
from bot.slack.blocks.feedback_challenges import decision_message
from bot.slack.context import BotContext
from bot.slack.listeners.notes import (
    refusal_text,
    tell,
    tell_clicker,
    updatable_message_of,
    update_message,
)
from inspections import challenges as challenge_rules

Body = Mapping[str, Any]


def register(app: App, ctx: BotContext) -> None:
    listeners = DeciderListeners(ctx)
    app.action(fa.COMMENT)(listeners.on_comment)
    app.view(fa.COMMENT_MODAL)(listeners.on_comment_modal)
    app.action(fa.NAME_DECIDER)(listeners.on_name_decider)
    app.view(fa.DECIDER_MODAL)(listeners.on_decider_modal)


class DeciderListeners:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    def on_comment(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            target = fa.read_target(body["actions"][0], "f")
            challenge_deciders.check_commenter(
                self.ctx.uow(),
                actor_slack_id=body["user"]["id"],
                feedback_id=target.id,
                now=self.ctx.clock(),
            )
        except Refused as refusal:
            ack()
            tell_clicker(client, body, refusal_text(refusal))
            return
        ack()
        channel, ts = updatable_message_of(body)
        view = comment_modal(target.id, channel=channel or "", ts=ts or "")
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_comment_modal(self, ack: Ack, body: Body, client: WebClient) -> None:
        user_id = body["user"]["id"]
        try:
            origin = fa.decode_origin(body["view"].get("private_metadata"), "f")
            form = fa.read_form(body["view"])
            request = challenge_deciders.comment(
                self.ctx.uow(),
                actor_slack_id=user_id,
                feedback_id=origin.target.id,
                text=form.reason,
                now=self.ctx.clock(),
            )
        except InvalidInput as invalid:
            ack(
                response_action="errors", errors={fa.REASON_BLOCK: " ".join(invalid.problems)[:300]}
            )
            return
        except Refused as refusal:
            ack()
            tell(client, user_id, None, refusal_text(refusal))
            return
        ack()
        if origin.channel and origin.ts:
            update_message(client, origin.channel, origin.ts, comment_request(request))

    def on_name_decider(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            target = fa.read_target(body["actions"][0], "c")
            card = challenge_deciders.decider_form(
                self.ctx.uow(),
                actor_slack_id=body["user"]["id"],
                challenge_id=target.id,
                now=self.ctx.clock(),
            )
        except Refused as refusal:
            ack()
            tell_clicker(client, body, refusal_text(refusal))
            return
        ack()
        if card.status != challenge_rules.OPEN:
            tell_clicker(client, body, refusals.CHALLENGE_DECIDED)
            return
        channel, ts = updatable_message_of(body)
        view = decider_modal(card, channel=channel or "", ts=ts or "")
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_decider_modal(self, ack: Ack, body: Body, client: WebClient) -> None:
        user_id = body["user"]["id"]
        try:
            origin = fa.decode_origin(body["view"].get("private_metadata"), "c")
            form = fa.read_form(body["view"])
            card = challenge_deciders.name_decider(
                self.ctx.uow(),
                actor_slack_id=user_id,
                challenge_id=origin.target.id,
                email=form.decider_email,
                now=self.ctx.clock(),
            )
        except InvalidInput as invalid:
            ack(
                response_action="errors",
                errors={fa.DECIDER_BLOCK: " ".join(invalid.problems)[:300]},
            )
            return
        except Refused as refusal:
            ack()
            tell(client, user_id, None, refusal_text(refusal))
            return
        ack()
        if origin.channel and origin.ts:
            update_message(client, origin.channel, origin.ts, decision_message(card))
