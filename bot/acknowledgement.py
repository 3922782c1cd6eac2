"""Slack hears back the moment a listener acknowledges, not at Bolt's next 10 ms look.

With Bolt's default ``process_before_response=False``, a listener runs on Bolt's pool while the
request thread sleeps in 10 ms steps until ``ack()`` has been called. Our listeners commit
before they acknowledge, so a commit of 11 ms was answered at about 20 ms and one of 21 ms at
about 30 ms. Here the app runs with ``process_before_response=True``: Bolt calls the listener
in the request thread and answers Slack when it returns. ``AcknowledgingRegistrar`` registers
each listener wrapped so that it runs on the pool and the request thread waits on an event that
``ack()`` sets: the answer goes out as soon as the listener acknowledges, and everything after
``ack()`` (updating the card, opening a modal) carries on, on the pool, as before.

Once it has acknowledged, the listener waits until no other request is waiting for its own
acknowledgement (``Unanswered``, at most ``YIELD_SECONDS``), then pauses for
``HEAD_START_SECONDS`` before going on. Answers are finished and written by other threads
(Bolt's, then waitress's), and every thread needs the GIL; a listener that went straight on to
build and send the next card would hold the GIL for up to Python's 5 ms switch interval at a
time, and a click arriving meanwhile (above all a submit, which does the most before its
acknowledgement) would wait behind it. The card update is late by at most ``YIELD_SECONDS``,
which nobody notices; the acknowledgements, which Slack times, are not delayed at all. In
`dipsample serve` the outbox dispatcher, which runs every few seconds on one of the scheduler's
threads in the same process, waits the same way before each message it sends.

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
YIELD_SECONDS = 0.05


class Unanswered:
    """How many requests have a listener at work that has not acknowledged yet.

    Work after an acknowledgement waits until there are none (at most ``YIELD_SECONDS``), so
    that a card update does not take the GIL from a click that is still being recorded. A click
    still queued for a pool thread is not counted: waiting for it would only keep the threads
    it needs busy for longer."""

    def __init__(self, yield_seconds: float = YIELD_SECONDS) -> None:
        self._yield_seconds = yield_seconds
        self._count = 0
        self._changed = threading.Condition()

    def arrive(self) -> None:
        with self._changed:
            self._count += 1

    def leave(self) -> None:
        with self._changed:
            self._count -= 1
            if self._count == 0:
                self._changed.notify_all()

    def give_way(self) -> None:
        """Wait until no click is at work before its acknowledgement (at most the yield
        bound), then a moment more, so that the last answer is written out before this thread
        goes on."""
        with self._changed:
            self._changed.wait_for(lambda: self._count == 0, timeout=self._yield_seconds)
        time.sleep(HEAD_START_SECONDS)


class SignallingAck:
    """Bolt's ``ack``, which also releases the request thread waiting for it, then lets the
    other clicks at work acknowledge before the listener goes on."""

    def __init__(self, ack: Ack, acknowledged: threading.Event, unanswered: Unanswered) -> None:
        self._ack = ack
        self._acknowledged = acknowledged
        self._unanswered = unanswered

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self._ack(*args, **kwargs)
        finally:
            self._acknowledged.set()
            self._unanswered.give_way()  # other clicks acknowledge, and this one's answer goes out


def answered_at_ack(listener: Listener, pool: Executor, unanswered: Unanswered) -> Listener:
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
        acknowledged, started = threading.Event(), threading.Event()
        kwargs["ack"] = SignallingAck(ack, acknowledged, unanswered)

        def counted(**arguments: Any) -> Any:
            unanswered.arrive()
            started.set()
            return listener(**arguments)

        running = pool.submit(counted, **kwargs)
        running.add_done_callback(lambda _: acknowledged.set())
        try:
            acknowledged.wait()
        finally:
            if started.is_set():  # not when the pool cancelled it before it ran
                unanswered.leave()
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

    def __init__(self, app: App, pool: Executor, unanswered: Unanswered) -> None:
        self._app = app
        self._pool = pool
        self._unanswered = unanswered

    def _registering(self, register: Callable[[Listener], Any]) -> Callable[[Listener], None]:
        def add(listener: Listener) -> None:
            register(answered_at_ack(listener, self._pool, self._unanswered))

        return add

    def action(self, constraints: Any) -> Callable[[Listener], None]:
        return self._registering(self._app.action(constraints))

    def view(self, constraints: Any) -> Callable[[Listener], None]:
        return self._registering(self._app.view(constraints))

    def command(self, command: str) -> Callable[[Listener], None]:
        return self._registering(self._app.command(command))

    def event(self, event: str) -> Callable[[Listener], None]:
        return self._registering(self._app.event(event))
