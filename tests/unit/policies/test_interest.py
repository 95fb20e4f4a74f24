"""Statutory interest: rate changes, yearly compounding, and step accrual."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from faircasso.domain.errors import InvalidValueError, NoRateInForceError
from faircasso.domain.money import Money
from faircasso.policies.dates import add_years
from faircasso.policies.interest import (
    DayCount,
    InterestKind,
    InterestState,
    accrue_interest,
    apply_interest_payment,
    apply_principal_payment,
    statutory_interest,
)
from strategies import date_ranges, money

CONSUMER = InterestKind.CONSUMER
COMMERCIAL = InterestKind.COMMERCIAL
THOUSAND = Money("1000.00")


def test_the_worked_example_of_the_reference_gives_89_63() -> None:
    result = statutory_interest(
        THOUSAND, kind=CONSUMER, start=date(2024, 3, 1), end=date(2025, 6, 30)
    )

    assert result.amount == Money("89.63")
    assert [(line.days, line.rate, line.base) for line in result.lines] == [
        (306, Decimal("0.07"), THOUSAND),
        (59, Decimal("0.06"), THOUSAND),
        (121, Decimal("0.06"), Money("1068.38")),
    ]
    assert [line.amount for line in result.lines] == [
        Money("58.68"),
        Money("9.70"),
        Money("21.25"),
    ]


def test_line_amounts_are_kept_exact() -> None:
    result = statutory_interest(
        THOUSAND, kind=CONSUMER, start=date(2024, 3, 1), end=date(2025, 1, 1)
    )

    assert result.lines[0].exact.quantize(Decimal("0.000001")) == Decimal("58.684932")


def test_the_day_of_payment_counts_only_when_end_is_the_day_after() -> None:
    paid_on = date(2025, 6, 30)

    without = statutory_interest(
        THOUSAND, kind=CONSUMER, start=date(2024, 3, 1), end=paid_on
    )
    including = statutory_interest(
        THOUSAND, kind=CONSUMER, start=date(2024, 3, 1), end=paid_on + timedelta(1)
    )

    assert sum(line.days for line in without.lines) == 486
    assert sum(line.days for line in including.lines) == 487


def test_commercial_interest_uses_the_half_yearly_commercial_rates() -> None:
    result = statutory_interest(
        Money("10000.00"), kind=COMMERCIAL, start=date(2024, 5, 1), end=date(2024, 9, 1)
    )

    assert [(line.days, line.rate) for line in result.lines] == [
        (61, Decimal("0.125")),
        (62, Decimal("0.1225")),
    ]
    assert result.amount == Money("416.99")
    assert result.record.legal_basis == "arts. 6:119a and 6:120(2) BW"


def test_interest_over_an_unconfirmed_rate_is_marked_so() -> None:
    result = statutory_interest(
        THOUSAND, kind=CONSUMER, start=date(2025, 6, 1), end=date(2025, 8, 1)
    )

    assert result.record.unconfirmed == (
        "interest_consumer 2025-07-01 (rate 0.06) is not confirmed by its sources",
    )


def test_a_leap_day_under_actual_365_is_marked_unconfirmed() -> None:
    result = statutory_interest(
        THOUSAND, kind=CONSUMER, start=date(2024, 2, 1), end=date(2024, 3, 1)
    )

    assert result.record.unconfirmed == (
        "the day count in leap years (1/365 used; 1/366 is the alternative)",
    )


def test_actual_actual_divides_leap_year_days_by_366() -> None:
    result = statutory_interest(
        Money("36600.00"),
        kind=CONSUMER,
        start=date(2024, 12, 1),
        end=date(2025, 2, 1),
        day_count=DayCount.ACTUAL_ACTUAL,
    )

    assert [(line.days, line.amount) for line in result.lines] == [
        (31, Money("217.00")),
        (31, Money("186.51")),
    ]


def test_interest_before_the_first_rate_is_refused() -> None:
    with pytest.raises(NoRateInForceError) as caught:
        statutory_interest(
            THOUSAND, kind=CONSUMER, start=date(2014, 12, 1), end=date(2015, 2, 1)
        )

    assert str(caught.value) == (
        "Table 'interest_consumer' has no entry in force on 2014-12-01; load a "
        "table that covers that date."
    )


def test_an_end_before_the_start_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        statutory_interest(
            THOUSAND, kind=CONSUMER, start=date(2025, 2, 1), end=date(2025, 1, 1)
        )

    assert str(caught.value) == (
        "Invalid end '2025-01-01': expected a date on or after 2025-02-01."
    )


def test_accruing_past_an_anniversary_capitalises_the_unpaid_interest() -> None:
    state = InterestState.starting(THOUSAND, date(2024, 3, 1))

    result, after = accrue_interest(state, kind=CONSUMER, until=date(2025, 6, 30))

    assert result.amount == Money("89.63")
    assert after.capitalised == Money("68.38")
    assert after.unpaid_interest == Money("89.63")
    assert after.accrued_to == date(2025, 6, 30)


def test_an_interest_payment_reduces_the_capitalised_part_first() -> None:
    state = InterestState(
        THOUSAND, Money("68.38"), Money("89.63"), date(2024, 3, 1), date(2025, 6, 30)
    )

    after = apply_interest_payment(state, Money("50.00"))

    assert after.unpaid_interest == Money("39.63")
    assert after.capitalised == Money("18.38")
    assert after.base == Money("1018.38")


def test_paying_more_interest_than_is_unpaid_is_refused() -> None:
    state = InterestState.starting(THOUSAND, date(2024, 3, 1))

    with pytest.raises(InvalidValueError) as caught:
        apply_interest_payment(state, Money("0.01"))

    assert str(caught.value) == (
        "Invalid interest payment 'EUR 0.01': expected EUR 0.00 up to the unpaid "
        "interest of EUR 0.00."
    )


def test_a_principal_payment_lowers_the_base() -> None:
    state = InterestState.starting(THOUSAND, date(2024, 3, 1))

    after = apply_principal_payment(state, Money("400.00"))

    assert after.principal == Money("600.00")
    assert after.base == Money("600.00")


def test_a_state_with_more_capitalised_than_unpaid_interest_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        InterestState(
            THOUSAND, Money("2.00"), Money("1.00"), date(2024, 3, 1), date(2024, 3, 1)
        )

    assert str(caught.value) == (
        "Invalid capitalised interest 'EUR 2.00': expected at most the unpaid "
        "interest EUR 1.00."
    )


@settings(max_examples=60, deadline=None)
@given(
    principal=money(1, 100_000_00),
    kind=st.sampled_from(InterestKind),
    span=date_ranges(max_days=365),
    cut=st.floats(0, 1),
)
def test_interest_over_a_period_equals_the_sum_over_its_parts(
    principal: Money, kind: InterestKind, span: tuple[date, date], cut: float
) -> None:
    start, end = span
    assume(end <= add_years(start, 1))
    middle = start + timedelta(days=int((end - start).days * cut))

    whole = statutory_interest(principal, kind=kind, start=start, end=end)
    first = statutory_interest(principal, kind=kind, start=start, end=middle)
    second = statutory_interest(principal, kind=kind, start=middle, end=end)

    assert abs(whole.amount.cents - (first.amount + second.amount).cents) <= 2


@settings(max_examples=60, deadline=None)
@given(
    principal=money(1, 100_000_00),
    kind=st.sampled_from(InterestKind),
    span=date_ranges(max_days=1500),
    cuts=st.lists(st.floats(0, 1), max_size=6),
)
def test_accruing_in_steps_equals_one_call_within_a_cent_per_step(
    principal: Money, kind: InterestKind, span: tuple[date, date], cuts: list[float]
) -> None:
    start, end = span
    stops = sorted({start + timedelta(days=int((end - start).days * c)) for c in cuts})
    state = InterestState.starting(principal, start)

    for stop in [*stops, end]:
        _, state = accrue_interest(state, kind=kind, until=stop)
    whole = statutory_interest(principal, kind=kind, start=start, end=end)

    steps = len(stops) + 1
    assert abs(state.unpaid_interest.cents - whole.amount.cents) <= steps
