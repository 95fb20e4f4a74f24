"""Clocks: where faircasso gets the time from.

Nothing in faircasso reads the computer's clock directly. The engine holds a
:class:`Clock`; events take their recording time from the clock that is
current while a command runs (see :func:`using_clock`). A test or a
simulation passes a :class:`VirtualClock` and moves it by hand, so a year
runs in seconds and replays exactly.

Two times are kept apart: the *business date* (the day something legally
happened, a :class:`~datetime.date`) and the *recording time* (when the
event was stored, an aware :class:`~datetime.datetime` in UTC).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from typing import Final, Protocol

from faircasso.domain.errors import ClockError


class Clock(Protocol):
    """A source of the current business date and recording time."""

    def today(self) -> date:
        """The current business date."""
        ...

    def now(self) -> datetime:
        """The current recording time, timezone-aware."""
        ...


class SystemClock:
    """The computer's clock, in UTC."""

    def today(self) -> date:
        """Today's date in UTC."""
        return datetime.now(UTC).date()

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class VirtualClock:
    """A clock that moves only when told to.

    ``now()`` is the start of the current day plus one microsecond per
    reading, so recording times are distinct, increasing and the same on
    every run with the same steps.
    """

    def __init__(self, start: date, *, ticks: int = 0) -> None:
        self._today = start
        self._ticks = ticks

    def today(self) -> date:
        """The date the clock was last moved to."""
        return self._today

    def now(self) -> datetime:
        """Midnight UTC of today, plus one microsecond per earlier reading."""
        self._ticks += 1
        midnight = datetime.combine(self._today, time(), tzinfo=UTC)
        return midnight + timedelta(microseconds=self._ticks)

    def move_to(self, day: date) -> None:
        """Move to ``day``; the clock never runs backwards."""
        if day < self._today:
            raise ClockError(day, self._today, "a virtual clock only moves forward")
        if day != self._today:
            self._ticks = 0
        self._today = day

    def __repr__(self) -> str:
        return f"VirtualClock({self._today.isoformat()})"


_SYSTEM_CLOCK: Final = SystemClock()
_current_clock: ContextVar[Clock | None] = ContextVar("faircasso_clock", default=None)


def current_clock() -> Clock:
    """The clock of the command being run, or the system clock outside one."""
    return _current_clock.get() or _SYSTEM_CLOCK


@contextmanager
def using_clock(clock: Clock) -> Iterator[Clock]:
    """Make ``clock`` the current clock for the duration of the block."""
    token = _current_clock.set(clock)
    try:
        yield clock
    finally:
        _current_clock.reset(token)
