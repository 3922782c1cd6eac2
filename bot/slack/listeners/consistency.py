"""`/dip calibration [PERIOD]` and `/dip calibrate …`, called from the `/dip` command after it
has acknowledged; and the lead's reference mark on a calibration's results (a button and its
modal, registered here).

The report names inspectors (to a lead) or holds the requester's own figures (to an
inspector), so it goes to the requester's direct message with the app wherever the command was
typed; the command's own reply says where to look, or why not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import refusals
from bot.refusals import InvalidInput, Refused
from bot.services.consistency.calibration_start import parse_calibrate, start_calibration
from bot.services.consistency.references import reference_form, set_reference
from bot.services.consistency.report import calibration_view
from bot.slack.blocks import calibration as blocks
from bot.slack.blocks.consistency import calibration_message
from bot.slack.context import BotContext
from bot.slack.listeners.notes import tell, tell_clicker

Body = Mapping[str, Any]

CALIBRATION_SENT = "The calibration report is in our direct messages."


def calibration_started(names: tuple[str, ...], due: str) -> str:
    # No URN: the reply shows wherever the command was typed, and URNs stay in direct messages.
    return (
        f"Calibration started: {', '.join(names)} will each mark the review blind, by {due}. "
        "You will get the results when all have submitted or the due time passes."
    )


class ConsistencyCommands:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    def calibration(
        self, user_id: str, arguments: str, respond: Respond, client: WebClient
    ) -> None:
        try:
            view = calibration_view(
                self.ctx.uow(),
                slack_user_id=user_id,
                arguments=arguments,
                now=self.ctx.clock(),
                tz=self.ctx.settings.timezone,
            )
        except Refused as refused:
            respond(text=str(refused))
            return
        payload = calibration_message(view)
        channel = str(client.conversations_open(users=user_id)["channel"]["id"])
        client.chat_postMessage(channel=channel, text=payload["text"], blocks=payload["blocks"])
        respond(text=CALIBRATION_SENT)

    def calibrate(self, user_id: str, arguments: str, respond: Respond) -> None:
        try:
            request = parse_calibrate(arguments)
            started = start_calibration(
                self.ctx.uow(),
                urn=request.urn,
                review_type=request.review_type,
                inspector_emails=request.emails,
                due=request.due,
                now=self.ctx.clock(),
                settings=self.ctx.settings,
                slack_user_id=user_id,
            )
        except Refused as refused:
            respond(text=str(refused))
            return
        due = started.due_at.astimezone(self.ctx.settings.timezone).strftime("%a %-d %b %Y %H:%M")
        respond(text=calibration_started(started.inspectors, due))


def register(app: App, ctx: BotContext) -> None:
    listeners = ReferenceListeners(ctx)
    app.action(blocks.REFERENCE_ACTION)(listeners.on_reference)
    app.view(blocks.REFERENCE_MODAL)(listeners.on_reference_modal)


class ReferenceListeners:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    def on_reference(self, ack: Ack, body: Body, client: WebClient) -> None:
        calibration_id = blocks.calibration_of(body["actions"][0].get("value"))
        if calibration_id is None:
            ack()
            tell_clicker(client, body, refusals.UNREADABLE)
            return
        try:
            form = reference_form(
                self.ctx.uow(),
                slack_user_id=body["user"]["id"],
                calibration_id=calibration_id,
                now=self.ctx.clock(),
            )
        except Refused as refusal:
            ack()
            tell_clicker(client, body, str(refusal))
            return
        ack()
        view = blocks.reference_modal(form.calibration_id, form.urn, form.questions, form.marks)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def on_reference_modal(self, ack: Ack, body: Body, client: WebClient) -> None:
        user_id = body["user"]["id"]
        view = body["view"]
        calibration_id = blocks.calibration_of(view.get("private_metadata"))
        values = view.get("state", {}).get("values", {})

        def chosen(block_id: str) -> str | None:
            element = values.get(block_id, {}).get(blocks.INPUT, {})
            picked = element.get("selected_option") or {}
            value = picked.get("value") if isinstance(picked, Mapping) else None
            return value if isinstance(value, str) else None

        reason = values.get(blocks.REASON_BLOCK, {}).get(blocks.INPUT, {}).get("value")
        if calibration_id is None:
            ack()
            tell(client, user_id, None, refusals.UNREADABLE)
            return
        try:
            told = set_reference(
                self.ctx.uow(),
                slack_user_id=user_id,
                calibration_id=calibration_id,
                question_id=chosen(blocks.QUESTION_BLOCK),
                option_code=chosen(blocks.MARK_BLOCK),
                reason=reason if isinstance(reason, str) else None,
                now=self.ctx.clock(),
            )
        except InvalidInput as invalid:
            ack(response_action="errors", errors=_errors(invalid.problems))
            return
        except Refused as refusal:
            ack()
            tell(client, user_id, None, str(refusal))
            return
        ack()
        tell(client, user_id, None, refusals.reference_set(told))


def _errors(problems: list[str]) -> dict[str, str]:
    where = {"question": blocks.QUESTION_BLOCK, "mark": blocks.MARK_BLOCK}
    errors: dict[str, str] = {}
    for problem in problems:
        block = next((b for word, b in where.items() if word in problem), blocks.REASON_BLOCK)
        errors[block] = f"{errors[block]} {problem}" if block in errors else problem
    return {block: text[:300] for block, text in errors.items()}
