"""Calendar arithmetic the rules share: months, years and anniversaries.

A date moved by whole months keeps its day of the month where that month
has it, and otherwise lands on the month's last day: 31 January plus one
month is 28 (or 29) February, and 29 February plus one year is 28 February.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` whole months, clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    """``day`` moved by ``years`` whole years; 29 February becomes the 28th."""
    return add_months(day, 12 * years)


def anniversaries(anchor: date, after: date, through: date) -> Iterator[date]:
    """The anniversaries of ``anchor`` after ``after``, up to and including ``through``.

    Each is counted from ``anchor`` itself, so an anchor of 29 February has
    its anniversaries on 28 February in common years and 29 February again
    in leap years.
    """
    years = 1
    while (day := add_years(anchor, years)) <= through:
        if day > after:
            yield day
        years += 1
