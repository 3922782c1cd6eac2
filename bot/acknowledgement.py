"""Slack hears back the moment a listener acknowledges, not at Bolt's next 10 ms look.

With Bolt's default ``process_before_response=False``, a listener runs on Bolt's pool while the
request thread sleeps in 10 ms steps until ``ack()`` has been called. Our listeners commit
before they acknowledge, so a commit of 11 ms was answered at about 20 ms and one of 21 ms at
about 30 ms. Here the app runs with ``process_before_response=True``: Bolt calls the listener
in the request thread and answers Slack when it returns. ``AcknowledgingRegistrar`` registers
each listener wrapped so that it runs on the pool and the request thread waits on an event that
``ack()`` sets: the answer goes out as soon as the listener acknowledges, and everything after
``ack()`` (updating the card, opening a modal) carries on, on the pool, as before.

Once it has acknowledged, the listener pauses for ``HEAD_START_SECONDS`` before going on. The
answer is finished and written by other threads (Bolt's, then waitress's), and each needs the
GIL; a listener that went straight on to build and send the next card would hold the GIL for
up to Python's 5 ms switch interval at a time, and the answer would wait behind it. The pause
costs the card update 2 ms that nobody sees.

A listener that takes no ``ack`` (an event) is handed to the pool at once; Bolt acknowledges
events itself. An error raised before the acknowledgement reaches Bolt's error handler, so Slack
gets a 500 as it would have; one raised after it is logged here, as Bolt would have logged it.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

from slack_bolt import Ack, App

Listener = Callable[..., Any]

logger = logging.getLogger("bot.app")

HEAD_START_SECONDS = 0.002


class SignallingAck:
    """Bolt's ``ack``, which also releases the request thread waiting for it."""

    def __init__(self, ack: Ack, acknowledged: threading.Event) -> None:
        self._ack = ack
        self._acknowledged = acknowledged

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self._ack(*args, **kwargs)
        finally:
            self._acknowledged.set()
            time.sleep(HEAD_START_SECONDS)  # the answer goes out first


def answered_at_ack(listener: Listener, pool: Executor) -> Listener:
    """``listener``, run on ``pool``; the call returns once it has acknowledged or finished.

    ``functools.wraps`` keeps Bolt's argument injection: Bolt reads the argument names of the
    unwrapped listener and passes them as keywords.
    """

    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        ack = kwargs.get("ack")
        if ack is None:
            pool.submit(listener, **kwargs).add_done_callback(_log_failure)
            return
        acknowledged = threading.Event()
        kwargs["ack"] = SignallingAck(ack, acknowledged)
        running = pool.submit(listener, **kwargs)
        running.add_done_callback(lambda _: acknowledged.set())
        acknowledged.wait()
        if running.done() and ack.response is None:
            running.result()  # raises what stopped the listener before it acknowledged
        else:
            running.add_done_callback(_log_failure)

    return run


def _log_failure(finished: Future[Any]) -> None:
    error = finished.exception()
    if error is not None:
        logger.error("listener failed after acknowledging", exc_info=error)


class AcknowledgingRegistrar:
    """The part of Bolt's ``App`` our listener modules register with, each listener wrapped by
    ``answered_at_ack``."""

    def __init__(self, app: App, pool: Executor) -> None:
        self._app = app
        self._pool = pool

    def _registering(self, register: Callable[[Listener], Any]) -> Callable[[Listener], None]:
        def add(listener: Listener) -> None:
            register(answered_at_ack(listener, self._pool))

        return add

    def action(self, constraints: Any) -> Callable[[Listener], None]:
        return self._registering(self._app.action(constraints))

    def view(self, constraints: Any) -> Callable[[Listener], None]:
        return self._registering(self._app.view(constraints))

    def command(self, command: str) -> Callable[[Listener], None]:
        return self._registering(self._app.command(command))

    def event(self, event: str) -> Callable[[Listener], None]:
        return self._registering(self._app.event(event))
