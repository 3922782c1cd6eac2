"""SlackDriver plays a Slack user against the bot's real HTTP endpoint.

It builds each payload from what the bot actually posted (as the stand-in recorded it),
signs it as Slack does (v0 HMAC-SHA256 of ``v0:{timestamp}:{body}``) and POSTs it.
Interactivity and slash commands go form-encoded, events as JSON. Every answer carries the
exact body sent, so a test can redeliver it with ``resend(sent, retry_num=1)``.
"""

import itertools
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.offline.standin import Message, SlackStandIn, StoredView, payloads

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass(frozen=True)
class Sent:
    """A request body exactly as sent, for redelivery."""

    body: str
    content_type: str


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    json: Any | None
    sent: Sent


class SendOptions(TypedDict, total=False):
    retry_num: int | None  # adds X-Slack-Retry-Num / -Reason, as on Slack's redelivery
    retry_reason: str
    forge: bool  # sign with the wrong secret
    timestamp_offset: int  # seconds added to the signed timestamp (e.g. -600: stale)


class SlackDriver:
    def __init__(
        self,
        events_url: str,
        *,
        signing_secret: str,
        standin: SlackStandIn,
        team_id: str | None = None,
        api_app_id: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.events_url = events_url
        self.signing_secret = signing_secret
        self.standin = standin
        self.team_id = team_id or standin.team_id
        self.api_app_id = api_app_id or standin.app_id
        self.timeout = timeout
        self._event_numbers = itertools.count(1)

    # interactions --------------------------------------------------------------------------

    def click(
        self,
        user_id: str,
        surface: Message | StoredView,
        *,
        action_id: str | None = None,
        text: str | None = None,
        value: str | None = None,
        **options: Unpack[SendOptions],
    ) -> Response:
        """Click the one button on a posted message (or a modal / Home tab) that has this
        action_id, visible text and value (those given)."""
        blocks = surface.blocks
        block_id, button = payloads.find_button(blocks, action_id=action_id, text=text, value=value)
        actions = [payloads.action(block_id, button, self._action_ts())]
        common = self._common(user_id)
        if isinstance(surface, StoredView):
            payload = payloads.block_actions_on_view(common, surface, actions)
        else:
            url = self.standin.response_url(user_id, surface.channel, surface.ts)
            payload = payloads.block_actions_on_message(common, surface, actions, url)
        return self._send_interactive(payload, options)

    def submit_view(
        self,
        user_id: str,
        view: StoredView,
        values: Mapping[str, Mapping[str, Any]] | None = None,
        **options: Unpack[SendOptions],
    ) -> Response:
        """Submit a modal with ``values`` as {block_id: {action_id: value}}; a select takes
        an option's value, checkboxes a list of values. The stand-in then does what the
        bot's answer asks (close, update, push, or keep it open with errors)."""
        payload = payloads.view_submission(self._common(user_id), view, values or {})
        response = self._send_interactive(payload, options)
        if response.status == 200:
            self.standin.apply_view_submission_answer(view.id, response.json)
        return response

    def slash_command(
        self, user_id: str, command: str, text: str = "", **options: Unpack[SendOptions]
    ) -> Response:
        """Type ``/command text`` in the app's DM."""
        channel = self.standin.dm_channel(user_id)
        fields = {
            "token": payloads.VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "team_domain": "standin",
            "channel_id": channel,
            "channel_name": "directmessage",
            "user_id": user_id,
            "user_name": self._user_name(user_id),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": self.standin.response_url(user_id, channel, None),
            "trigger_id": self.standin.issue_trigger(user_id),
        }
        return self._send(Sent(urlencode(fields), FORM), options)

    def event(
        self, user_id: str, event: Mapping[str, Any], **options: Unpack[SendOptions]
    ) -> Response:
        """Deliver an Events API event caused by ``user_id``, in its event_callback envelope."""
        now = time.time()
        envelope = {
            "token": payloads.VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": {"user": user_id, "event_ts": f"{now:.6f}", **event},
            "type": "event_callback",
            "event_id": f"Ev{next(self._event_numbers):08d}{secrets.token_hex(3).upper()}",
            "event_time": int(now),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.standin.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        return self._send(Sent(json.dumps(envelope), JSON), options)

    def app_home_opened(self, user_id: str, **options: Unpack[SendOptions]) -> Response:
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "channel": self.standin.dm_channel(user_id),
            "tab": "home",
        }
        if self.standin.has_home_view(user_id):
            event["view"] = self.standin.home_view(user_id).view
        return self.event(user_id, event, **options)

    def resend(self, sent: Sent, **options: Unpack[SendOptions]) -> Response:
        """Deliver the very same body again, freshly signed (a Slack retry)."""
        return self._send(sent, options)

    # plumbing ------------------------------------------------------------------------------

    def _common(self, user_id: str) -> dict[str, Any]:
        name = self._user_name(user_id)
        return {
            "user": {"id": user_id, "username": name, "name": name, "team_id": self.team_id},
            "api_app_id": self.api_app_id,
            "token": payloads.VERIFICATION_TOKEN,
            "trigger_id": self.standin.issue_trigger(user_id),
            "team": {"id": self.team_id, "domain": "standin"},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _user_name(self, user_id: str) -> str:
        user = self.standin.user(user_id)
        return user.name.lower().replace(" ", ".") if user else user_id.lower()

    @staticmethod
    def _action_ts() -> str:
        return f"{time.time():.6f}"

    def _send_interactive(self, payload: Mapping[str, Any], options: SendOptions) -> Response:
        return self._send(Sent(urlencode({"payload": json.dumps(payload)}), FORM), options)

    def _send(self, sent: Sent, options: SendOptions) -> Response:
        timestamp = str(int(time.time()) + options.get("timestamp_offset", 0))
        secret = self.signing_secret + ("-forged" if options.get("forge", False) else "")
        signature = SignatureVerifier(secret).generate_signature(
            timestamp=timestamp, body=sent.body
        )
        headers = {
            "Content-Type": sent.content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature or "",
        }
        retry_num = options.get("retry_num")
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = options.get("retry_reason", "http_timeout")
        request = urllib.request.Request(
            self.events_url, data=sent.body.encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status, text = answer.status, answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            with error:
                status, text = error.code, error.read().decode("utf-8")
        return Response(status=status, body=text, json=_json_or_none(text), sent=sent)


def _json_or_none(text: str) -> Any | None:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None
