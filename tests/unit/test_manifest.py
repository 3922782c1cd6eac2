"""The Slack app manifest asks for exactly what the code uses: scopes, events, the command.

The scopes are derived from the Web API methods the bot's source calls, so adding a call to a
new method fails here until the method's scopes are in the table and in the manifest.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.http.server import SLACK_PATH
from bot.slack.listeners.commands import COMMAND, HELP_LINES, SUBCOMMANDS

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "bot" / "manifest.json"
# The stand-in, the driver and the demo are not the bot: what they call is not the bot's use.
NOT_THE_BOT = ("bot/offline/",)
SOURCE_PACKAGES = ("bot", "storage", "inspections", "questionnaires")

# Bot-token scopes per WebClient method, from each method's page on docs.slack.dev.
SCOPES_BY_METHOD: dict[str, set[str]] = {
    "auth_test": set(),
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_delete": {"chat:write"},
    "conversations_open": {"im:write"},
    # Only the app's DMs are read: the outbox looks there for a post it may have made.
    "conversations_history": {"im:history"},
    "users_info": {"users:read"},
    # users:read.email is granted only together with users:read.
    "users_lookupByEmail": {"users:read", "users:read.email"},
    "views_open": set(),
    "views_update": set(),
    "views_push": set(),
    "views_publish": set(),
    "files_upload_v2": {"files:write"},
    "files_getUploadURLExternal": {"files:write"},
    "files_completeUploadExternal": {"files:write"},
}
# Bolt's say() is chat.postMessage; respond() posts to a response_url and needs no scope.
HELPER_METHODS = {"say": "chat_postMessage"}
# Receiving a slash command needs this scope.
COMMAND_SCOPE = "commands"


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def bot_sources() -> dict[str, str]:
    found = {}
    for package in SOURCE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if not relative.startswith(NOT_THE_BOT):
                found[relative] = path.read_text(encoding="utf-8")
    return found


def web_api_methods() -> set[str]:
    return {
        name
        for name in dir(WebClient)
        if not name.startswith("_") and "_" in name and callable(getattr(WebClient, name))
    } - {"api_call", "validate_slack_signature"}


def methods_called() -> dict[str, set[str]]:
    """WebClient method -> the files calling it."""
    known = web_api_methods()
    calls: dict[str, set[str]] = {}
    for relative, text in bot_sources().items():
        for name in re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)\(", text):
            if name in known:
                calls.setdefault(name, set()).add(relative)
        for helper, method in HELPER_METHODS.items():
            if re.search(rf"\b{helper}\(", text):
                calls.setdefault(method, set()).add(relative)
    return calls


# A listener for "message" hears only the conversations the manifest names: the app's DMs.
EVENTS_IN_MANIFEST = {"message": "message.im"}


def events_subscribed_in_code() -> set[str]:
    found: set[str] = set()
    for text in bot_sources().values():
        found.update(re.findall(r"\.event\(\s*[\"']([a-z_]+)[\"']", text))
    return {EVENTS_IN_MANIFEST.get(name, name) for name in found}


def test_the_manifest_is_valid_json_with_the_sections_slack_needs() -> None:
    loaded = manifest()

    assert set(loaded) == {
        "_metadata",
        "display_information",
        "features",
        "oauth_config",
        "settings",
    }
    assert loaded["display_information"]["name"] == "dipsample"


def test_every_web_api_method_the_bot_calls_has_known_scopes() -> None:
    unknown = {
        m: sorted(files) for m, files in methods_called().items() if m not in SCOPES_BY_METHOD
    }

    assert unknown == {}, "add these methods and their scopes to SCOPES_BY_METHOD"


def test_the_bot_scopes_are_exactly_those_the_called_methods_need() -> None:
    needed = {COMMAND_SCOPE}
    for method in methods_called():
        needed |= SCOPES_BY_METHOD.get(method, set())

    assert sorted(manifest()["oauth_config"]["scopes"]["bot"]) == sorted(needed)


def test_the_bot_asks_for_no_user_scopes() -> None:
    assert set(manifest()["oauth_config"]["scopes"]) == {"bot"}


def test_the_events_are_exactly_those_the_listeners_handle() -> None:
    settings = manifest()["settings"]

    assert sorted(settings["event_subscriptions"]["bot_events"]) == sorted(
        events_subscribed_in_code()
    )
    assert events_subscribed_in_code() == {"app_home_opened", "message.im"}


def test_the_dip_command_interactivity_and_events_all_use_bolts_path() -> None:
    loaded = manifest()
    [command] = loaded["features"]["slash_commands"]
    settings = loaded["settings"]

    assert command["command"] == COMMAND == "/dip"
    assert settings["interactivity"]["is_enabled"] is True
    urls = {
        command["url"],
        settings["interactivity"]["request_url"],
        settings["event_subscriptions"]["request_url"],
    }
    assert {url.removeprefix("https://YOUR-HOST") for url in urls} == {SLACK_PATH}


def test_the_home_tab_and_direct_messages_are_on() -> None:
    app_home = manifest()["features"]["app_home"]

    # The Messages tab stays writable: /dip is typed there.
    assert app_home == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("socket_mode_enabled", True),
        ("org_deploy_enabled", False),
        ("token_rotation_enabled", False),
    ],
)
def test_deployment_settings(setting: str, expected: bool) -> None:
    assert manifest()["settings"][setting] is expected


def test_the_usage_hint_and_the_help_name_every_subcommand() -> None:
    [command] = manifest()["features"]["slash_commands"]
    hint_words = {part.split()[0] for part in command["usage_hint"].split(" | ")}
    assert hint_words == set(SUBCOMMANDS)
    helped = {line.split("`")[1].split()[1] for line in HELP_LINES if line.startswith("`/dip ")}
    assert helped == set(SUBCOMMANDS)
