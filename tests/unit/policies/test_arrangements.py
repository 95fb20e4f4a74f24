"""Payment arrangements: schedules to the cent, default, and a fitting plan."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money, split_cents
from faircasso.policies.arrangements import (
    instalment_schedule,
    is_in_default,
    suggest_instalments,
)
from strategies import dates, money, weights


def test_odd_cents_go_on_the_first_instalments() -> None:
    schedule = instalment_schedule(
        Money("100.00"), count=3, first_due=date(2025, 1, 15)
    )

    amounts = [i.amount for i in schedule.instalments]

    assert amounts == [Money("33.34"), Money("33.33"), Money("33.33")]
    assert schedule.record.breakdown == ("1 of EUR 33.34 first, then 2 of EUR 33.33",)


def test_due_dates_keep_the_day_of_month_and_clamp_to_month_end() -> None:
    schedule = instalment_schedule(
        Money("400.00"), count=4, first_due=date(2024, 1, 31)
    )

    due = [i.due_on for i in schedule.instalments]

    assert due == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]


def test_instalments_can_fall_every_quarter() -> None:
    schedule = instalment_schedule(
        Money("90.00"), count=3, first_due=date(2025, 11, 30), interval_months=3
    )

    due = [i.due_on for i in schedule.instalments]

    assert due == [date(2025, 11, 30), date(2026, 2, 28), date(2026, 5, 30)]


def test_more_instalments_than_cents_are_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        instalment_schedule(Money("0.02"), count=3, first_due=date(2025, 1, 1))

    assert str(caught.value) == (
        "Invalid instalment count 3: expected a whole number from 1 to 2."
    )


def test_an_arrangement_survives_missed_instalments_up_to_the_tolerance() -> None:
    within = is_in_default(missed=1, tolerance=1)

    beyond = is_in_default(missed=2, tolerance=1)

    assert not within
    assert beyond


def test_the_suggestion_is_the_shortest_plan_within_capacity() -> None:
    suggestion = suggest_instalments(Money("1000.00"), Money("90.00"))

    assert suggestion.fits
    assert suggestion.count == 12
    assert suggestion.instalment == Money("83.34")


def test_a_plan_longer_than_the_maximum_does_not_fit() -> None:
    suggestion = suggest_instalments(Money("5000.00"), Money("50.00"), max_months=36)

    assert not suggestion.fits
    assert suggestion.count == 100


def test_without_capacity_no_plan_is_suggested() -> None:
    suggestion = suggest_instalments(Money("500.00"), Money.zero())

    assert not suggestion.fits
    assert suggestion.count is None
    assert suggestion.record.result == "no capacity"


@settings(max_examples=150, deadline=None)
@given(total=money(1, 10_000_000), count=st.integers(1, 120), first=dates())
def test_schedules_keep_the_total_and_differ_by_at_most_a_cent(
    total: Money, count: int, first: date
) -> None:
    count = min(count, total.cents)

    schedule = instalment_schedule(total, count=count, first_due=first)

    cents = [i.amount.cents for i in schedule.instalments]
    assert sum(cents) == total.cents
    assert max(cents) - min(cents) <= 1
    assert cents == sorted(cents, reverse=True)


@settings(max_examples=150, deadline=None)
@given(total=money(-10_000_000, 10_000_000), parts=weights())
def test_a_split_never_loses_a_cent(total: Money, parts: list[int]) -> None:
    shares = split_cents(total, parts)

    assert sum(share.cents for share in shares) == total.cents
