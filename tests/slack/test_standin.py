"""The Slack stand-in, driven by the real slack_sdk WebClient."""

import contextlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient

from bot.offline.standin import SlackStandIn

FIXTURES = Path(__file__).parent / "fixtures"
INSPECTOR = "U0INSPECT1"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        running.add_user(INSPECTOR, email="ivy.inspector@example.test", name="Ivy Inspector")
        yield running


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test-token", base_url=standin.api_url)


def retrying_client(standin: SlackStandIn) -> WebClient:
    no_wait = FixedValueRetryIntervalCalculator(0)
    return WebClient(
        token="xoxb-test-token",
        base_url=standin.api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=no_wait),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2, interval_calculator=no_wait),
        ],
    )


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(text: str, action_id: str = "go", value: str = "v") -> dict[str, Any]:
    label = {"type": "plain_text", "text": text}
    return {"type": "button", "text": label, "action_id": action_id, "value": value}


def modal(blocks: list[dict[str, Any]], /, **fields: Any) -> dict[str, Any]:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Reason"}, "blocks": blocks}
    return {**view, **fields}


# The Web API basics -------------------------------------------------------------------------


def test_auth_test_answers_with_the_bot_identity_and_records_the_bearer_token(
    standin: SlackStandIn, client: WebClient
) -> None:
    answer = client.auth_test()

    assert (answer["user_id"], answer["team_id"]) == (standin.bot_user_id, standin.team_id)
    assert [(c.method, c.token) for c in standin.calls] == [("auth.test", "xoxb-test-token")]


def test_a_call_without_a_token_is_not_authed(standin: SlackStandIn) -> None:
    with pytest.raises(SlackApiError) as refused:
        WebClient(base_url=standin.api_url).auth_test()

    assert refused.value.response["error"] == "not_authed"


def test_only_the_configured_tokens_are_accepted_when_tokens_are_given() -> None:
    with SlackStandIn(tokens={"xoxb-right"}) as standin:
        WebClient(token="xoxb-right", base_url=standin.api_url).auth_test()
        with pytest.raises(SlackApiError) as refused:
            WebClient(token="xoxb-wrong", base_url=standin.api_url).auth_test()

    assert refused.value.response["error"] == "invalid_auth"


def test_an_unknown_method_answers_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.api_call("reactions.add", json={"name": "thumbsup"})

    assert refused.value.response.data == {"ok": False, "error": "unknown_method"}


def test_users_are_found_by_email_and_id_and_unknown_ones_are_reported(
    standin: SlackStandIn, client: WebClient
) -> None:
    by_email = client.users_lookupByEmail(email="Ivy.Inspector@example.test")["user"]
    by_id = client.users_info(user=INSPECTOR)["user"]

    assert (by_email["id"], by_id["real_name"], by_id["tz"]) == (
        INSPECTOR,
        "Ivy Inspector",
        "Europe/London",
    )
    with pytest.raises(SlackApiError) as unknown:
        client.users_lookupByEmail(email="nobody@example.test")
    assert unknown.value.response["error"] == "users_not_found"


def test_form_encoded_and_json_calls_are_both_understood(
    standin: SlackStandIn, client: WebClient
) -> None:
    client.conversations_open(users=INSPECTOR)  # form-encoded by slack_sdk
    client.chat_postMessage(channel=INSPECTOR, text="hello")  # JSON by slack_sdk

    assert [c.params for c in standin.calls] == [
        {"users": INSPECTOR},
        {"channel": INSPECTOR, "text": "hello"},
    ]


def test_conversations_open_gives_a_stable_dm_channel_per_user(client: WebClient) -> None:
    first = client.conversations_open(users=INSPECTOR)["channel"]["id"]
    again = client.conversations_open(users=INSPECTOR)["channel"]["id"]

    assert first == again == f"D{INSPECTOR}"


# Messages -----------------------------------------------------------------------------------


def test_messages_land_in_the_users_dm_in_order_with_increasing_ts(
    standin: SlackStandIn, client: WebClient
) -> None:
    channel = client.conversations_open(users=INSPECTOR)["channel"]["id"]
    first = client.chat_postMessage(channel=channel, text="one")
    second = client.chat_postMessage(channel=INSPECTOR, text="two")

    assert second["channel"] == channel
    assert float(first["ts"]) < float(second["ts"])
    assert first["ts"] == "1700000000.000100"
    assert [m.text for m in standin.messages_to(INSPECTOR)] == ["one", "two"]


def test_posted_blocks_get_block_ids_as_slack_gives_them(client: WebClient) -> None:
    answer = client.chat_postMessage(channel=INSPECTOR, text="x", blocks=[section("hello")])

    assert answer["message"]["blocks"][0]["block_id"]


def test_chat_update_replaces_the_message_and_keeps_blocks_left_out(
    standin: SlackStandIn, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel=INSPECTOR, text="before", blocks=[section("old")])
    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="after")

    message = standin.last_message_to(INSPECTOR)
    assert (message.text, message.blocks[0]["text"]["text"], message.edits) == ("after", "old", 1)


def test_chat_update_of_an_unknown_message_is_message_not_found(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.chat_update(channel=f"D{INSPECTOR}", ts="1.000001", text="nothing there")

    assert refused.value.response["error"] == "message_not_found"


def test_ephemeral_messages_are_kept_apart_for_their_user(
    standin: SlackStandIn, client: WebClient
) -> None:
    answer = client.chat_postEphemeral(channel=f"D{INSPECTOR}", user=INSPECTOR, text="Only you")

    assert [m.text for m in standin.ephemerals_to(INSPECTOR)] == ["Only you"]
    assert standin.ephemerals_to(INSPECTOR)[0].ts == answer["message_ts"]
    assert standin.messages_to(INSPECTOR) == []


def test_an_ephemeral_note_in_someone_elses_dm_is_user_not_in_channel(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.add_user("U0OTHER001", email="oli.other@example.test", name="Oli Other")

    with pytest.raises(SlackApiError) as refused:
        client.chat_postEphemeral(channel=f"D{INSPECTOR}", user="U0OTHER001", text="Not here")

    assert refused.value.response["error"] == "user_not_in_channel"
    assert standin.ephemerals_to("U0OTHER001") == []


def test_many_threads_posting_at_once_lose_nothing(standin: SlackStandIn) -> None:
    def post_some(worker: int) -> None:
        client = WebClient(token="xoxb-test-token", base_url=standin.api_url)
        for n in range(10):
            client.chat_postMessage(channel=INSPECTOR, text=f"{worker}-{n}")

    threads = [threading.Thread(target=post_some, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    messages = standin.messages_to(INSPECTOR)
    assert len(messages) == 60
    assert len({m.ts for m in messages}) == 60


# Block Kit limits ---------------------------------------------------------------------------


def test_a_realistic_prompt_passes_the_limits(standin: SlackStandIn, client: WebClient) -> None:
    prompt = fixture("prompt_message.json")

    client.chat_postMessage(channel=INSPECTOR, **prompt)

    assert standin.violations == []
    assert standin.last_message_to(INSPECTOR).text == prompt["text"]


@pytest.mark.expects_violations
def test_a_message_with_51_blocks_is_refused_and_recorded_as_a_violation(
    standin: SlackStandIn, client: WebClient
) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=INSPECTOR, text="long", blocks=[{"type": "divider"}] * 51)

    assert refused.value.response["error"] == "invalid_blocks"
    assert [(v.method, v.errors) for v in standin.violations] == [
        ("chat.postMessage", ["no more than 50 items allowed [json-pointer:/blocks]"])
    ]
    assert standin.messages_to(INSPECTOR) == []


@pytest.mark.expects_violations
def test_a_button_text_of_76_characters_is_refused(
    standin: SlackStandIn, client: WebClient
) -> None:
    blocks = [{"type": "actions", "elements": [button("x" * 76)]}]

    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=INSPECTOR, text="t", blocks=blocks)

    assert standin.violations[0].errors == [
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"
    ]


def _with_text(kind: str, n: int) -> dict[str, Any]:
    text = {"type": "plain_text" if kind == "header" else "mrkdwn", "text": "x" * n}
    return {"type": kind, "text": text}


LIMIT_CASES = {
    "section text": (lambda n: [_with_text("section", n)], 3000),
    "header text": (lambda n: [_with_text("header", n)], 150),
    "button value": (
        lambda n: [{"type": "actions", "elements": [button("b", value="v" * n)]}],
        2000,
    ),
    "action_id": (
        lambda n: [{"type": "actions", "elements": [button("b", action_id="a" * n)]}],
        255,
    ),
    "block_id": (lambda n: [{**section("s"), "block_id": "b" * n}], 255),
    "section fields": (
        lambda n: [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * n}],
        10,
    ),
    "section field text": (
        lambda n: [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * n}]}],
        2000,
    ),
    "context elements": (
        lambda n: [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * n}],
        10,
    ),
    "actions elements": (
        lambda n: [{"type": "actions", "elements": [button("b", f"a{i}") for i in range(n)]}],
        25,
    ),
}


@pytest.mark.expects_violations
@pytest.mark.parametrize("case", sorted(LIMIT_CASES))
def test_block_limits_accept_the_maximum_and_refuse_one_more(
    case: str, standin: SlackStandIn, client: WebClient
) -> None:
    build, limit = LIMIT_CASES[case]

    client.chat_postMessage(channel=INSPECTOR, text="at the limit", blocks=build(limit))
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=INSPECTOR, text="over", blocks=build(limit + 1))

    assert [m.text for m in standin.messages_to(INSPECTOR)] == ["at the limit"]
    assert len(standin.violations) == 1


@pytest.mark.expects_violations
def test_message_text_over_40000_characters_is_refused(
    standin: SlackStandIn, client: WebClient
) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel=INSPECTOR, text="x" * 40_001)

    assert refused.value.response["error"] == "msg_too_long"
    assert len(standin.violations) == 1


@pytest.mark.expects_violations
def test_duplicate_block_ids_in_one_message_are_refused(
    standin: SlackStandIn, client: WebClient
) -> None:
    twice = [{**section("a"), "block_id": "same"}, {**section("b"), "block_id": "same"}]

    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel=INSPECTOR, text="t", blocks=twice)

    assert standin.violations[0].errors == [
        "duplicate block_id 'same' [json-pointer:/blocks/1/block_id]"
    ]


@pytest.mark.expects_violations
def test_an_option_text_over_75_characters_is_refused(
    standin: SlackStandIn, client: WebClient
) -> None:
    long_option = {"text": {"type": "plain_text", "text": "o" * 76}, "value": "o"}
    select = {"type": "static_select", "action_id": "pick", "options": [long_option]}

    with pytest.raises(SlackApiError):
        client.chat_postMessage(
            channel=INSPECTOR, text="t", blocks=[{"type": "actions", "elements": [select]}]
        )

    assert standin.violations[0].errors == [
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/options/0/text/text]"
    ]


@pytest.mark.expects_violations
def test_slack_sdk_models_check_what_our_own_rules_do_not_cover(
    standin: SlackStandIn, client: WebClient
) -> None:
    plain = {"type": "plain_text", "text": "ok"}
    confirm = {"title": {"type": "plain_text", "text": "t" * 101}, "text": plain}
    submit = {**button("Submit"), "confirm": {**confirm, "confirm": plain, "deny": plain}}

    with pytest.raises(SlackApiError):
        client.chat_postMessage(
            channel=INSPECTOR, text="t", blocks=[{"type": "actions", "elements": [submit]}]
        )

    assert standin.violations[0].errors == [
        "title attribute cannot exceed 100 characters [json-pointer:/blocks/0]"
    ]


@pytest.mark.expects_violations
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"title": {"type": "plain_text", "text": "t" * 25}}, "/view/title/text"),
        ({"submit": {"type": "plain_text", "text": "s" * 25}}, "/view/submit/text"),
        ({"close": {"type": "plain_text", "text": "c" * 25}}, "/view/close/text"),
        ({"private_metadata": "m" * 3001}, "/view/private_metadata"),
        ({"blocks": [{"type": "divider"}] * 101}, "/view/blocks"),
    ],
)
def test_modal_limits_are_enforced(
    change: dict[str, Any], expected: str, standin: SlackStandIn, client: WebClient
) -> None:
    trigger = standin.issue_trigger(INSPECTOR)

    with pytest.raises(SlackApiError) as refused:
        client.views_open(trigger_id=trigger, view=modal([section("s")], **change))

    assert refused.value.response["error"] == "invalid_blocks"
    assert expected in standin.violations[0].errors[0]


def test_a_modal_of_100_blocks_is_accepted(standin: SlackStandIn, client: WebClient) -> None:
    trigger = standin.issue_trigger(INSPECTOR)

    client.views_open(trigger_id=trigger, view=modal([{"type": "divider"}] * 100))

    assert standin.violations == []


# Views --------------------------------------------------------------------------------------


def test_views_open_needs_a_fresh_trigger_and_records_the_modal(
    standin: SlackStandIn, client: WebClient
) -> None:
    trigger = standin.issue_trigger(INSPECTOR)
    view = fixture("reason_modal.json")

    opened = client.views_open(trigger_id=trigger, view=view)["view"]
    with pytest.raises(SlackApiError) as reused:
        client.views_open(trigger_id=trigger, view=view)
    with pytest.raises(SlackApiError) as invented:
        client.views_open(trigger_id="1.2.invented", view=view)

    assert (reused.value.response["error"], invented.value.response["error"]) == (
        "exchanged_trigger_id",
        "invalid_trigger_id",
    )
    [recorded] = standin.views_opened
    assert (recorded.id, recorded.user_id, recorded.callback_id) == (
        opened["id"],
        INSPECTOR,
        "reason_modal",
    )
    assert opened["private_metadata"] == view["private_metadata"]


def test_views_update_replaces_the_view_and_checks_the_hash(
    standin: SlackStandIn, client: WebClient
) -> None:
    opened = client.views_open(
        trigger_id=standin.issue_trigger(INSPECTOR), view=modal([section("first")])
    )["view"]

    client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal([section("second")]))
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal([section("x")]))

    assert stale.value.response["error"] == "hash_conflict"
    assert standin.view(opened["id"]).blocks[0]["text"]["text"] == "second"


def test_views_push_stacks_on_the_open_modal(standin: SlackStandIn, client: WebClient) -> None:
    root = client.views_open(
        trigger_id=standin.issue_trigger(INSPECTOR), view=modal([section("root")])
    )["view"]

    pushed = client.views_push(
        trigger_id=standin.issue_trigger(INSPECTOR), view=modal([section("top")])
    )["view"]

    assert (pushed["previous_view_id"], pushed["root_view_id"]) == (root["id"], root["id"])
    assert [v.id for v in standin.views_opened] == [root["id"], pushed["id"]]


def test_views_publish_keeps_one_home_tab_per_user(
    standin: SlackStandIn, client: WebClient
) -> None:
    first = client.views_publish(user_id=INSPECTOR, view={"type": "home", "blocks": [section("1")]})
    second = client.views_publish(
        user_id=INSPECTOR, view={"type": "home", "blocks": [section("2")]}
    )

    home = standin.home_view(INSPECTOR)
    assert first["view"]["id"] == second["view"]["id"] == home.id
    assert home.blocks[0]["text"]["text"] == "2"


# response_url -------------------------------------------------------------------------------


def test_response_url_posts_are_recorded_and_replace_the_original(
    standin: SlackStandIn, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel=INSPECTOR, text="Pick one")
    url = standin.response_url(INSPECTOR, posted["channel"], posted["ts"])

    replaced = WebhookClient(url).send(text="Picked", replace_original=True)
    WebhookClient(url).send(text="Just for you")

    assert (replaced.status_code, replaced.body) == (200, "ok")
    assert [r.body["text"] for r in standin.responses] == ["Picked", "Just for you"]
    assert standin.last_message_to(INSPECTOR).text == "Picked"
    assert [m.text for m in standin.ephemerals_to(INSPECTOR)] == ["Just for you"]


# Faults -------------------------------------------------------------------------------------


def test_429_then_500_then_success_delivers_exactly_one_message(standin: SlackStandIn) -> None:
    standin.fail_next("chat.postMessage", status=429, retry_after=0)
    standin.fail_next("chat.postMessage", status=500)

    retrying_client(standin).chat_postMessage(channel=INSPECTOR, text="Assignment")

    assert [m.text for m in standin.messages_to(INSPECTOR)] == ["Assignment"]
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [429, 500, 200]


def test_a_429_carries_retry_after_and_reaches_a_client_without_retries(
    standin: SlackStandIn, client: WebClient
) -> None:
    standin.fail_next("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel=INSPECTOR, text="x")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert limited.value.response["error"] == "ratelimited"


def test_a_dropped_connection_is_retried_by_the_connection_error_handler(
    standin: SlackStandIn,
) -> None:
    standin.drop_next("*")

    retrying_client(standin).chat_postMessage(channel=INSPECTOR, text="After a blip")

    assert [m.text for m in standin.messages_to(INSPECTOR)] == ["After a blip"]


def test_a_failure_rate_fails_the_same_calls_for_the_same_seed(
    standin: SlackStandIn, client: WebClient
) -> None:
    def statuses() -> list[int]:
        standin.reset()
        standin.set_failure_rate(0.5, seed=7, statuses=(429, 500, 503))
        for n in range(40):
            with contextlib.suppress(SlackApiError):
                client.chat_postMessage(channel=INSPECTOR, text=str(n))
        return [c.status for c in standin.calls]

    first, second = statuses(), statuses()

    assert first == second
    assert {429, 500, 503, 200} <= set(first)


def test_reset_forgets_recordings_and_faults_but_keeps_users(
    standin: SlackStandIn, client: WebClient
) -> None:
    client.chat_postMessage(channel=INSPECTOR, text="x")
    standin.fail_next("*", status=500, times=3)

    standin.reset()

    assert (standin.calls, standin.messages_to(INSPECTOR)) == ([], [])
    assert client.users_info(user=INSPECTOR)["ok"] is True


# Files --------------------------------------------------------------------------------------


def test_files_upload_v2_goes_through_the_external_upload_sequence(
    standin: SlackStandIn, client: WebClient
) -> None:
    content = b"area,score\nExample,0.8\n"

    answer = client.files_upload_v2(
        channel=f"D{INSPECTOR}",
        content=content,
        filename="trends.csv",
        title="Trends",
        initial_comment="This month's trends",
    )

    [stored] = standin.files
    assert (stored.content, stored.title, stored.channel, stored.initial_comment) == (
        content,
        "Trends",
        f"D{INSPECTOR}",
        "This month's trends",
    )
    assert answer["file"]["id"] == stored.id
    assert [c.method for c in standin.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
