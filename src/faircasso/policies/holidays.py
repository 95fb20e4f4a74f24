"""Dutch public holidays and the days on which post is delivered.

The holidays are computed, not tabled, because they follow fixed rules:

- New Year's Day, 1 January;
- Easter Sunday and Easter Monday;
- King's Day, 27 April, or 26 April when the 27th is a Sunday (from 2014;
  before that Queen's Day, 30 April, or 29 April when the 30th is a Sunday);
- Liberation Day, 5 May, in lustrum years only (2020, 2025, ...);
- Ascension Day, 39 days after Easter Sunday;
- Whit Sunday and Whit Monday, 49 and 50 days after Easter Sunday;
- Christmas Day and Boxing Day, 25 and 26 December.

Good Friday is not in the list: post is delivered on it. Easter Sunday and
Whit Sunday are listed for completeness; they are Sundays anyway.

A *postal day* is one on which a letter can arrive: not a Sunday, not a
Monday (no letter delivery on Mondays) and not a public holiday. The
14-day letter rule counts delivery in postal days (HR 25 November 2016).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

_SUNDAY = 6
_MONDAY = 0
_KINGS_DAY_FROM = 2014


def easter_sunday(year: int) -> date:
    """Easter Sunday of ``year`` in the Gregorian calendar.

    The Meeus/Jones/Butcher method: the moon's age at the start of the year
    (the epact) gives the paschal full moon, and Easter is the Sunday after.
    """
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon_correction = (century - correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon_correction + 15) % 30
    quarter, year_rest = divmod(year_of_century, 4)
    weekday = (32 + 2 * century_rest + 2 * quarter - epact - year_rest) % 7
    shift = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * shift + 114, 31)
    return date(year, month, day + 1)


def royal_day(year: int) -> date:
    """King's Day (Queen's Day before 2014), moved back a day from a Sunday."""
    day = date(year, 4, 27) if year >= _KINGS_DAY_FROM else date(year, 4, 30)
    if day.weekday() == _SUNDAY:
        return day - timedelta(days=1)
    return day


@cache
def dutch_public_holidays(year: int) -> frozenset[date]:
    """The Dutch public holidays of ``year`` listed in this module's docstring."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1),
        easter,
        easter + timedelta(days=1),
        royal_day(year),
        easter + timedelta(days=39),
        easter + timedelta(days=49),
        easter + timedelta(days=50),
        date(year, 12, 25),
        date(year, 12, 26),
    }
    if year % 5 == 0:
        days.add(date(year, 5, 5))
    return frozenset(days)


def is_postal_day(day: date) -> bool:
    """True when post is delivered on ``day``: not a Sunday, Monday or holiday."""
    if day.weekday() in (_SUNDAY, _MONDAY):
        return False
    return day not in dutch_public_holidays(day.year)


def postal_days_after(day: date, count: int) -> date:
    """The ``count``-th postal day after ``day``."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_postal_day(current):
            remaining -= 1
    return current
