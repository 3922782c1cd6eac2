"""The App Home tab: an inspector's queue, a lawyer's feedback and a manager's team view; a
short note for everyone else."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot import refusals
from bot.refusals import NotInDirectory
from bot.services.feedback.home_panels import feedback_home_blocks
from bot.services.inspection.queue import Queue, queue_for
from bot.services.interventions.home import national_interventions_blocks
from bot.services.rjoim.home import rjoim_home_blocks
from bot.services.trends.home import quarter_headline_blocks
from bot.slack.blocks.home import home_view
from bot.slack.blocks.text import MAX_VIEW_BLOCKS, Block, divider, escape, header, section
from bot.slack.context import BotContext
from storage import people_repo

NOT_AN_INSPECTOR = (
    "Inspections are assigned to inspectors only, so there is nothing to show you here yet. "
    "Feedback on your own reviews comes to you as direct messages from me."
)


def register(app: App, ctx: BotContext) -> None:
    app.event("app_home_opened")(HomeTab(ctx).on_opened)


class HomeTab:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    def on_opened(self, event: Mapping[str, Any], client: WebClient) -> None:
        # Bolt acknowledges events itself; this runs after, so a slow query never makes
        # Slack retry. Opening the Messages tab fires the same event: nothing to publish.
        if event.get("tab", "home") != "home":
            return
        user_id = str(event["user"])
        client.views_publish(user_id=user_id, view=self.view_for(user_id))

    def view_for(self, user_id: str) -> dict[str, Any]:
        try:
            queue = queue_for(
                self.ctx.uow(),
                slack_user_id=user_id,
                timezone=self.ctx.settings.timezone.key,
                now=self.ctx.clock(),
                surface="home",
            )
        except NotInDirectory:
            return _simple_home(escape(refusals.NOT_IN_DIRECTORY_HOME))
        panels = self.feedback_panels(user_id)
        if queue.is_inspector or queue.items:
            # The queue gives up room to the panels (an inspector holds a handful at most).
            room = MAX_VIEW_BLOCKS - len(panels) - 6
            view = home_view(queue.items[:room], now=self.ctx.clock())
            return {**view, "blocks": [*view["blocks"], *([divider()] if panels else []), *panels]}
        if panels:
            return {"type": "home", "blocks": panels}
        return _not_an_inspector(queue)

    def feedback_panels(self, user_id: str) -> list[Block]:
        """A manager's headline figures, a lawyer's own feedback and a manager's team; the
        listing is audited."""
        with self.ctx.uow() as uow:
            person = people_repo.find_by_slack_id(uow.session, user_id)
            if person is None:
                return []
            timezone = self.ctx.settings.timezone
            now = self.ctx.clock()
            # A manager's quarter at a glance first, then the feedback panels.
            blocks = [
                *quarter_headline_blocks(uow.session, person, now, timezone),
                *feedback_home_blocks(uow.session, person, now, timezone),
                *national_interventions_blocks(uow.session, person, now, timezone),
                *rjoim_home_blocks(uow.session, person, now, timezone),
            ]
            uow.commit()
            return blocks


def _not_an_inspector(queue: Queue) -> dict[str, Any]:
    return _simple_home(escape(f"Hello {queue.person_name}. {NOT_AN_INSPECTOR}"))


def _simple_home(mrkdwn: str) -> dict[str, Any]:
    return {"type": "home", "blocks": [header("dipsample"), section(mrkdwn)]}
