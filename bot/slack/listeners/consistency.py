"""`/dip calibration [PERIOD]` and `/dip calibrate …`, called from the `/dip` command after it
has acknowledged.

The report names inspectors (to a lead) or holds the requester's own figures (to an
inspector), so it goes to the requester's direct message with the app wherever the command was
typed; the command's own reply says where to look, or why not.
"""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.refusals import Refused
from bot.services.consistency.calibration import parse_calibrate, start_calibration
from bot.services.consistency.report import calibration_view
from bot.slack.blocks.consistency import calibration_message
from bot.slack.context import BotContext

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
