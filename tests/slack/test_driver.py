"""The driver plays a Slack user against a small real Bolt app served over HTTP.

No dipsample code is involved: the app here only posts, updates and opens what the tests
need, so these tests pin down the driver and the stand-in together.
"""

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from bot.offline.driver import SlackDriver
from bot.offline.standin import Message, SlackStandIn, StoredView

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "driver-test-signing-secret"
INSPECTOR = "U0INSPECT1"
OTHER = "U0OTHER001"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No request log on stderr."""


def build_app(client: WebClient, seen: list[BoltRequest]) -> App:
    app = App(signing_secret=SECRET, client=client)

    @app.middleware
    def remember(request: BoltRequest, next: Any) -> Any:
        seen.append(request)
        return next()

    @app.command("/demo")
    def demo(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        ack()
        client.chat_postMessage(channel=command["channel_id"], **fixture("prompt_message.json"))

    @app.action("mark_fully_met")
    def fully_met(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        container = body["container"]
        done = {"type": "section", "text": {"type": "mrkdwn", "text": "Fully met, thank you"}}
        client.chat_update(
            channel=container["channel_id"], ts=container["message_ts"], text="Done", blocks=[done]
        )

    @app.action("mark_not_met")
    def not_met(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=fixture("reason_modal.json"))

    @app.action("pause")
    def pause(ack: Ack, respond: Respond) -> None:
        ack()
        respond(text="Paused. Resume from your Home tab.")

    @app.view("reason_modal")
    def reason(ack: Ack, view: dict[str, Any]) -> None:
        given = view["state"]["values"]["reason"]["reason_input"]["value"]
        if not given:
            ack(response_action="errors", errors={"reason": "Please give a reason."})
        elif given == "show me a summary":
            summary = {"type": "section", "text": {"type": "mrkdwn", "text": "Saved."}}
            title = {"type": "plain_text", "text": "Saved"}
            ack(
                response_action="update",
                view={"type": "modal", "title": title, "blocks": [summary]},
            )
        else:
            ack()

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        resume = {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "resume",
                    "text": {"type": "plain_text", "text": "Resume"},
                    "value": "inspection-7",
                }
            ],
        }
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": [resume]})

    @app.action("resume")
    def resume(ack: Ack) -> None:
        ack()

    return app


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        running.add_user(INSPECTOR, email="ivy.inspector@example.test", name="Ivy Inspector")
        running.add_user(OTHER, email="olly.other@example.test", name="Olly Other")
        yield running


@pytest.fixture
def seen() -> list[BoltRequest]:
    return []


@pytest.fixture
def driver(standin: SlackStandIn, seen: list[BoltRequest]) -> Iterator[SlackDriver]:
    app = build_app(WebClient(token="xoxb-driver-test", base_url=standin.api_url), seen)
    server: WSGIServer = make_server(
        "127.0.0.1", 0, SlackRequestHandler(app), handler_class=QuietHandler
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield SlackDriver(
        f"http://127.0.0.1:{server.server_port}/slack/events",
        signing_secret=SECRET,
        standin=standin,
    )
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def payload_of(request: BoltRequest) -> dict[str, Any]:
    body: dict[str, Any] = request.body
    return body


def prompt_for(standin: SlackStandIn, driver: SlackDriver) -> Message:
    assert driver.slash_command(INSPECTOR, "/demo").status == 200
    standin.wait_for(lambda: standin.messages_to(INSPECTOR))
    return standin.last_message_to(INSPECTOR)


# Commands and clicks ------------------------------------------------------------------------


def test_a_slash_command_reaches_the_app_as_slack_sends_it(
    standin: SlackStandIn, driver: SlackDriver, seen: list[BoltRequest]
) -> None:
    prompt = prompt_for(standin, driver)

    command = payload_of(seen[0])
    assert (command["command"], command["user_id"], command["channel_id"]) == (
        "/demo",
        INSPECTOR,
        f"D{INSPECTOR}",
    )
    assert command["response_url"].startswith(standin.base_url)
    assert prompt.text == fixture("prompt_message.json")["text"]


def test_clicking_a_button_by_its_text_lets_the_app_update_the_message(
    standin: SlackStandIn, driver: SlackDriver
) -> None:
    prompt = prompt_for(standin, driver)

    response = driver.click(INSPECTOR, prompt, text="Fully met")

    assert response.status == 200
    standin.wait_for(lambda: standin.last_message_to(INSPECTOR).edits > 0)
    updated = standin.last_message_to(INSPECTOR)
    assert (updated.ts, updated.text, updated.blocks[0]["text"]["text"]) == (
        prompt.ts,
        "Done",
        "Fully met, thank you",
    )
    assert standin.violations == []


def test_a_click_carries_what_slack_puts_in_block_actions(
    standin: SlackStandIn, driver: SlackDriver, seen: list[BoltRequest]
) -> None:
    prompt = prompt_for(standin, driver)

    driver.click(INSPECTOR, prompt, action_id="mark_fully_met")

    payload = payload_of(seen[-1])
    reference = fixture("block_actions_reference.json")
    assert set(payload) == set(reference)
    assert payload["container"] == {
        "type": "message",
        "message_ts": prompt.ts,
        "channel_id": f"D{INSPECTOR}",
        "is_ephemeral": False,
    }
    assert payload["message"]["blocks"] == prompt.blocks
    [action] = payload["actions"]
    assert {k: action[k] for k in ("type", "action_id", "block_id", "value")} == {
        "type": "button",
        "action_id": "mark_fully_met",
        "block_id": "answer",
        "value": "q4:fully_met",
    }
    assert set(action) == set(reference["actions"][0]) | {"style"}


def test_each_interaction_gets_a_fresh_trigger_id(
    standin: SlackStandIn, driver: SlackDriver, seen: list[BoltRequest]
) -> None:
    prompt = prompt_for(standin, driver)

    driver.click(INSPECTOR, prompt, text="Back")
    driver.click(INSPECTOR, prompt, text="Back")

    triggers = [payload_of(r)["trigger_id"] for r in seen]
    assert len(set(triggers)) == len(triggers) == 3


def test_a_click_on_a_missing_button_names_the_buttons_there(
    standin: SlackStandIn, driver: SlackDriver
) -> None:
    prompt = prompt_for(standin, driver)

    with pytest.raises(LookupError) as missing:
        driver.click(INSPECTOR, prompt, text="Excellent")

    assert "'mark_not_applicable' 'Not applicable'" in str(missing.value)
    assert "no button matches" in str(missing.value)


def test_an_ambiguous_click_is_refused(standin: SlackStandIn, driver: SlackDriver) -> None:
    prompt = prompt_for(standin, driver)

    with pytest.raises(LookupError) as ambiguous:
        driver.click(INSPECTOR, prompt, value="q4")

    assert "2 buttons match" in str(ambiguous.value)


def test_respond_posts_to_the_response_url_and_reaches_the_user(
    standin: SlackStandIn, driver: SlackDriver
) -> None:
    prompt = prompt_for(standin, driver)

    driver.click(INSPECTOR, prompt, text="Pause")

    standin.wait_for(lambda: standin.responses)
    assert [m.text for m in standin.ephemerals_to(INSPECTOR)] == [
        "Paused. Resume from your Home tab."
    ]


# Signatures and retries ---------------------------------------------------------------------


def test_a_forged_signature_is_rejected_with_401(
    driver: SlackDriver, seen: list[BoltRequest]
) -> None:
    response = driver.slash_command(INSPECTOR, "/demo", forge=True)

    assert response.status == 401
    assert seen == []  # refused before any middleware or listener ran


def test_a_stale_timestamp_is_rejected_with_401(
    standin: SlackStandIn, driver: SlackDriver, seen: list[BoltRequest]
) -> None:
    prompt = prompt_for(standin, driver)

    response = driver.click(INSPECTOR, prompt, text="Fully met", timestamp_offset=-600)

    assert response.status == 401
    assert [payload_of(r).get("command") for r in seen] == ["/demo"]


def test_resend_delivers_the_same_body_with_slacks_retry_headers(
    driver: SlackDriver, seen: list[BoltRequest]
) -> None:
    first = driver.app_home_opened(INSPECTOR)

    again = driver.resend(first.sent, retry_num=1)

    assert (first.status, again.status) == (200, 200)
    original, retried = seen
    assert retried.raw_body == original.raw_body == first.sent.body
    assert (retried.headers["x-slack-retry-num"], retried.headers["x-slack-retry-reason"]) == (
        ["1"],
        ["http_timeout"],
    )
    assert "x-slack-retry-num" not in original.headers


# Modals and the Home tab --------------------------------------------------------------------


def open_reason_modal(standin: SlackStandIn, driver: SlackDriver) -> StoredView:
    prompt = prompt_for(standin, driver)
    driver.click(INSPECTOR, prompt, text="Not met")
    standin.wait_for(lambda: standin.views_opened)
    return standin.views_opened[-1]


def test_submitting_without_a_reason_gets_the_modals_inline_error(
    standin: SlackStandIn, driver: SlackDriver
) -> None:
    modal = open_reason_modal(standin, driver)

    response = driver.submit_view(INSPECTOR, modal, {"reason": {"reason_input": ""}})

    assert response.json == {
        "response_action": "errors",
        "errors": {"reason": "Please give a reason."},
    }
    assert standin.view(modal.id).closed is False


def test_submitted_values_arrive_in_slacks_state_shapes_and_the_modal_closes(
    standin: SlackStandIn, driver: SlackDriver, seen: list[BoltRequest]
) -> None:
    modal = open_reason_modal(standin, driver)

    response = driver.submit_view(
        INSPECTOR,
        modal,
        {
            "reason": {"reason_input": "Advice was late"},
            "severity": {"severity_select": "high"},
            "flags": {"flags_boxes": ["learning"]},
        },
    )

    assert (response.status, response.body) == (200, "")
    submitted = payload_of(seen[-1])
    assert submitted["view"]["private_metadata"] == modal.private_metadata
    assert submitted["view"]["state"]["values"] == {
        "reason": {"reason_input": {"type": "plain_text_input", "value": "Advice was late"}},
        "severity": {
            "severity_select": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "High"},
                    "value": "high",
                },
            }
        },
        "flags": {
            "flags_boxes": {
                "type": "checkboxes",
                "selected_options": [
                    {"text": {"type": "plain_text", "text": "Learning point"}, "value": "learning"}
                ],
            }
        },
        "comment": {"comment_input": {"type": "plain_text_input", "value": "None"}},
    }
    assert standin.view(modal.id).closed is True


def test_an_update_answer_replaces_the_modal_after_checking_its_limits(
    standin: SlackStandIn, driver: SlackDriver
) -> None:
    modal = open_reason_modal(standin, driver)

    driver.submit_view(INSPECTOR, modal, {"reason": {"reason_input": "show me a summary"}})

    updated = standin.view(modal.id)
    assert (updated.closed, updated.blocks[0]["text"]["text"]) == (False, "Saved.")
    assert standin.violations == []


def test_submitting_a_value_the_modal_has_no_input_for_is_an_error(
    standin: SlackStandIn, driver: SlackDriver
) -> None:
    modal = open_reason_modal(standin, driver)

    with pytest.raises(LookupError) as unknown:
        driver.submit_view(INSPECTOR, modal, {"reasons": {"reason_input": "typo"}})

    assert "reason/reason_input (plain_text_input)" in str(unknown.value)


def test_opening_the_home_tab_lets_the_app_publish_and_its_buttons_click(
    standin: SlackStandIn, driver: SlackDriver, seen: list[BoltRequest]
) -> None:
    driver.app_home_opened(INSPECTOR)
    standin.wait_for(lambda: standin.has_home_view(INSPECTOR))
    home = standin.home_view(INSPECTOR)

    response = driver.click(INSPECTOR, home, text="Resume")

    assert response.status == 200
    payload = payload_of(seen[-1])
    assert payload["container"] == {"type": "view", "view_id": home.id}
    assert payload["actions"][0]["value"] == "inspection-7"
