"""The 14-day letter: delivery on the second postal day, then fourteen days."""

from __future__ import annotations

from datetime import date

import pytest

from faircasso.policies.holidays import (
    dutch_public_holidays,
    easter_sunday,
    is_postal_day,
)
from faircasso.policies.letter import costs_are_due, fourteen_day_term


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2008, date(2008, 3, 23)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter_sunday_falls_on_the_known_dates(year: int, expected: date) -> None:
    day = easter_sunday(year)

    assert day == expected


def test_the_holidays_of_2025_are_the_listed_ones() -> None:
    holidays = dutch_public_holidays(2025)

    assert sorted(holidays) == [
        date(2025, 1, 1),
        date(2025, 4, 20),
        date(2025, 4, 21),
        date(2025, 4, 26),
        date(2025, 5, 5),
        date(2025, 5, 29),
        date(2025, 6, 8),
        date(2025, 6, 9),
        date(2025, 12, 25),
        date(2025, 12, 26),
    ]


def test_liberation_day_is_a_holiday_in_lustrum_years_only() -> None:
    lustrum = dutch_public_holidays(2030)

    other = dutch_public_holidays(2026)

    assert date(2030, 5, 5) in lustrum
    assert date(2026, 5, 5) not in other


def test_queens_day_before_2014_moves_to_the_saturday_before_a_sunday() -> None:
    holidays = dutch_public_holidays(2006)

    assert date(2006, 4, 29) in holidays
    assert date(2006, 4, 30) not in holidays


def test_good_friday_is_a_postal_day_and_monday_is_not() -> None:
    good_friday = date(2025, 4, 18)

    monday = date(2025, 4, 28)

    assert is_postal_day(good_friday)
    assert not is_postal_day(monday)


def test_a_letter_sent_on_thursday_arrives_on_saturday() -> None:
    term = fourteen_day_term(date(2025, 1, 2))

    assert term.delivered_on == date(2025, 1, 4)
    assert term.term_ends_on == date(2025, 1, 18)
    assert term.costs_due_from == date(2025, 1, 19)


def test_a_letter_sent_on_friday_skips_sunday_and_monday() -> None:
    term = fourteen_day_term(date(2025, 1, 3))

    assert term.delivered_on == date(2025, 1, 7)
    assert term.term_ends_on == date(2025, 1, 21)
    assert term.costs_due_from == date(2025, 1, 22)


def test_a_letter_sent_on_saturday_arrives_on_wednesday() -> None:
    term = fourteen_day_term(date(2025, 1, 4))

    assert term.delivered_on == date(2025, 1, 8)


def test_a_letter_sent_before_christmas_skips_both_christmas_days() -> None:
    term = fourteen_day_term(date(2025, 12, 23))

    assert term.delivered_on == date(2025, 12, 27)
    assert term.term_ends_on == date(2026, 1, 10)
    assert term.costs_due_from == date(2026, 1, 11)


def test_a_letter_sent_before_kings_day_skips_it_and_the_sunday_and_monday() -> None:
    term = fourteen_day_term(date(2025, 4, 24))

    assert term.delivered_on == date(2025, 4, 29)


def test_a_letter_sent_before_ascension_day_skips_it() -> None:
    term = fourteen_day_term(date(2025, 5, 27))

    assert term.delivered_on == date(2025, 5, 30)


def test_costs_are_not_due_before_the_term_ends() -> None:
    term = fourteen_day_term(date(2025, 1, 2))

    on_last_day = costs_are_due(term, date(2025, 1, 18))
    day_after = costs_are_due(term, date(2025, 1, 19))

    assert not on_last_day
    assert day_after


def test_the_record_explains_the_dates() -> None:
    term = fourteen_day_term(date(2025, 1, 2))

    record = term.record

    assert record.inputs == {"sent_on": "2025-01-02"}
    assert record.result == "costs due from 2025-01-19"
