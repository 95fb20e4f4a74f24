"""DSO: the standard and the countback method."""

from __future__ import annotations

from decimal import Decimal

import pytest

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money
from faircasso.policies.dso import dso_countback, dso_standard


def test_the_reference_example_gives_thirty_days() -> None:
    days = dso_standard(Money("30000.00"), Money("90000.00"), 90)

    assert days == Decimal("30.00")


def test_standard_dso_is_rounded_to_two_decimals() -> None:
    days = dso_standard(Money("10000.00"), Money("30000.00"), 365)

    assert days == Decimal("121.67")


def test_countback_takes_whole_months_then_a_fraction_of_the_last() -> None:
    months = [(31, Money("20000.00")), (30, Money("15000.00")), (31, Money("10000.00"))]

    days = dso_countback(Money("40000.00"), months)

    assert days == Decimal("76.50")


def test_countback_without_enough_months_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        dso_countback(Money("40000.00"), [(31, Money("20000.00"))])

    assert str(caught.value) == (
        "Invalid monthly sales '1 months': expected enough months to use up the "
        "receivables of EUR 40,000.00; EUR 20,000.00 is left."
    )


def test_standard_dso_without_sales_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        dso_standard(Money("100.00"), Money.zero(), 30)

    assert str(caught.value) == (
        "Invalid credit sales 'EUR 0.00': expected more than EUR 0.00 in the period."
    )
