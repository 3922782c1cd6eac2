"""`/dip trends`, `/dip apr` and `/dip rjoim`, called from `/dip` once it has acknowledged.

Both answers go to the requester's direct message with the app, wherever the command was
typed: the summary names lawyers and units, and the RJOIM list names cases. The trend chart is
uploaded there with files_upload_v2. The command's own reply (response_url, seen only by the
requester) says where to look, or why not.
"""

from __future__ import annotations

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.refusals import Refused
from bot.services.rjoim.agenda import rjoim_list
from bot.services.trends.apr_pack import apr_files, apr_request
from bot.services.trends.charts import trend_chart
from bot.services.trends.requests import parse_apr, parse_rjoim, parse_trends
from bot.services.trends.summary import TrendReport, trend_report
from bot.slack.blocks.reports import apr_message
from bot.slack.blocks.rjoim import rjoim_message
from bot.slack.blocks.trends import trends_message
from bot.slack.context import BotContext
from bot.slack.files import FILES_KEY, upload_payload_files
from inspections.periods import BadPeriod

TRENDS_SENT = "Your trend summary and chart are in our direct messages."
APR_SENT = "The Area Performance Review pack is in our direct messages."
RJOIM_SENT = "The RJOIM list is in our direct messages (case references stay there)."


class TrendCommands:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    def trends(self, user_id: str, arguments: str, respond: Respond, client: WebClient) -> None:
        try:
            report = trend_report(
                self.ctx.uow(),
                slack_user_id=user_id,
                request=parse_trends(arguments),
                now=self.ctx.clock(),
                tz=self.ctx.settings.timezone,
            )
        except (Refused, BadPeriod) as refused:
            respond(text=str(refused))
            return
        send_trends(client, user_id, report)
        respond(text=TRENDS_SENT)

    def apr(self, user_id: str, arguments: str, respond: Respond, client: WebClient) -> None:
        try:
            figures = apr_request(
                self.ctx.uow(),
                slack_user_id=user_id,
                request=parse_apr(arguments),
                now=self.ctx.clock(),
                tz=self.ctx.settings.timezone,
            )
        except (Refused, BadPeriod) as refused:
            respond(text=str(refused))
            return
        payload = apr_message(figures.summary)
        channel = _dm(client, user_id)
        posted = client.chat_postMessage(
            channel=channel, text=payload["text"], blocks=payload["blocks"]
        )
        upload_payload_files(
            client, {FILES_KEY: apr_files(figures)}, channel=channel, thread_ts=str(posted["ts"])
        )
        respond(text=APR_SENT)

    def rjoim(self, user_id: str, arguments: str, respond: Respond, client: WebClient) -> None:
        try:
            listing = rjoim_list(
                self.ctx.uow(),
                slack_user_id=user_id,
                request=parse_rjoim(arguments),
                now=self.ctx.clock(),
                tz=self.ctx.settings.timezone,
            )
        except (Refused, BadPeriod) as refused:
            respond(text=str(refused))
            return
        payload = rjoim_message(listing, timezone=self.ctx.settings.timezone.key)
        channel = _dm(client, user_id)
        client.chat_postMessage(channel=channel, text=payload["text"], blocks=payload["blocks"])
        respond(text=RJOIM_SENT)


def send_trends(client: WebClient, user_id: str, report: TrendReport) -> None:
    """The summary, then the chart under it, in the user's direct message."""
    channel = _dm(client, user_id)
    payload = trends_message(report.summary)
    client.chat_postMessage(channel=channel, text=payload["text"], blocks=payload["blocks"])
    summary = report.summary
    client.files_upload_v2(
        channel=channel,
        content=trend_chart(report.chart),
        filename=f"trends-{summary.period.label}.png",
        title=report.chart.title,
    )


def _dm(client: WebClient, user_id: str) -> str:
    return str(client.conversations_open(users=user_id)["channel"]["id"])
