"""Listeners for a manager acting on a safeguard alert: acknowledge it, or record what was done
(a modal) and so close it. Each calls one service, which checks who is asking; then every copy
of the alert already in Slack is updated to show where the intervention stands."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.refusals import InvalidInput, Refused
from bot.services.interventions import steps
from bot.slack.blocks import intervention_actions as ia
from bot.slack.context import BotContext
from bot.slack.listeners.notes import refusal_text, tell, tell_clicker
from inspections.interventions import OUTCOMES

Body = Mapping[str, Any]


def register(app: App, ctx: BotContext) -> None:
    listeners = InterventionListeners(ctx)
    app.action(ia.ACKNOWLEDGE)(listeners.on_acknowledge)
    app.action(ia.RECORD)(listeners.on_record)
    app.view(ia.OUTCOME_MODAL)(listeners.on_outcome)


class InterventionListeners:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx
        self.timezone = ctx.settings.timezone.key

    def on_acknowledge(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            shown = steps.acknowledge(
                self.ctx.uow(),
                actor_slack_id=body["user"]["id"],
                alert_id=ia.decode(body["actions"][0].get("value")),
                now=self.ctx.clock(),
                timezone=self.timezone,
            )
        except Refused as refusal:
            ack()
            tell_clicker(client, body, refusal_text(refusal))
            return
        ack()
        _update_copies(client, shown)

    def on_record(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            alert_id = ia.decode(body["actions"][0].get("value"))
            urn = steps.check_may_record(
                self.ctx.uow(),
                actor_slack_id=body["user"]["id"],
                alert_id=alert_id,
                now=self.ctx.clock(),
            )
        except Refused as refusal:
            ack()
            tell_clicker(client, body, refusal_text(refusal))
            return
        ack()
        client.views_open(
            trigger_id=body["trigger_id"], view=ia.outcome_modal(alert_id, urn, OUTCOMES)
        )

    def on_outcome(self, ack: Ack, body: Body, client: WebClient) -> None:
        user_id = body["user"]["id"]
        try:
            alert_id, form = ia.read_outcome_form(body["view"])
            shown = steps.record_outcome(
                self.ctx.uow(),
                actor_slack_id=user_id,
                alert_id=alert_id,
                outcome=form.outcome,
                action_taken=form.action_taken,
                now=self.ctx.clock(),
                timezone=self.timezone,
            )
        except InvalidInput as invalid:
            errors = {
                (ia.OUTCOME_BLOCK if "outcome" in problem.lower() else ia.ACTION_BLOCK): problem
                for problem in invalid.problems
            }
            ack(response_action="errors", errors=errors)
            return
        except Refused as refusal:
            ack()
            tell(client, user_id, None, refusal_text(refusal))
            return
        ack()
        _update_copies(client, shown)


def _update_copies(client: WebClient, shown: steps.Shown) -> None:
    for channel, ts in shown.in_slack:
        try:
            client.chat_update(
                channel=channel, ts=ts, text=shown.payload["text"], blocks=shown.payload["blocks"]
            )
        except SlackApiError:
            continue  # a copy deleted in Slack: the others still show where it stands
