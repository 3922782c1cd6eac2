"""SlackStandIn: a local Slack Web API on loopback that records what the bot sends."""

import copy
import threading
from collections.abc import Callable, Collection
from types import TracebackType
from typing import Any, Self, TypeVar

from bot.offline.standin import views
from bot.offline.standin.faults import DONE_THEN_DROP, DROP, Fault, FaultPlan
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
from bot.offline.standin.server import StandInHTTPServer
from bot.offline.standin.state import StandInState

T = TypeVar("T")


class SlackStandIn:
    """Start it, give ``api_url`` to ``WebClient(base_url=...)``, then read what was sent.

    Thread-safe: every recording is a snapshot taken under the state's lock.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        team_id: str = "T0STANDIN",
        bot_user_id: str = "U0DIPBOT",
        bot_id: str = "B0DIPBOT",
        app_id: str = "A0DIPSAMPLE",
        tokens: Collection[str] | None = None,
    ) -> None:
        self._address = (host, port)
        self._tokens = tokens
        self.state = StandInState(
            team_id=team_id, bot_user_id=bot_user_id, bot_id=bot_id, app_id=app_id
        )
        self.faults = FaultPlan()
        self._server: StandInHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle -----------------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            return self
        self._server = StandInHTTPServer(
            self._address, state=self.state, faults=self.faults, tokens=self._tokens
        )
        # A short poll interval makes stop() quick (shutdown waits for one poll).
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the stand-in is not running: call start() first")
        return self._server.base_url

    @property
    def api_url(self) -> str:
        """The base URL for ``WebClient(base_url=...)``; it ends with '/'."""
        return f"{self.base_url}api/"

    @property
    def team_id(self) -> str:
        return self.state.team_id

    @property
    def bot_user_id(self) -> str:
        return self.state.bot_user_id

    @property
    def app_id(self) -> str:
        return self.state.app_id

    # set-up --------------------------------------------------------------------------------

    def add_user(self, user_id: str, *, email: str, name: str, tz: str = "Europe/London") -> None:
        self.state.add_user(User(user_id, email, name, tz, self.state.team_id))

    def user(self, user_id: str) -> User | None:
        with self.state.lock:
            return self.state.users.get(user_id)

    def fail_next(
        self, method: str, *, status: int = 429, times: int = 1, retry_after: int = 1
    ) -> None:
        """Answer the next ``times`` calls to ``method`` ("*" for any) with ``status``.

        429 carries ``Retry-After: retry_after`` (seconds; slack_sdk sleeps that long plus
        up to one second, so tests use 0); 500, 502, 503 and 504 carry an error body."""
        self.faults.fail_next(method, Fault(status=status, retry_after=retry_after), times)

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection without answering the next ``times`` calls to ``method``."""
        self.faults.fail_next(method, Fault(status=DROP), times)

    def serve_socket_mode_at(self, url: str) -> None:
        """apps.connections.open answers with this WebSocket URL (a test's own server: the
        stand-in speaks the Web API, not the WebSocket side of Socket Mode)."""
        self.state.socket_mode_url = url

    def limit_posts_per_channel(self, per_second: float = 1.0) -> None:
        """From now on, refuse a chat.postMessage to a channel that comes sooner than Slack
        allows after the last one there (429 with Retry-After), as Slack does."""
        self.faults.limit_posts(per_second)

    def after_next(self, method: str, action: Callable[[], None]) -> None:
        """Run ``action`` once the next call to ``method`` is carried out, before it is
        answered (a test kills the caller there, as a crash between Slack's accepting a
        message and the caller's recording it would)."""
        self.faults.after_next(method, action)

    def do_then_drop_next(self, method: str, *, times: int = 1) -> None:
        """Carry out the next ``times`` calls to ``method``, then close the connection without
        answering: the call took effect, but the caller cannot know it."""
        self.faults.fail_next(method, Fault(status=DONE_THEN_DROP), times)

    def set_failure_rate(
        self,
        rate: float,
        *,
        seed: int,
        statuses: tuple[int, ...] = (429, 500),
        retry_after: int = 0,
    ) -> None:
        """Fail that fraction of API calls, the same ones for the same seed and calls."""
        self.faults.set_rate(rate, seed=seed, statuses=statuses, retry_after=retry_after)

    def reset(self) -> None:
        """Forget every recording and injected fault; users stay."""
        self.faults.reset()
        self.state.reset()

    # what was sent -------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every API call in the order answered, injected faults included (see Call.status)."""
        with self.state.lock:
            return list(self.state.calls)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    @property
    def violations(self) -> list[Violation]:
        with self.state.lock:
            return list(self.state.violations)

    def dm_channel(self, user_id: str) -> str:
        return self.state.dm_channel(user_id)

    def messages_in(self, channel: str) -> list[Message]:
        return copy.deepcopy(self.state.messages_in(channel))

    def messages_to(self, user_id: str) -> list[Message]:
        """Messages in the app's DM with the user, oldest first, as they stand now."""
        return self.messages_in(self.state.dm_channel(user_id))

    def message_to(self, user_id: str, ts: str) -> Message:
        """One message in the app's DM with the user, as it stands now."""
        with self.state.lock:
            found = self.state.messages.get((self.state.dm_channel(user_id), ts))
            if found is None:
                raise LookupError(f"no message {ts} was posted to {user_id}")
            return copy.deepcopy(found)

    def message_marks_to(self, user_id: str) -> tuple[tuple[str, int], ...]:
        """(ts, edits) of each message in the app's DM with the user: enough to see that
        something changed, without copying every message (waiters check this often)."""
        return tuple(
            (m.ts, m.edits) for m in self.state.messages_in(self.state.dm_channel(user_id))
        )

    def last_message_to(self, user_id: str) -> Message:
        found = self.messages_to(user_id)
        if not found:
            raise LookupError(f"no message has been posted to {user_id}")
        return found[-1]

    def ephemerals_to(self, user_id: str) -> list[Message]:
        with self.state.lock:
            return copy.deepcopy([m for m in self.state.ephemerals if m.ephemeral_to == user_id])

    @property
    def views_opened(self) -> list[StoredView]:
        """Modals opened or pushed, in order, each as it stands now."""
        return self.modals_opened_for(None)

    def modals_opened_for(self, user_id: str | None) -> list[StoredView]:
        """Modals opened or pushed for one user (or for anyone), in order, as they stand now."""
        with self.state.lock:
            found = [self.state.views[i] for i in self.state.view_order]
            return copy.deepcopy(
                [v for v in found if v.type == "modal" and user_id in (None, v.user_id)]
            )

    def view(self, view_id: str) -> StoredView:
        with self.state.lock:
            if view_id not in self.state.views:
                raise LookupError(f"no view {view_id}")
            return copy.deepcopy(self.state.views[view_id])

    def home_view(self, user_id: str) -> StoredView:
        with self.state.lock:
            view_id = self.state.home_views.get(user_id)
            if view_id is None:
                raise LookupError(f"no Home tab has been published for {user_id}")
            return copy.deepcopy(self.state.views[view_id])

    def has_home_view(self, user_id: str) -> bool:
        with self.state.lock:
            return user_id in self.state.home_views

    @property
    def files(self) -> list[StoredFile]:
        with self.state.lock:
            return list(self.state.files)

    @property
    def responses(self) -> list[ResponsePost]:
        with self.state.lock:
            return copy.deepcopy(self.state.responses)

    def wait_for(self, condition: Callable[[], T], *, timeout: float = 20.0) -> T:
        """Block until ``condition()`` is truthy (re-checked on every change); return it.

        For listeners that act after acknowledging."""
        return self.state.wait_for(condition, timeout)

    # what Slack does on the user's side (used by the driver) -------------------------------

    def issue_trigger(self, user_id: str) -> str:
        """A fresh trigger_id for an interaction by ``user_id``; views.open exchanges it once."""
        return self.state.issue_trigger(user_id)

    def response_url(self, user_id: str, channel: str, message_ts: str | None) -> str:
        key = self.state.new_response_target(ResponseTarget(user_id, channel, message_ts))
        return f"{self.base_url}response/{key}"

    def apply_view_submission_answer(self, view_id: str, answer: Any) -> None:
        """Close, update or push as Slack does with the app's view_submission answer."""
        if self._server is None:
            raise RuntimeError("the stand-in is not running: call start() first")
        with self.state.lock:
            stored = self.state.views.get(view_id)
            if stored is not None:
                views.apply_submission_answer(self._server.ctx, stored, answer)
