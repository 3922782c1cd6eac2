"""Listeners for the lawyer's reply to feedback and the decision on challenges.

Each listener reads the payload, calls one service (which checks who is asking: only the
lawyer may acknowledge or challenge their own feedback; an inspection lead, or the inspector a
lead named, decides its challenges, never the inspector who gave the mark), acknowledges, and
then shows the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import refusals
from bot.refusals import InvalidInput, Refused
from bot.services.feedback import challenges
from bot.services.feedback import documents as feedback
from bot.slack.blocks import feedback_actions as fa
from bot.slack.blocks.feedback import feedback_message, feedback_modal
from bot.slack.blocks.feedback_challenges import challenge_modal, decision_message, decision_modal
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
    listeners = FeedbackListeners(ctx)
    app.action(fa.ACKNOWLEDGE)(listeners.on_acknowledge)
    app.action(fa.CHALLENGE)(listeners.on_challenge)
    app.action(fa.VIEW_FULL)(listeners.on_view_full)
    app.action(fa.UPHOLD)(listeners.on_decision)
    app.action(fa.AMEND)(listeners.on_decision)
    app.view(fa.CHALLENGE_MODAL)(listeners.on_challenge_modal)
    app.view(fa.DECISION_MODAL)(listeners.on_decision_modal)


class FeedbackListeners:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx
        self.timezone = ctx.settings.timezone.key

    def on_acknowledge(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            target = fa.read_target(body["actions"][0], "f")
            card = feedback.acknowledge(
                self.ctx.uow(),
                actor_slack_id=body["user"]["id"],
                feedback_id=target.id,
                now=self.ctx.clock(),
                timezone=self.timezone,
            )
        except Refused as refusal:
            ack()
            tell_clicker(client, body, refusal_text(refusal))
            return
        ack()
        channel, ts = updatable_message_of(body)
        if channel and ts:
            update_message(client, channel, ts, feedback_message(card))

    def on_view_full(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            target = fa.read_target(body["actions"][0], "f")
            card = feedback.read_full(
                self.ctx.uow(),
                actor_slack_id=body["user"]["id"],
                feedback_id=target.id,
                now=self.ctx.clock(),
                timezone=self.timezone,
            )
        except Refused as refusal:
            ack()
            tell_clicker(client, body, refusal_text(refusal))
            return
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=feedback_modal(card))

    def on_challenge(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            target = fa.read_target(body["actions"][0], "f")
            form = challenges.challenge_form(
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
        view = challenge_modal(form, channel=channel or "", ts=ts or "")
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_challenge_modal(self, ack: Ack, body: Body, client: WebClient) -> None:
        user_id = body["user"]["id"]
        try:
            origin = fa.decode_origin(body["view"].get("private_metadata"), "f")
            form = fa.read_form(body["view"])
            card = challenges.raise_challenge(
                self.ctx.uow(),
                actor_slack_id=user_id,
                feedback_id=origin.target.id,
                question_ids=form.question_ids,
                reason=form.reason,
                now=self.ctx.clock(),
                timezone=self.timezone,
            )
        except InvalidInput as invalid:
            ack(response_action="errors", errors=_errors(invalid.problems, fa.MARKS_BLOCK))
            return
        except Refused as refusal:
            ack()
            tell(client, user_id, None, refusal_text(refusal))
            return
        ack()
        if origin.channel and origin.ts:
            update_message(client, origin.channel, origin.ts, feedback_message(card))

    def on_decision(self, ack: Ack, body: Body, client: WebClient) -> None:
        action = body["actions"][0]
        decision = "amended" if action.get("action_id") == fa.AMEND else "upheld"
        try:
            target = fa.read_target(action, "c")
            form = challenges.decision_form(
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
        if form.card.status != challenge_rules.OPEN:
            tell_clicker(client, body, refusals.CHALLENGE_DECIDED)
            return
        channel, ts = updatable_message_of(body)
        view = decision_modal(
            form.card, decision=decision, options=form.options, channel=channel or "", ts=ts or ""
        )
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_decision_modal(self, ack: Ack, body: Body, client: WebClient) -> None:
        user_id = body["user"]["id"]
        try:
            origin = fa.decode_origin(body["view"].get("private_metadata"), "c")
            form = fa.read_form(body["view"])
            card = challenges.decide(
                self.ctx.uow(),
                actor_slack_id=user_id,
                challenge_id=origin.target.id,
                decision=origin.decision or "",
                option_code=form.option_code,
                reason=form.reason,
                now=self.ctx.clock(),
            )
        except InvalidInput as invalid:
            other = fa.NEW_MARK_BLOCK if origin.decision == "amended" else fa.REASON_BLOCK
            ack(response_action="errors", errors=_errors(invalid.problems, other))
            return
        except Refused as refusal:
            ack()
            tell(client, user_id, None, refusal_text(refusal))
            return
        ack()
        if origin.channel and origin.ts:
            update_message(client, origin.channel, origin.ts, decision_message(card))


def _errors(problems: list[str], other_block: str) -> dict[str, str]:
    """Each problem under the input it is about: the reason, or the marks / new mark."""
    errors: dict[str, str] = {}
    for problem in problems:
        block = fa.REASON_BLOCK if "reason" in problem.lower() else other_block
        errors[block] = f"{errors[block]} {problem}" if block in errors else problem
    return {block: text[:300] for block, text in errors.items()}
