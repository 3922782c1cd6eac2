"""What the stand-in records: calls, users, messages, views, files, response_url posts.

Records are frozen snapshots. A message edited with chat.update is replaced by a new
record, so a test holding the old one still has the old prompt (a stale click is built
from it).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Call:
    """One request to a Web API method, including those answered with an injected fault."""

    method: str
    params: dict[str, Any]
    token: str | None
    at: datetime
    status: int = 200
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str
    tz: str
    team_id: str

    def to_api(self) -> dict[str, Any]:
        """The user object of users.info and users.lookupByEmail."""
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name.lower().replace(" ", "."),
            "real_name": self.name,
            "deleted": False,
            "is_bot": False,
            "tz": self.tz,
            "profile": {
                "email": self.email,
                "real_name": self.name,
                "display_name": self.name,
            },
        }


@dataclass(frozen=True)
class Message:
    """A message as it stands now; ``ephemeral_to`` is set for ephemeral messages."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    user: str
    bot_id: str
    app_id: str
    team_id: str
    thread_ts: str | None = None
    ephemeral_to: str | None = None
    edits: int = 0
    metadata: dict[str, Any] | None = None  # given by the app; returned only when asked for

    def to_api(self, *, with_metadata: bool = False) -> dict[str, Any]:
        """The message object Slack returns and puts in interaction payloads."""
        message: dict[str, Any] = {
            "type": "message",
            "user": self.user,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": self.text,
            "ts": self.ts,
            "blocks": self.blocks,
        }
        if self.thread_ts is not None:
            message["thread_ts"] = self.thread_ts
        if with_metadata and self.metadata is not None:
            message["metadata"] = self.metadata
        return message


@dataclass(frozen=True)
class StoredView:
    """A modal or Home tab as Slack holds it; ``view`` is the full view object."""

    id: str
    user_id: str
    view: dict[str, Any]
    opened_by: str
    closed: bool = False

    @property
    def blocks(self) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = self.view["blocks"]
        return blocks

    @property
    def callback_id(self) -> str:
        return str(self.view.get("callback_id", ""))

    @property
    def private_metadata(self) -> str:
        return str(self.view.get("private_metadata", ""))

    @property
    def type(self) -> str:
        return str(self.view["type"])


@dataclass(frozen=True)
class StoredFile:
    id: str
    filename: str
    title: str | None
    channel: str | None
    initial_comment: str | None
    content: bytes
    thread_ts: str | None = None


@dataclass(frozen=True)
class ResponsePost:
    """A POST to a response_url (Bolt's respond())."""

    path: str
    body: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class Violation:
    """A payload Slack would have refused: the method, Slack-style errors, the params."""

    method: str
    errors: list[str]
    params: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class ResponseTarget:
    """Where a response_url leads: the channel, and the message it came from if any."""

    user_id: str
    channel: str
    message_ts: str | None
