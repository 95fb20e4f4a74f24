"""The projection process: follow the event store and keep the views caught up.

Engines opened with ``views="external"`` store events without touching
the views; this loop applies them, one batch per transaction through
:meth:`~faircasso.projections.views.Views.catch_up`, so it can stop or
crash anywhere and resume without skipping or repeating an event. Several
runners on one store are safe: each batch locks the position it moves.

Between rounds it waits for news. On PostgreSQL it listens on the events
table's channel, which the event recorder notifies in every transaction
that inserts events, and wakes as soon as one commits; the wait still
times out after ``interval`` seconds, so nothing depends on a notification
arriving. On SQLite it sleeps ``interval`` seconds.

SIGTERM and the ``stop`` event end the loop after the batch in hand;
Ctrl-C (KeyboardInterrupt) ends it at once, rolling back the batch in
hand. Logging (logger ``faircasso.projections.runner``): one INFO line per
batch applied, one when it starts and one when it stops.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, Protocol

from faircasso.domain.errors import InvalidValueError
from faircasso.projections.views import BATCH, Views

logger = logging.getLogger(__name__)

# Limitation: with views="external", Engine.advance_to finds due deadlines in the
# views, so it fires only those a projection process has applied already.

SLICE_SECONDS = 0.25


class _Waiter(Protocol):
    def wait(self, stop: threading.Event, timeout: float) -> None: ...

    def close(self) -> None: ...


def run(
    views: Views,
    *,
    interval: float = 0.5,
    once: bool = False,
    stop: threading.Event | None = None,
) -> int:
    """Apply new events to ``views`` as they are committed; returns how many.

    With ``once``, catches up with what is stored now and returns. Else
    runs until ``stop`` is set, SIGTERM arrives (when called from the main
    thread) or Ctrl-C is pressed. A failed round is logged and tried again
    after ``interval``; with ``once`` it raises.
    """
    if not interval > 0:
        raise InvalidValueError("interval", interval, "a number of seconds above 0")
    stop = stop or threading.Event()
    applied = [0]
    logger.info("following events at %s", views.url.describe())
    waiter = _listener(views) if views.dialect.postgres and not once else _Sleeper()
    try:
        with _stop_on_sigterm(stop):
            _loop(views, waiter, interval, once, stop, applied)
    except KeyboardInterrupt:
        logger.info("interrupted; the batch in hand was rolled back")
    finally:
        waiter.close()
    logger.info("stopped at position %d", views.position())
    return applied[0]


def _loop(
    views: Views,
    waiter: _Waiter,
    interval: float,
    once: bool,
    stop: threading.Event,
    applied: list[int],
) -> None:
    """Catch up and wait until stopped, counting the events in ``applied[0]``."""
    while not stop.is_set():
        try:
            count = _one_batch(views)
        except Exception:
            if once:
                raise
            # Limitation: a batch under way when a rebuild switches versions
            # fails once (logged here); the next round applies it to the new one.
            logger.exception("catching up failed; trying again in %.1f s", interval)
            count = 0
        applied[0] += count
        # A full batch means more may be waiting: take it without a pause.
        if count >= BATCH:
            continue
        if once:
            break
        waiter.wait(stop, interval)


def _one_batch(views: Views) -> int:
    started = time.perf_counter()
    count = views.catch_up(batch=BATCH, limit=BATCH)
    if count:
        logger.info(
            "applied %d events up to position %d in %.3f s",
            count,
            views.position(),
            time.perf_counter() - started,
        )
    return count


class _Sleeper:
    """Waits by sleeping; wakes early when stopped."""

    def wait(self, stop: threading.Event, timeout: float) -> None:
        stop.wait(timeout)

    def close(self) -> None:
        """Nothing to release."""


class _Listener:
    """Waits for a notification on the events table's channel (PostgreSQL)."""

    def __init__(self, views: Views, channel: str) -> None:
        import psycopg  # noqa: PLC0415 - only with the postgres extra installed
        from psycopg import sql  # noqa: PLC0415

        url = views.url
        self.connection = psycopg.connect(
            host=url.host,
            port=url.port,
            user=url.user,
            password=url.password or None,
            dbname=url.dbname,
            autocommit=True,
        )
        self.connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

    def wait(self, stop: threading.Event, timeout: float) -> None:
        # Short slices, so that a stop (SIGTERM) is seen within one: a signal
        # does not cut a wait on the connection short.
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or self._notified(min(left, SLICE_SECONDS)):
                return

    def _notified(self, seconds: float) -> bool:
        notified = any(self.connection.notifies(timeout=seconds, stop_after=1))
        # Several commits may have notified: one round takes them all.
        while notified and any(self.connection.notifies(timeout=0.01, stop_after=1)):
            pass
        return notified

    def close(self) -> None:
        self.connection.close()


def _listener(views: Views) -> _Waiter:
    # Limitation: the channel is named after the events table, not the schema, so
    # stores in other schemas of the database wake the runner too, to no effect.
    channel: str = views.store.recorder.channel_name  # type: ignore[attr-defined]
    logger.debug("listening on channel %s", channel)
    return _Listener(views, channel)


@contextmanager
def _stop_on_sigterm(stop: threading.Event) -> Iterator[None]:
    """Let SIGTERM set ``stop`` while the loop runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    received: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        stop.set()

    previous: Any = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        if received:
            logger.info("SIGTERM received; stopped after the batch in hand")
