"""The app's transports, `/dip`, the App Home tab and declining, through the real Bolt app."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import select
from support.slack_world import (
    ADMIN,
    INSPECTOR_A,
    INTAKE_TOKEN,
    LAWYER,
    URN,
    Assigned,
    Member,
    RunningBot,
)
from support.slack_world import STRANGER as STRANGER_ID

from bot import refusals
from bot.cli.parser import main
from bot.cli.serve import missing_settings
from bot.http.server import DipsampleWsgi, serve_in_thread
from bot.jobs.outbox import DispatchReport
from bot.offline.driver import SlackDriver
from bot.offline.standin import Message, SlackStandIn
from bot.settings import Settings
from bot.slack.blocks import actions
from storage.db import make_engine
from storage.models import Absence, Assignment, AuditEvent, Inspection, OutboxMessage

DUE = "Wed 4 Mar 2026, 09:30"  # two working days after the tests' Monday 09:30


def get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def ephemeral_texts(standin: SlackStandIn, user_id: str) -> list[str]:
    return [m.text for m in standin.ephemerals_to(user_id)]


def all_text(message: Message) -> str:
    return json.dumps(message.blocks) + message.text


def audit_actions(bot: RunningBot) -> list[tuple[str, str]]:
    with bot.uow() as uow:
        rows = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(row.actor, row.action) for row in rows]


def absences(bot: RunningBot) -> list[tuple[date, date, str | None]]:
    with bot.uow() as uow:
        rows = uow.session.scalars(select(Absence).order_by(Absence.id))
        return [(row.starts_on, row.ends_on, row.reason) for row in rows]


def command(driver: SlackDriver, standin: SlackStandIn, user_id: str, text: str) -> Message:
    """Type `/dip text` in the app's DM; the one ephemeral answer."""
    before = len(standin.ephemerals_to(user_id))
    assert driver.slash_command(user_id, "/dip", text).status == 200
    standin.wait_for(lambda: len(standin.ephemerals_to(user_id)) > before)
    return standin.ephemerals_to(user_id)[-1]


# The HTTP server --------------------------------------------------------------------------


def test_a_forged_signature_is_refused_with_401_and_records_nothing(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    audited = audit_actions(bot)

    response = driver.slash_command(
        INSPECTOR_A.slack_id, "/dip", "away 2026-03-10 2026-03-12", forge=True
    )

    assert response.status == 401
    assert absences(bot) == []
    assert audit_actions(bot) == audited
    assert [call.method for call in standin.calls] == ["auth.test"]


def test_a_stale_signature_is_refused_with_401_and_records_nothing(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    response = driver.slash_command(
        INSPECTOR_A.slack_id, "/dip", "away 2026-03-10 2026-03-12", timestamp_offset=-600
    )

    assert response.status == 401
    assert absences(bot) == []
    assert [call.method for call in standin.calls] == ["auth.test"]


def test_healthz_answers_ok_when_the_database_answers(bot: RunningBot) -> None:
    assert get(f"{bot.url}/healthz") == (200, {"ok": True})


def test_healthz_answers_503_when_the_database_does_not(bot: RunningBot, tmp_path: Any) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/no/such/directory/dipsample.db")
    url, stop = serve_in_thread(DipsampleWsgi(bot.app, engine=engine))
    try:
        assert get(f"{url}/healthz") == (503, {"ok": False, "error": "database unavailable"})
    finally:
        stop()
        engine.dispose()


def test_unknown_paths_are_404_and_slack_events_takes_only_post(bot: RunningBot) -> None:
    assert get(f"{bot.url}/admin") == (404, {"ok": False, "error": "not found"})
    assert get(f"{bot.url}/slack/events") == (405, {"ok": False, "error": "POST only"})


def post_intake(bot: RunningBot, token: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{bot.url}/intake/case-reviews",
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_the_intake_endpoint_is_served_next_to_slacks(
    bot: RunningBot, directory: tuple[Member, ...]
) -> None:
    review = {
        "urn": "01AB2345626",
        "review_type": "early_advice",
        "area": LAWYER.area,
        "unit": LAWYER.unit,
        "lawyer_email": LAWYER.email,
        "completed_at": "2026-03-02T09:00:00+00:00",
        "action_plan_count": 0,
        "outcome": "advice_given",
        "source_id": "intake-test-1",
    }

    refused = post_intake(bot, "wrong-token", review)
    accepted = post_intake(bot, INTAKE_TOKEN, review)

    assert refused == (401, {"error": "missing or wrong bearer token"})
    assert (accepted[0], accepted[1]["created"]) == (201, 1)


def test_building_the_app_checks_the_bot_token_once(bot: RunningBot, standin: SlackStandIn) -> None:
    assert isinstance(bot.app, App)
    assert [(c.method, c.token) for c in standin.calls] == [("auth.test", "xoxb-slack-tests")]


# /dip help and friends --------------------------------------------------------------------


def test_dip_help_lists_the_commands(
    driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    answer = command(driver, standin, INSPECTOR_A.slack_id, "help")

    text = all_text(answer)
    assert answer.text == "dipsample commands: /dip queue, /dip away FROM TO, /dip help"
    assert all(f"`/dip {name}" in text for name in ("queue", "away FROM TO [reason]", "help"))
    assert standin.violations == []


def test_an_unknown_subcommand_gets_the_help_with_a_note(
    driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    answer = command(driver, standin, INSPECTOR_A.slack_id, "frobnicate now")

    assert answer.blocks[1]["text"]["text"] == refusals.unknown_subcommand("frobnicate")
    assert "`/dip queue`" in all_text(answer)


# /dip queue -------------------------------------------------------------------------------


def test_dip_queue_lists_the_assigned_inspection_with_its_due_date_and_a_start_button(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    answer = command(driver, standin, assigned.inspector.slack_id, "queue")

    [item] = [b for b in answer.blocks if b.get("accessory")]
    assert URN in item["text"]["text"]
    assert f"Due {DUE}" in item["text"]["text"]
    start = item["accessory"]
    assert (start["action_id"], start["text"]["text"]) == (actions.START, "Start inspection")
    assert actions.decode_value(start["value"]).inspection_id == assigned.inspection_id
    assert (assigned.inspector.email, "queue.viewed") in audit_actions(bot)
    assert standin.violations == []


def test_dip_queue_of_someone_with_nothing_open_says_so(
    driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    answer = command(driver, standin, assigned.other.slack_id, "queue")

    assert answer.text == "You have no open inspections. New ones come to you as direct messages."


def queue_typed_in_a_channel(driver: SlackDriver, standin: SlackStandIn, user_id: str) -> Message:
    """`/dip queue` typed in a channel: the queue the app posts to the DM instead."""
    sent = driver.slash_command(user_id, "/dip", "queue")
    in_channel = sent.sent.body.replace(f"channel_id=D{user_id}", "channel_id=C0GENERAL1")
    before = len(standin.messages_to(user_id))
    assert driver.resend(type(sent.sent)(in_channel, sent.sent.content_type)).status == 200
    standin.wait_for(lambda: len(standin.messages_to(user_id)) == before + 1)
    return standin.last_message_to(user_id)


def test_dip_queue_typed_in_a_channel_goes_to_the_dm_so_urns_stay_out_of_channels(
    driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    user_id = assigned.inspector.slack_id
    queue = queue_typed_in_a_channel(driver, standin, user_id)
    assert URN in all_text(queue)
    standin.wait_for(lambda: refusals.QUEUE_SENT_TO_DM in ephemeral_texts(standin, user_id))


def test_start_on_the_queue_in_the_dm_marks_the_assignment_message_and_leaves_the_queue(
    driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    user_id = assigned.inspector.slack_id
    queue = queue_typed_in_a_channel(driver, standin, user_id)

    assert driver.click(user_id, queue, action_id=actions.START).status == 200

    standin.wait_for(lambda: len(standin.messages_to(user_id)) == 3)
    assignment = standin.wait_for(lambda: (m := standin.messages_to(user_id)[0]).edits > 0 and m)
    assert "Start inspection" not in json.dumps(assignment.blocks)
    # The queue is a list of everything open: it is not turned into one inspection's card.
    after = next(m for m in standin.messages_to(user_id) if m.ts == queue.ts)
    assert (after.edits, after.blocks) == (0, queue.blocks)


def test_a_stranger_asking_for_a_queue_is_refused_politely_and_audited(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    answer = command(driver, standin, STRANGER_ID, "queue")

    assert answer.text == refusals.NOT_IN_DIRECTORY
    assert (STRANGER_ID, "refused:queue:command") in audit_actions(bot)


# /dip away --------------------------------------------------------------------------------


def test_dip_away_records_the_absence_and_says_what_was_recorded(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    answer = command(driver, standin, INSPECTOR_A.slack_id, "away 2026-03-10 2026-03-13 training")

    assert absences(bot) == [(date(2026, 3, 10), date(2026, 3, 13), "training")]
    assert answer.text == (
        "Recorded: you are away from 2026-03-10 to 2026-03-13 inclusive (training). "
        "No new inspections will be assigned to you on those days."
    )
    assert (INSPECTOR_A.email, "person.marked_away") in audit_actions(bot)


def test_dip_away_with_a_bad_date_is_answered_clearly_and_records_nothing(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    answer = command(driver, standin, INSPECTOR_A.slack_id, "away 2026-03-10 13/03/2026")

    assert answer.text == refusals.away_bad_date("13/03/2026")
    assert absences(bot) == []


def test_dip_away_ending_before_it_starts_records_nothing(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    answer = command(driver, standin, INSPECTOR_A.slack_id, "away 2026-03-13 2026-03-10")

    assert answer.text == refusals.away_rejected(
        "the absence ends (2026-03-10) before it starts (2026-03-13)"
    )
    assert absences(bot) == []


def test_dip_away_without_dates_shows_how_to_use_it(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    answer = command(driver, standin, INSPECTOR_A.slack_id, "away")

    assert answer.text == refusals.AWAY_USAGE
    assert absences(bot) == []


def test_a_stranger_cannot_record_an_absence_and_is_audited(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    answer = command(driver, standin, STRANGER_ID, "away 2026-03-10 2026-03-13")

    assert answer.text == refusals.NOT_IN_DIRECTORY
    assert absences(bot) == []
    assert (STRANGER_ID, "refused:away") in audit_actions(bot)


# The App Home tab -------------------------------------------------------------------------


def test_the_home_tab_shows_an_inspector_their_queue(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    user_id = assigned.inspector.slack_id

    assert driver.app_home_opened(user_id).status == 200

    home = standin.wait_for(lambda: standin.has_home_view(user_id) and standin.home_view(user_id))
    text = json.dumps(home.blocks)
    assert URN in text and f"Due {DUE}" in text
    assert home.blocks[0]["text"]["text"] == "Your inspections"
    assert (assigned.inspector.email, "queue.viewed") in audit_actions(bot)
    assert standin.violations == []


def test_the_home_tab_of_a_stranger_says_politely_they_are_not_in_the_directory(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    driver.app_home_opened(STRANGER_ID)

    home = standin.wait_for(
        lambda: standin.has_home_view(STRANGER_ID) and standin.home_view(STRANGER_ID)
    )
    assert home.blocks[1]["text"]["text"] == refusals.NOT_IN_DIRECTORY_HOME
    assert (STRANGER_ID, "refused:queue:home") in audit_actions(bot)


def test_the_home_tab_of_the_national_lead_shows_no_queue_but_the_national_headline(
    driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    driver.app_home_opened(ADMIN.slack_id)

    home = standin.wait_for(
        lambda: standin.has_home_view(ADMIN.slack_id) and standin.home_view(ADMIN.slack_id)
    )
    assert URN not in json.dumps(home.blocks)
    assert home.blocks[0]["text"]["text"] == "National: this quarter (2026-Q1)"


def test_start_on_the_home_tab_starts_the_inspection_in_the_dm(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    user_id = assigned.inspector.slack_id
    driver.app_home_opened(user_id)
    home = standin.wait_for(lambda: standin.has_home_view(user_id) and standin.home_view(user_id))

    assert driver.click(user_id, home, action_id=actions.START).status == 200

    standin.wait_for(lambda: len(standin.messages_to(user_id)) == 2)
    first_question = standin.last_message_to(user_id)
    assert "Question 1 of" in all_text(first_question)
    with bot.uow() as uow:
        inspection = uow.session.get(Inspection, assigned.inspection_id)
        assert inspection is not None
        assert inspection.status == "in_progress"
    # Nothing is left offering to start it: the assignment message in the DM says it has
    # started, and the Home tab is published again with Resume in place of Start.
    assignment = standin.wait_for(lambda: (m := standin.messages_to(user_id)[0]).edits > 0 and m)
    assert "Start inspection" not in json.dumps(assignment.blocks)
    assert "Decline" not in json.dumps(assignment.blocks)
    republished = standin.wait_for(
        lambda: "Start inspection" not in json.dumps((v := standin.home_view(user_id)).blocks) and v
    )
    assert "Resume" in json.dumps(republished.blocks)


# Declining --------------------------------------------------------------------------------


def open_decline_modal(driver: SlackDriver, standin: SlackStandIn, assigned: Assigned) -> Any:
    before = len(standin.views_opened)
    response = driver.click(
        assigned.inspector.slack_id, assigned.message, action_id=actions.DECLINE
    )
    assert response.status == 200
    standin.wait_for(lambda: len(standin.views_opened) > before)
    return standin.views_opened[-1]


def reason(text: str) -> dict[str, dict[str, str]]:
    return {actions.REASON_BLOCK: {actions.INPUT_ACTION: text}}


def test_declining_with_a_reason_hands_the_inspection_to_the_other_inspector(
    bot: RunningBot,
    driver: SlackDriver,
    standin: SlackStandIn,
    assigned: Assigned,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    modal = open_decline_modal(driver, standin, assigned)

    response = driver.submit_view(
        assigned.inspector.slack_id, modal, reason("Conflict of interest")
    )

    assert (response.status, response.body) == (200, "")
    assert standin.view(modal.id).closed is True
    with bot.uow() as uow:
        inspection = uow.session.get(Inspection, assigned.inspection_id)
        assert inspection is not None and inspection.inspector is not None
        assert (inspection.status, inspection.inspector.email) == ("assigned", assigned.other.email)
        [declined] = uow.session.scalars(
            select(Assignment).where(Assignment.end_reason == "declined")
        ).all()
        assert declined.decline_reason == "Conflict of interest"
    standin.wait_for(lambda: standin.last_message_to(assigned.inspector.slack_id).edits > 0)
    old = standin.last_message_to(assigned.inspector.slack_id)
    assert old.text == assigned.message.text
    assert "You declined this inspection" in all_text(old)
    assert deliver_outbox().sent == 1
    new = standin.last_message_to(assigned.other.slack_id)
    assert URN in all_text(new)
    assert [b["action_id"] for b in new.blocks[-1]["elements"]] == [actions.START, actions.DECLINE]
    assert standin.violations == []


def test_declining_when_nobody_else_is_free_queues_it_and_alerts_the_admin(
    bot: RunningBot,
    driver: SlackDriver,
    standin: SlackStandIn,
    assigned: Assigned,
    deliver_outbox: Callable[[], DispatchReport],
) -> None:
    command(driver, standin, assigned.other.slack_id, "away 2026-03-02 2026-03-20 leave")
    modal = open_decline_modal(driver, standin, assigned)

    driver.submit_view(assigned.inspector.slack_id, modal, reason("Away before it is due"))

    with bot.uow() as uow:
        inspection = uow.session.get(Inspection, assigned.inspection_id)
        assert inspection is not None
        assert (inspection.status, inspection.inspector_id) == ("queued", None)
    assert deliver_outbox().sent == 1
    assert standin.messages_to(assigned.other.slack_id) == []
    alert = standin.last_message_to(ADMIN.slack_id)
    assert alert.text == f"Inspection waiting: nobody eligible for {URN}"


def test_a_decline_submitted_without_a_reason_gets_the_modals_inline_error(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    modal = open_decline_modal(driver, standin, assigned)

    response = driver.submit_view(assigned.inspector.slack_id, modal, reason("   "))

    assert response.json == {
        "response_action": "errors",
        "errors": {actions.REASON_BLOCK: refusals.DECLINE_NEEDS_REASON},
    }
    assert standin.view(modal.id).closed is False
    with bot.uow() as uow:
        inspection = uow.session.get(Inspection, assigned.inspection_id)
        assert inspection is not None and inspection.inspector is not None
        assert inspection.inspector.email == assigned.inspector.email


def test_someone_else_clicking_decline_is_refused_politely_and_audited(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    intruder = assigned.other

    assert (
        driver.click(intruder.slack_id, assigned.message, action_id=actions.DECLINE).status == 200
    )

    standin.wait_for(lambda: ephemeral_texts(standin, intruder.slack_id))
    assert ephemeral_texts(standin, intruder.slack_id) == [
        "Sorry, only the inspector assigned to this review can do that."
    ]
    assert standin.views_opened == []
    assert (intruder.email, "refused:decline") in audit_actions(bot)


def test_a_stranger_clicking_decline_is_refused_and_audited(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    driver.click(STRANGER_ID, assigned.message, action_id=actions.DECLINE)

    standin.wait_for(lambda: ephemeral_texts(standin, STRANGER_ID))
    assert standin.views_opened == []
    assert (STRANGER_ID, "refused:decline") in audit_actions(bot)


def test_a_second_delivery_of_the_decline_changes_nothing_and_says_so(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    user_id = assigned.inspector.slack_id
    modal = open_decline_modal(driver, standin, assigned)
    first = driver.submit_view(user_id, modal, reason("Conflict of interest"))
    outbox_before = outbox_keys(bot)

    again = driver.resend(first.sent)

    assert again.status == 200
    standin.wait_for(lambda: ephemeral_texts(standin, user_id))
    assert ephemeral_texts(standin, user_id) == [refusals.ALREADY_DECLINED]
    with bot.uow() as uow:
        declined = uow.session.scalars(
            select(Assignment).where(Assignment.end_reason == "declined")
        ).all()
    assert len(declined) == 1
    assert outbox_keys(bot) == outbox_before
    assert not any(action.startswith("refused:") for _, action in audit_actions(bot))


def test_declining_after_starting_is_refused_and_audited(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, assigned: Assigned
) -> None:
    user_id = assigned.inspector.slack_id
    modal = open_decline_modal(driver, standin, assigned)
    driver.click(user_id, assigned.message, action_id=actions.START)
    standin.wait_for(lambda: len(standin.messages_to(user_id)) == 2)

    response = driver.submit_view(user_id, modal, reason("Changed my mind"))

    assert response.status == 200
    standin.wait_for(lambda: ephemeral_texts(standin, user_id))
    assert ephemeral_texts(standin, user_id)[0].startswith("You have already started")
    assert (assigned.inspector.email, "refused:decline") in audit_actions(bot)
    with bot.uow() as uow:
        inspection = uow.session.get(Inspection, assigned.inspection_id)
        assert inspection is not None
        assert inspection.status == "in_progress"


def outbox_keys(bot: RunningBot) -> list[str]:
    with bot.uow() as uow:
        return list(
            uow.session.scalars(select(OutboxMessage.dedupe_key).order_by(OutboxMessage.id))
        )


# `dipsample serve` ------------------------------------------------------------------------


def test_serve_without_a_bot_token_says_what_is_missing_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    assert main(["serve"]) == 2
    assert capsys.readouterr().err.splitlines()[:3] == [
        "dipsample serve: missing settings:",
        "  SLACK_BOT_TOKEN (the bot token, xoxb-...)",
        "  SLACK_SIGNING_SECRET (HTTP mode checks every request's signature)",
    ]


def test_socket_mode_needs_no_signing_secret_but_http_mode_does() -> None:
    settings = Settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1")

    assert missing_settings(settings, socket_mode=True) == []
    assert missing_settings(settings, socket_mode=False) == [
        "SLACK_SIGNING_SECRET (HTTP mode checks every request's signature)"
    ]


# Typed messages ----------------------------------------------------------------------------


def _typed(driver: SlackDriver, standin: SlackStandIn, user_id: str, **extra: Any) -> int:
    event = {
        "type": "message",
        "channel": standin.dm_channel(user_id),
        "channel_type": "im",
        "text": "42AB1234525: can you look at this one again?",
        "ts": "1700000000.000100",
        **extra,
    }
    return driver.event(user_id, event).status


def test_a_typed_message_gets_a_short_reply_saying_what_to_use_instead(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    assert _typed(driver, standin, INSPECTOR_A.slack_id) == 200

    standin.wait_for(lambda: standin.messages_to(INSPECTOR_A.slack_id))
    assert [m.text for m in standin.messages_to(INSPECTOR_A.slack_id)] == [refusals.TYPED_MESSAGE]


def test_the_apps_own_posts_and_edits_get_no_reply(
    bot: RunningBot, driver: SlackDriver, standin: SlackStandIn, directory: tuple[Member, ...]
) -> None:
    assert _typed(driver, standin, INSPECTOR_A.slack_id, bot_id="B0DIPBOT") == 200
    assert _typed(driver, standin, INSPECTOR_A.slack_id, subtype="message_changed") == 200
    assert _typed(driver, standin, INSPECTOR_A.slack_id, channel_type="channel") == 200
    assert _typed(driver, standin, INSPECTOR_A.slack_id) == 200  # then one that is answered

    standin.wait_for(lambda: standin.messages_to(INSPECTOR_A.slack_id))
    assert [m.text for m in standin.messages_to(INSPECTOR_A.slack_id)] == [refusals.TYPED_MESSAGE]
