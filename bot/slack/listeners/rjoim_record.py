"""Listeners for the RJOIM lead's App Home panel: each button opens its modal (after the
service checks who is asking), each modal's submission calls one service; problems with what
was typed go under their inputs, and the Home tab is republished to show the new record."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import refusals
from bot.refusals import InvalidInput, Refused
from bot.services.rjoim import home as rjoim_home
from bot.services.rjoim import record
from bot.services.rjoim.send_records import send_records
from bot.slack.blocks import rjoim_record as rb
from bot.slack.blocks.actions import StaleOrMalformedAction
from bot.slack.blocks.rjoim_home import OpenAction
from bot.slack.context import BotContext
from bot.slack.listeners.home import HomeTab
from bot.slack.listeners.notes import refusal_text, tell, tell_clicker

Body = Mapping[str, Any]
Form = dict[str, str | None]

# Which input each problem goes under, by the words it contains (else the last named block).
MEETING_ERRORS = {
    rb.URNS: ("is a case of force", "is not a urn"),
    rb.FORCE: ("force",),
    rb.HELD_ON: ("date", "held"),
    rb.NEXT_ON: ("next",),
    rb.AREA: ("area",),
}
ISSUE_ERRORS = {rb.THEME: ("theme",), rb.URN: ("urn", "force")}
ACTION_ERRORS = {rb.OWNER: ("owner",), rb.DUE_ON: ("due",), rb.AGENCY: ("agency",)}
IMPACT_ERRORS = {rb.DONE: ("done",)}


def register(app: App, ctx: BotContext) -> None:
    listeners = RjoimListeners(ctx)
    app.action(rb.RECORD_MEETING)(listeners.on_record_meeting)
    app.action(rb.ADD_ISSUE)(listeners.on_add_issue)
    app.action(rb.ADD_ACTION)(listeners.on_add_action)
    app.action(rb.RECORD_IMPACT)(listeners.on_record_impact)
    app.action(rb.SEND_RECORDS)(listeners.on_send_records)
    app.view(rb.MEETING_MODAL)(listeners.on_meeting)
    app.view(rb.ISSUE_MODAL)(listeners.on_issue)
    app.view(rb.ACTION_MODAL)(listeners.on_action)
    app.view(rb.IMPACT_MODAL)(listeners.on_impact)


class RjoimListeners:
    def __init__(self, ctx: BotContext) -> None:
        self.ctx = ctx

    # buttons ------------------------------------------------------------------------------

    def on_record_meeting(self, ack: Ack, body: Body, client: WebClient) -> None:
        try:
            areas, own = rjoim_home.meeting_modal_areas(
                self.ctx.uow(), actor_slack_id=body["user"]["id"], now=self.ctx.clock()
            )
        except Refused as refusal:
            ack()
            tell_clicker(client, body, refusal_text(refusal))
            return
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=rb.meeting_modal(areas, own))

    def on_add_issue(self, ack: Ack, body: Body, client: WebClient) -> None:
        self._open(ack, body, client, "rjoim.issue", lambda m, t, _: rb.issue_modal(m, t))

    def on_add_action(self, ack: Ack, body: Body, client: WebClient) -> None:
        self._open(ack, body, client, "rjoim.action", lambda m, t, _: rb.action_modal(m, t))

    def on_record_impact(self, ack: Ack, body: Body, client: WebClient) -> None:
        self._open(ack, body, client, "rjoim.impact", rb.impact_modal, needs_actions=True)

    def on_send_records(self, ack: Ack, body: Body, client: WebClient) -> None:
        # Acknowledged first: drawing two PDFs may take longer than Slack waits. Nothing the
        # user did is lost if this dies before the outbox row is written: they click again.
        ack()
        try:
            meeting_id = _meeting(rb.decode(body["actions"][0].get("value")))
            send_records(
                self.ctx.uow(),
                actor_slack_id=body["user"]["id"],
                meeting_id=meeting_id,
                click=str(body["actions"][0].get("action_ts") or body.get("trigger_id")),
                now=self.ctx.clock(),
                tz=self.ctx.settings.timezone,
            )
        except Refused as refusal:
            tell_clicker(client, body, refusal_text(refusal))
            return
        tell_clicker(client, body, refusals.RJOIM_RECORDS_ON_THEIR_WAY)

    def _open(
        self,
        ack: Ack,
        body: Body,
        client: WebClient,
        action: str,
        modal: Callable[[int, str, list[OpenAction]], dict[str, Any]],
        *,
        needs_actions: bool = False,
    ) -> None:
        try:
            meeting_id = rb.decode(body["actions"][0].get("value"))
            if meeting_id is None:
                raise StaleOrMalformedAction(refusals.BUTTON_WITHOUT_TARGET)
            title, carried = rjoim_home.meeting_title(
                self.ctx.uow(),
                actor_slack_id=body["user"]["id"],
                meeting_id=meeting_id,
                action=action,
                now=self.ctx.clock(),
            )
        except Refused as refusal:
            ack()
            tell_clicker(client, body, refusal_text(refusal))
            return
        ack()
        if needs_actions and not carried:
            tell_clicker(client, body, refusals.RJOIM_NO_OPEN_ACTIONS)
            return
        client.views_open(trigger_id=body["trigger_id"], view=modal(meeting_id, title, carried))

    # submissions --------------------------------------------------------------------------

    def on_meeting(self, ack: Ack, body: Body, client: WebClient) -> None:
        def save(_meeting_id: int | None, form: Form, user_id: str) -> None:
            record.record_meeting(
                self.ctx.uow(),
                actor_slack_id=user_id,
                area=form.get(rb.AREA) or "",
                force_code=form.get(rb.FORCE) or "",
                held_on=_day(form.get(rb.HELD_ON)),
                next_meeting_on=_day(form.get(rb.NEXT_ON)),
                attendees=form.get(rb.ATTENDEES) or "",
                urns=form.get(rb.URNS) or "",
                now=self.ctx.clock(),
                tz=self.ctx.settings.timezone,
            )

        self._submit(ack, body, client, save, MEETING_ERRORS, rb.ATTENDEES)

    def on_issue(self, ack: Ack, body: Body, client: WebClient) -> None:
        def save(meeting_id: int | None, form: Form, user_id: str) -> None:
            record.add_issue(
                self.ctx.uow(),
                actor_slack_id=user_id,
                meeting_id=_meeting(meeting_id),
                theme=form.get(rb.THEME) or "",
                urn=form.get(rb.URN) or "",
                description=form.get(rb.DESCRIPTION) or "",
                request_key=_view_key(body),
                now=self.ctx.clock(),
            )

        self._submit(ack, body, client, save, ISSUE_ERRORS, rb.DESCRIPTION)

    def on_action(self, ack: Ack, body: Body, client: WebClient) -> None:
        def save(meeting_id: int | None, form: Form, user_id: str) -> None:
            now = self.ctx.clock()
            record.add_action(
                self.ctx.uow(),
                actor_slack_id=user_id,
                meeting_id=_meeting(meeting_id),
                description=form.get(rb.DESCRIPTION) or "",
                agency=form.get(rb.AGENCY) or "",
                owner_slack_id=form.get(rb.OWNER),
                police_owner=form.get(rb.POLICE_OWNER) or "",
                due_on=_day(form.get(rb.DUE_ON)),
                request_key=_view_key(body),
                today=now.astimezone(self.ctx.settings.timezone).date(),
                now=now,
            )

        self._submit(ack, body, client, save, ACTION_ERRORS, rb.DESCRIPTION)

    def on_impact(self, ack: Ack, body: Body, client: WebClient) -> None:
        def save(meeting_id: int | None, form: Form, user_id: str) -> None:
            chosen = form.get(rb.ACTION) or ""
            done = {"yes": True, "no": False}.get(form.get(rb.DONE) or "")
            record.record_impact(
                self.ctx.uow(),
                actor_slack_id=user_id,
                meeting_id=_meeting(meeting_id),
                action_id=int(chosen) if chosen.isdigit() else 0,
                done=done,
                effect=form.get(rb.EFFECT) or "",
                evidence=form.get(rb.EVIDENCE) or "",
                now=self.ctx.clock(),
            )

        self._submit(ack, body, client, save, IMPACT_ERRORS, rb.EFFECT)

    def _submit(
        self,
        ack: Ack,
        body: Body,
        client: WebClient,
        save: Callable[[int | None, Form, str], None],
        where: Mapping[str, tuple[str, ...]],
        default_block: str,
    ) -> None:
        user_id = body["user"]["id"]
        try:
            meeting_id, form = rb.read_form(body["view"])
            save(meeting_id, form, user_id)
        except InvalidInput as invalid:
            errors = rb.where_problems_go(invalid.problems, where, default_block)
            ack(response_action="errors", errors=errors)
            return
        except Refused as refusal:
            ack()
            tell(client, user_id, None, refusal_text(refusal))
            return
        ack()
        client.views_publish(user_id=user_id, view=HomeTab(self.ctx).view_for(user_id))


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _meeting(meeting_id: int | None) -> int:
    if meeting_id is None:
        raise StaleOrMalformedAction(refusals.BUTTON_WITHOUT_TARGET)
    return meeting_id


def _view_key(body: Body) -> str | None:
    view_id = body.get("view", {}).get("id")
    return f"slack-view:{view_id}" if isinstance(view_id, str) and view_id else None
