"""Money: exact cents, one currency, splits that keep every cent."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faircasso.domain.errors import CurrencyMismatchError, InvalidMoneyError
from faircasso.domain.money import Money, split_cents, total_of
from strategies import money, weights

# -- making amounts ------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_amount", "expected"),
    [
        ("12.34", "12.34"),
        (" 12.34 ", "12.34"),
        ("12.340", "12.34"),
        (Decimal("12.3"), "12.30"),
        ("1E+2", "100.00"),
    ],
)
def test_an_amount_in_whole_cents_is_kept_exactly(
    given_amount: object, expected: str
) -> None:
    amount = Money(given_amount)  # type: ignore[arg-type]

    assert str(amount.amount) == expected
    assert amount.currency == "EUR"


def test_an_int_is_a_number_of_euros_and_from_cents_a_number_of_cents() -> None:
    assert Money(12) == Money("12.00")
    assert Money.from_cents(1234) == Money("12.34")
    assert Money.from_cents(-5) == Money("-0.05")
    assert Money("12.34").cents == 1234
    assert Money.zero() == Money("0.00")


def test_money_reads_and_prints_with_its_currency() -> None:
    amount = Money("1234.5")

    assert str(amount) == "EUR 1,234.50"
    assert repr(amount) == "Money('1234.50', 'EUR')"
    assert str(Money("-3", "USD")) == "USD -3.00"


def test_equal_amounts_are_equal_and_hash_alike() -> None:
    assert Money("1") == Money("1.00")
    assert hash(Money("1")) == hash(Money("1.00"))
    assert Money("1") != Money("1", "USD")
    assert Money("1") != Decimal("1.00")


def test_a_float_is_refused_because_it_cannot_hold_cents_exactly() -> None:
    with pytest.raises(InvalidMoneyError) as refused:
        Money(0.1)  # type: ignore[arg-type]

    assert str(refused.value) == (
        "Invalid money value 0.1: expected a Decimal, int or str; "
        "floats cannot hold cents exactly."
    )
    assert refused.value.value == 0.1


def test_a_bool_is_refused_as_an_amount() -> None:
    with pytest.raises(InvalidMoneyError) as refused:
        Money(True)

    assert str(refused.value) == (
        "Invalid money value True: expected a Decimal, int or str; "
        "floats cannot hold cents exactly."
    )


def test_a_fraction_of_a_cent_is_refused_rather_than_rounded() -> None:
    with pytest.raises(InvalidMoneyError) as refused:
        Money("12.345")

    assert str(refused.value) == (
        "Invalid money value '12.345': expected at most two decimals "
        "(whole cents); round it first."
    )


@pytest.mark.parametrize(
    ("given_amount", "message"),
    [
        ("12,34", "Invalid money value '12,34': expected a number such as '12.34'."),
        ("NaN", "Invalid money value 'NaN': expected a finite number."),
        ("Infinity", "Invalid money value 'Infinity': expected a finite number."),
        ([1], "Invalid money value [1]: expected a Decimal, int or str."),
    ],
)
def test_what_is_not_a_finite_number_is_refused(
    given_amount: object, message: str
) -> None:
    with pytest.raises(InvalidMoneyError) as refused:
        Money(given_amount)  # type: ignore[arg-type]

    assert str(refused.value) == message


@pytest.mark.parametrize("currency", ["eur", "EURO", "E1R", ""])
def test_a_currency_must_be_a_three_letter_iso_code(currency: str) -> None:
    with pytest.raises(InvalidMoneyError) as refused:
        Money("1.00", currency)

    assert str(refused.value) == (
        f"Invalid money value {currency!r}: expected a three-letter ISO 4217 "
        "currency code such as 'EUR'."
    )


def test_from_cents_takes_a_whole_number_of_cents_only() -> None:
    with pytest.raises(InvalidMoneyError) as refused:
        Money.from_cents(12.0)  # type: ignore[arg-type]

    assert str(refused.value) == (
        "Invalid money value 12.0: expected a whole number of cents (int)."
    )


def test_money_cannot_be_changed_once_made() -> None:
    amount = Money("1.00")

    with pytest.raises(AttributeError, match=r"^Money is immutable$"):
        amount.amount = Decimal("2.00")  # type: ignore[misc]


# -- arithmetic ----------------------------------------------------------------


def test_adding_and_subtracting_keep_cents_exact() -> None:
    assert Money("0.10") + Money("0.20") == Money("0.30")
    assert Money("0.10") - Money("0.30") == Money("-0.20")
    assert -Money("1.50") == Money("-1.50")
    assert abs(Money("-1.50")) == Money("1.50")


def test_multiplying_takes_a_whole_number_only() -> None:
    assert Money("0.35") * 3 == Money("1.05")
    assert 3 * Money("0.35") == Money("1.05")

    with pytest.raises(InvalidMoneyError) as refused:
        Money("1.00") * Decimal("1.5")  # type: ignore[operator]

    assert str(refused.value) == (
        "Invalid money value Decimal('1.5'): expected an int; for rates use "
        "Money.of_rounded(amount * rate) and name the rounding."
    )


def test_rounding_is_explicit_and_names_its_mode() -> None:
    assert Money.of_rounded(Decimal("0.125")) == Money("0.13")
    assert Money.of_rounded(Decimal("0.125"), rounding=ROUND_HALF_EVEN) == Money("0.12")
    assert Money.of_rounded(Decimal("-0.125")) == Money("-0.13")


def test_amounts_compare_by_value_within_one_currency() -> None:
    small, large = Money("1.00"), Money("2.00")

    assert small < large
    assert small <= Money("1.00")
    assert large > small
    assert large >= Money("2.00")
    assert small.min(large) == small
    assert small.max(large) == large
    assert Money("0.00").is_zero()
    assert Money("0.01").is_positive()
    assert Money("-0.01").is_negative()


@pytest.mark.parametrize(
    ("operation", "word"),
    [
        (lambda a, b: a + b, "add"),
        (lambda a, b: a - b, "subtract"),
        (lambda a, b: a < b, "compare"),
        (lambda a, b: a >= b, "compare"),
    ],
)
def test_amounts_in_two_currencies_are_never_mixed(
    operation: object, word: str
) -> None:
    euros, dollars = Money("1.00"), Money("1.00", "USD")

    with pytest.raises(CurrencyMismatchError) as refused:
        operation(euros, dollars)  # type: ignore[operator]

    assert str(refused.value) == (
        f"Cannot {word} EUR and USD amounts: convert them to one currency first."
    )
    assert (refused.value.left, refused.value.right) == ("EUR", "USD")


def test_adding_a_plain_number_to_money_is_refused() -> None:
    with pytest.raises(InvalidMoneyError) as refused:
        Money("1.00") + 1  # type: ignore[operator]

    assert str(refused.value) == (
        "Invalid money value 1: expected Money to add with EUR 1.00."
    )


def test_a_total_of_nothing_is_zero_and_of_mixed_currencies_is_refused() -> None:
    assert total_of([]) == Money.zero()
    assert total_of([Money("1.10"), Money("2.20")]) == Money("3.30")

    with pytest.raises(CurrencyMismatchError):
        total_of([Money("1.00", "USD")])


# -- splitting -----------------------------------------------------------------


def test_a_split_gives_the_left_over_cents_to_the_largest_remainders() -> None:
    assert Money("1.00").split([1, 1, 1]) == [
        Money("0.34"),
        Money("0.33"),
        Money("0.33"),
    ]
    assert Money("1.00").split([1, 2]) == [Money("0.33"), Money("0.67")]
    assert Money("0.05").split([0, 1]) == [Money("0.00"), Money("0.05")]


def test_a_negative_amount_splits_like_its_positive() -> None:
    assert Money("-1.00").split([1, 1, 1]) == [
        Money("-0.34"),
        Money("-0.33"),
        Money("-0.33"),
    ]


@pytest.mark.parametrize(
    ("given_weights", "message"),
    [
        ([], "Invalid money value []: expected at least one weight to split over."),
        (
            [0, 0],
            "Invalid money value [0, 0]: expected non-negative weights, not all zero.",
        ),
        (
            [2, -1],
            "Invalid money value [2, -1]: expected non-negative weights, not all zero.",
        ),
    ],
)
def test_a_split_needs_non_negative_weights_not_all_zero(
    given_weights: list[int], message: str
) -> None:
    with pytest.raises(InvalidMoneyError) as refused:
        split_cents(Money("1.00"), given_weights)

    assert str(refused.value) == message


@given(total=money(-10_000_000, 10_000_000), parts=weights())
def test_a_split_keeps_the_total_and_is_deterministic(
    total: Money, parts: list[int]
) -> None:
    first = split_cents(total, parts)
    second = split_cents(total, list(parts))

    assert first == second
    assert len(first) == len(parts)
    assert sum(part.cents for part in first) == total.cents
    assert all(part.currency == total.currency for part in first)


@given(total=money(0, 10_000_000), parts=weights())
def test_each_share_is_within_a_cent_of_its_exact_proportion(
    total: Money, parts: list[int]
) -> None:
    shares = split_cents(total, parts)

    weight_sum = sum(parts)
    for share, weight in zip(shares, parts, strict=True):
        exact = Decimal(total.cents) * weight / weight_sum
        assert abs(Decimal(share.cents) - exact) < 1
        assert share.cents >= 0


@given(cents=st.integers(-(10**12), 10**12))
def test_cents_and_amounts_convert_both_ways_exactly(cents: int) -> None:
    assert Money.from_cents(cents).cents == cents
