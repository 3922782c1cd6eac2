"""`/dip calibration [PERIOD]`, called from the `/dip` command after it has acknowledged.

The report names inspectors (to a lead) or holds the requester's own figures (to an
inspector), so it goes to the requester's direct message with the app wherever the command was
typed; the command's own reply says where to look, or why not.
"""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.refusals import Refused
from bot.services.consistency.report import calibration_view
from bot.slack.blocks.consistency import calibration_message
from bot.slack.context import BotContext

CALIBRATION_SENT = "The calibration report is in our direct messages."


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
