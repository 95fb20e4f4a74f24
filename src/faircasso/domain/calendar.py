"""The store's calendar: whether it runs on real or on virtual time.

A store set up for a simulation or a demonstration keeps its own business
date, moved only by ``advance``. Each move is an event, so an auditor sees
when the store's time was moved and how far. A store without a calendar
runs on the system clock.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from faircasso.domain.clock import current_clock
from faircasso.domain.errors import ClockError

CALENDAR_ID: UUID = uuid5(NAMESPACE_URL, "https://faircasso.nl/ids/calendar")


def _recording_time() -> datetime:
    return current_clock().now()


class CalendarEvent(Aggregate.Event):
    """A change to the store's business date."""

    create_timestamp = staticmethod(_recording_time)


class CalendarStarted(CalendarEvent, Aggregate.Created):
    """The store was set up to run on virtual time from ``today``."""

    today: date

    def apply(self, calendar: Calendar) -> None:
        calendar.today = self.today


class CalendarAdvanced(CalendarEvent):
    """The store's business date moved forward to ``today``."""

    today: date

    def apply(self, calendar: Calendar) -> None:
        calendar.today = self.today


class Calendar(Aggregate):
    """The business date of a store that runs on virtual time."""

    today: date

    def __init__(self) -> None:
        """State comes from the events; see :meth:`start`."""

    @classmethod
    def start(cls, today: date) -> Calendar:
        """Set the store to run on virtual time from ``today``."""
        return cls._create(CalendarStarted, id=CALENDAR_ID, today=today)

    def advance(self, day: date) -> None:
        """Move the business date forward; it never goes back."""
        if day < self.today:
            raise ClockError(day, self.today, "the store's calendar only moves forward")
        if day > self.today:
            self.trigger_event(CalendarAdvanced, today=day)
