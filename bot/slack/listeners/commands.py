"""The `/dip` slash command: help, queue, away, trends, apr and rjoim (the last three in
bot.slack.listeners.trends), development (bot.slack.listeners.development), and calibration
and calibrate (bot.slack.listeners.consistency).

Answers go back through the command's response_url, which Slack shows only to the person who
typed the command. The queue holds URNs, so outside a direct message it is sent to the
requester's DM with the app instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import refusals
from bot.refusals import NotInDirectory, Refused
from bot.services.inspection.queue import queue_for
from bot.services.people.away import record_own_absence
from bot.services.people.directory import AbsenceRejected
from bot.slack.blocks.home import queue_message
from bot.slack.blocks.text import escape, header, message, section
from bot.slack.context import BotContext
from bot.slack.listeners.consistency import ConsistencyCommands
from bot.slack.listeners.development import send_development
from bot.slack.listeners.trends import TrendCommands

COMMAND = "/dip"
SUBCOMMANDS = (
    "queue",
    "away",
    "trends",
    "apr",
    "development",
    "rjoim",
    "calibration",
    "calibrate",
    "help",
)  # each in HELP_LINES and the hint
HELP_LINES = (
    "`/dip queue`: your open inspections, soonest due first, each with a button to start "
    "or resume it.",
    "`/dip away FROM TO [reason]`: tell us the days you are away (dates as YYYY-MM-DD), so "
    "nothing new is assigned to you then.",
    "`/dip trends [me|team|unit|area|national|AREA] [PERIOD] [ea|pcd]`: quality figures for "
    "what you may see (your reviews, your team, your Area), with a chart, in a direct message; "
    "PERIOD is `quarter` (the default), `last-quarter`, `month`, `2026-03`, `2026-Q1` or "
    "`2026-01-01..2026-02-15`.",
    "`/dip apr [AREA] [QUARTER]`: the Area Performance Review pack (a PDF, the metrics as CSV "
    "and the chart) for your Area or one you may see, in a direct message; the last full "
    "quarter unless you name one.",
    "`/dip development [LAWYER]`: a lawyer's own marks by theme over the last four quarters "
    "(yours, or a lawyer's you manage, named by email address), in a direct message.",
    "`/dip rjoim [AREA] [FORCE CODE] [PERIOD]`: pre-charge decision cases with three or more "
    "substantive action plans, by police force (a URN's first two digits), for the RASSO Joint "
    "Operational Improvement Meeting, in a direct message.",
    "`/dip calibration [PERIOD]`: how consistently inspectors mark the reviews marked twice, "
    "blind (Krippendorff's alpha per question); an inspection lead sees every inspector's "
    "figures, an inspector their own; in a direct message.",
    "`/dip calibrate URN ea|pcd [EMAIL,EMAIL,…] [DUE]`: for an inspection lead, give one "
    "review to several inspectors (by default every independent inspector who has not marked "
    "it) to mark blind; everyone gets the results when all are in.",
    "`/dip help`: this list.",
    "Each inspection comes to you as a direct message from me: answer one question at a time, "
    "pause whenever you like, and check your answers before you submit.",
)


@dataclass(frozen=True)
class AwayRequest:
    first: date
    last: date
    reason: str | None


def parse_away(arguments: str) -> AwayRequest:
    words = arguments.split(maxsplit=2)
    if len(words) < 2:
        raise Refused(refusals.AWAY_USAGE)
    first, last = (_iso_date(word) for word in words[:2])
    reason = words[2].strip() if len(words) > 2 else ""
    return AwayRequest(first, last, reason or None)


def _iso_date(word: str) -> date:
    try:
        # fromisoformat also reads week dates and the like: insist on the plain form we show.
        if len(word) != 10:
            raise ValueError(word)
        return date.fromisoformat(word)
    except ValueError:
        raise Refused(refusals.away_bad_date(word)) from None


def help_message(lead: str | None = None) -> dict[str, Any]:
    blocks = [header("dipsample commands")]
    if lead:
        blocks.append(section(lead))
    blocks.extend(section(line) for line in HELP_LINES)
    return message("dipsample commands: /dip queue, /dip away FROM TO, /dip help", blocks)


def register(app: App, ctx: BotContext) -> None:
    app.command(COMMAND)(DipCommand(ctx).handle)


class DipCommand:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    def handle(
        self, ack: Ack, command: Mapping[str, Any], respond: Respond, client: WebClient
    ) -> None:
        words = str(command.get("text") or "").split(maxsplit=1)
        subcommand = words[0].lower() if words else ""
        arguments = words[1] if len(words) > 1 else ""
        user_id = str(command["user_id"])
        if subcommand == "away":
            # Recorded before the acknowledgement: what Slack saw accepted is stored.
            reply = self.away(user_id, arguments)
            ack()
            respond(**reply)
            return
        ack()
        if subcommand == "queue":
            self.queue(user_id, str(command.get("channel_id") or ""), respond, client)
        elif subcommand == "trends":
            TrendCommands(self.ctx).trends(user_id, arguments, respond, client)
        elif subcommand == "apr":
            TrendCommands(self.ctx).apr(user_id, arguments, respond, client)
        elif subcommand == "development":
            send_development(self.ctx, user_id, arguments, respond, client)
        elif subcommand == "rjoim":
            TrendCommands(self.ctx).rjoim(user_id, arguments, respond, client)
        elif subcommand == "calibration":
            ConsistencyCommands(self.ctx).calibration(user_id, arguments, respond, client)
        elif subcommand == "calibrate":
            ConsistencyCommands(self.ctx).calibrate(user_id, arguments, respond)
        elif subcommand in ("", "help"):
            respond(**help_message())
        else:
            respond(**help_message(refusals.unknown_subcommand(subcommand)))

    def queue(self, user_id: str, channel: str, respond: Respond, client: WebClient) -> None:
        try:
            queue = queue_for(
                self.ctx.uow(),
                slack_user_id=user_id,
                timezone=self.ctx.settings.timezone.key,
                now=self.ctx.clock(),
                surface="command",
            )
        except NotInDirectory:
            respond(text=refusals.NOT_IN_DIRECTORY)
            return
        payload = queue_message(queue.items, now=self.ctx.clock())
        if channel.startswith("D"):
            respond(text=payload["text"], blocks=payload["blocks"])
            return
        dm = client.conversations_open(users=user_id)["channel"]["id"]
        client.chat_postMessage(channel=dm, text=payload["text"], blocks=payload["blocks"])
        respond(text=refusals.QUEUE_SENT_TO_DM)

    def away(self, user_id: str, arguments: str) -> dict[str, Any]:
        try:
            request = parse_away(arguments)
            recorded = record_own_absence(
                self.ctx.uow(),
                slack_user_id=user_id,
                starts_on=request.first,
                ends_on=request.last,
                reason=request.reason,
                now=self.ctx.clock(),
                tz=self.ctx.settings.timezone,
            )
        except AbsenceRejected as rejected:
            return {"text": refusals.away_rejected(str(rejected))}
        except Refused as refused:
            return {"text": str(refused)}
        because = f" ({escape(recorded.reason)})" if recorded.reason else ""
        return {
            "text": (
                f"Recorded: you are away from {recorded.starts_on.isoformat()} to "
                f"{recorded.ends_on.isoformat()} inclusive{because}. "
                "No new inspections will be assigned to you on those days."
            )
        }
