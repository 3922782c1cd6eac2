"""The stand-in's memory: users, conversations, views, uploads and everything recorded.

One re-entrant lock guards it all, because the bot calls the stand-in from several threads
(Bolt's listener pool, the outbox dispatcher). ``changed`` is notified after every change so
tests can wait for something a listener does after acknowledging.
"""

import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from bot.offline.standin.records import (
    Call,
    Message,
    ResponsePost,
    ResponseTarget,
    StoredFile,
    StoredView,
    User,
    Violation,
)

T = TypeVar("T")

# Slack's ts looks like "1700000000.000100": seconds, then six digits of microseconds.
_FIRST_TS_MICROS = 1_700_000_000_000_000
_TS_STEP_MICROS = 100


class StandInState:
    def __init__(self, *, team_id: str, bot_user_id: str, bot_id: str, app_id: str) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.socket_mode_url: str | None = None  # apps.connections.open's answer, when set
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.users: dict[str, User] = {}
        self.reset()

    def reset(self) -> None:
        """Forget everything recorded; users stay."""
        with self.lock:
            self._ts_micros = _FIRST_TS_MICROS
            self._counter = 0
            self.calls: list[Call] = []
            self.violations: list[Violation] = []
            self.messages: dict[tuple[str, str], Message] = {}
            self.ephemerals: list[Message] = []
            self.views: dict[str, StoredView] = {}
            self.view_order: list[str] = []
            self.home_views: dict[str, str] = {}
            self.triggers: dict[str, str] = {}
            self.used_triggers: set[str] = set()
            self.uploads: dict[str, tuple[str, int]] = {}
            self.uploaded: dict[str, bytes] = {}
            self.files: list[StoredFile] = []
            self.responses: list[ResponsePost] = []
            self.response_targets: dict[str, ResponseTarget] = {}
            self.changed.notify_all()

    # ids -----------------------------------------------------------------------------------

    def next_ts(self) -> str:
        with self.lock:
            self._ts_micros += _TS_STEP_MICROS
            seconds, micros = divmod(self._ts_micros, 1_000_000)
            return f"{seconds}.{micros:06d}"

    def next_id(self, prefix: str) -> str:
        with self.lock:
            self._counter += 1
            return f"{prefix}{self._counter:08d}"

    def short_id(self) -> str:
        """A block_id or action_id like the ones Slack makes up for blocks without one."""
        with self.lock:
            self._counter += 1
            return hashlib.sha1(f"standin-{self._counter}".encode()).hexdigest()[:5]

    def new_hash(self) -> str:
        return f"{self.next_id('')}.{secrets.token_hex(4)}"

    # users and conversations ---------------------------------------------------------------

    def add_user(self, user: User) -> None:
        with self.lock:
            self.users[user.id] = user

    def user_by_email(self, email: str) -> User | None:
        with self.lock:
            wanted = email.strip().lower()
            return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    @staticmethod
    def dm_channel(user_id: str) -> str:
        return f"D{user_id}"

    def dm_owner(self, channel: str) -> str | None:
        """The user whose DM with the app `channel` is; None for any other conversation."""
        with self.lock:
            user_id = channel[1:] if channel.startswith("D") else ""
            return user_id if user_id in self.users else None

    def channel_for(self, channel: str) -> str:
        """Posting to a user id posts into the app's DM with that user, as Slack does."""
        with self.lock:
            if channel in self.users:
                return self.dm_channel(channel)
            return channel

    # messages ------------------------------------------------------------------------------

    def new_message(
        self, channel: str, text: str, blocks: list[dict[str, Any]], **extra: Any
    ) -> Message:
        return Message(
            channel=channel,
            ts=self.next_ts(),
            text=text,
            blocks=blocks,
            user=self.bot_user_id,
            bot_id=self.bot_id,
            app_id=self.app_id,
            team_id=self.team_id,
            **extra,
        )

    def store_message(self, message: Message) -> Message:
        with self.lock:
            if message.ephemeral_to is not None:
                self.ephemerals.append(message)
            else:
                self.messages[(message.channel, message.ts)] = message
            self.changed.notify_all()
            return message

    def edit_message(self, channel: str, ts: str, **changes: Any) -> Message | None:
        with self.lock:
            current = self.messages.get((channel, ts))
            if current is None:
                return None
            edited = replace(current, edits=current.edits + 1, **changes)
            self.messages[(channel, ts)] = edited
            self.changed.notify_all()
            return edited

    def delete_message(self, channel: str, ts: str) -> bool:
        with self.lock:
            deleted = self.messages.pop((channel, ts), None) is not None
            self.changed.notify_all()
            return deleted

    def message(self, channel: str, ts: str) -> Message | None:
        with self.lock:
            return self.messages.get((channel, ts))

    def messages_in(self, channel: str) -> list[Message]:
        with self.lock:
            found = [m for (ch, _), m in self.messages.items() if ch == channel]
            return sorted(found, key=lambda m: m.ts)

    # views ---------------------------------------------------------------------------------

    def issue_trigger(self, user_id: str) -> str:
        with self.lock:
            trigger_id = f"{self.next_id('')}.{secrets.token_hex(6)}"
            self.triggers[trigger_id] = user_id
            return trigger_id

    def exchange_trigger(self, trigger_id: str) -> tuple[str | None, str | None]:
        """(user id, None) for a fresh trigger, else (None, Slack's error)."""
        with self.lock:
            if trigger_id in self.used_triggers:
                return None, "exchanged_trigger_id"
            user_id = self.triggers.get(trigger_id)
            if user_id is None:
                return None, "invalid_trigger_id"
            self.used_triggers.add(trigger_id)
            return user_id, None

    def store_view(self, stored: StoredView) -> StoredView:
        with self.lock:
            if stored.id not in self.views:
                self.view_order.append(stored.id)
            self.views[stored.id] = stored
            if stored.type == "home":
                self.home_views[stored.user_id] = stored.id
            self.changed.notify_all()
            return stored

    def find_view(self, *, view_id: str | None, external_id: str | None) -> StoredView | None:
        with self.lock:
            if view_id:
                return self.views.get(view_id)
            if external_id:
                matches = (
                    v for v in self.views.values() if v.view.get("external_id") == external_id
                )
                return next(matches, None)
            return None

    # uploads -------------------------------------------------------------------------------

    def start_upload(self, filename: str, length: int) -> str:
        with self.lock:
            file_id = self.next_id("F")
            self.uploads[file_id] = (filename, length)
            return file_id

    def receive_upload(self, file_id: str, content: bytes) -> bool:
        with self.lock:
            if file_id not in self.uploads:
                return False
            self.uploaded[file_id] = content
            return True

    def complete_upload(self, stored: StoredFile) -> None:
        with self.lock:
            self.files.append(stored)
            self.changed.notify_all()

    # recording -----------------------------------------------------------------------------

    def record_call(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)
            self.changed.notify_all()

    def record_violation(self, violation: Violation) -> None:
        with self.lock:
            self.violations.append(violation)
            self.changed.notify_all()

    def new_response_target(self, target: ResponseTarget) -> str:
        with self.lock:
            key = secrets.token_hex(8)
            self.response_targets[key] = target
            return key

    def response_target(self, key: str) -> ResponseTarget | None:
        with self.lock:
            return self.response_targets.get(key)

    def record_response(self, post: ResponsePost) -> None:
        with self.lock:
            self.responses.append(post)
            self.changed.notify_all()

    def wait_for(self, condition: Callable[[], T], timeout: float) -> T:
        """Wait until ``condition()`` (run under the lock) returns something truthy."""
        with self.changed:
            result = self.changed.wait_for(condition, timeout=timeout)
            if not result:
                raise TimeoutError(f"the stand-in did not see that within {timeout} s")
            return result

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)
