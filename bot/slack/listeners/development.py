"""`/dip development [LAWYER]`, called from the `/dip` command after it has acknowledged: the
record goes to the requester's direct message; the command's own reply says where, or why not."""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.refusals import Refused
from bot.services.development.record import development_request
from bot.slack.blocks.development import development_message
from bot.slack.context import BotContext

DEVELOPMENT_SENT = "The development record is in our direct messages."


def send_development(
    ctx: BotContext, user_id: str, arguments: str, respond: Respond, client: WebClient
) -> None:
    try:
        record = development_request(
            ctx.uow(),
            slack_user_id=user_id,
            who=arguments,
            now=ctx.clock(),
            tz=ctx.settings.timezone,
        )
    except Refused as refused:
        respond(text=str(refused))
        return
    payload = development_message(record)
    channel = str(client.conversations_open(users=user_id)["channel"]["id"])
    client.chat_postMessage(channel=channel, text=payload["text"], blocks=payload["blocks"])
    respond(text=DEVELOPMENT_SENT)
