"""Injected failures: what Slack answers when it is rate limiting or having a bad day."""

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

# 502 and 504 are what a gateway in front of Slack answers when Slack behind it does not.
FAULT_STATUSES = (429, 500, 502, 503, 504)
DROP = 0  # close the connection without answering (a connection error for the client)
# Carry the call out, then close the connection without answering: Slack did it, but the
# client never hears so (as when the sender dies, or the answer is lost on the way back).
DONE_THEN_DROP = -1

_ERRORS = {
    429: "ratelimited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


@dataclass(frozen=True)
class Fault:
    status: int
    retry_after: int = 0

    @property
    def error(self) -> str:
        return _ERRORS.get(self.status, "connection_dropped")


class FaultPlan:
    """Queued faults per method (``"*"`` matches any method), then a reproducible rate."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._queued: dict[str, deque[Fault]] = {}
            self._after: dict[str, deque[Callable[[], None]]] = {}
            self._post_gap: float | None = None  # seconds between posts to one channel
            self._last_post: dict[str, float] = {}
            self._rate = 0.0
            self._rng = random.Random(0)
            self._statuses: tuple[int, ...] = (429, 500)
            self._rate_retry_after = 0

    def fail_next(self, method: str, fault: Fault, times: int) -> None:
        if fault.status not in (*FAULT_STATUSES, DROP, DONE_THEN_DROP):
            raise ValueError(
                f"status must be one of {FAULT_STATUSES} (or DROP), not {fault.status}"
            )
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._queued.setdefault(method, deque()).extend([fault] * times)

    def set_rate(
        self, rate: float, *, seed: int, statuses: tuple[int, ...], retry_after: int
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if not statuses or any(s not in FAULT_STATUSES for s in statuses):
            raise ValueError(f"statuses must be taken from {FAULT_STATUSES}")
        with self._lock:
            self._rate = rate
            self._rng = random.Random(seed)
            self._statuses = tuple(statuses)
            self._rate_retry_after = retry_after

    def limit_posts(self, per_second: float) -> None:
        with self._lock:
            self._post_gap = 1.0 / per_second

    def post_refused(self, channel: str) -> int | None:
        """Slack's per-channel limit on posting (about one message a second): the seconds to
        wait when this post to ``channel`` comes too soon after the last one, else None (and
        the post counts)."""
        with self._lock:
            if self._post_gap is None:
                return None
            now = time.monotonic()
            last = self._last_post.get(channel)
            if last is not None and now - last < self._post_gap:
                return max(1, math.ceil(self._post_gap - (now - last)))
            self._last_post[channel] = now
            return None

    def after_next(self, method: str, action: Callable[[], None]) -> None:
        with self._lock:
            self._after.setdefault(method, deque()).append(action)

    def next_after(self, method: str) -> Callable[[], None] | None:
        """What to do once this call is carried out and before it is answered, if anything."""
        with self._lock:
            queue = self._after.get(method)
            return queue.popleft() if queue else None

    def next_fault(self, method: str) -> Fault | None:
        """The fault to answer this call with, if any (consumes a queued one)."""
        with self._lock:
            for key in (method, "*"):
                queue = self._queued.get(key)
                if queue:
                    return queue.popleft()
            if self._rate > 0.0 and self._rng.random() < self._rate:
                status = self._rng.choice(self._statuses)
                return Fault(status=status, retry_after=self._rate_retry_after)
            return None
