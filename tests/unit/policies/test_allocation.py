"""Allocation of payments: across debts (art. 6:43) and within one (6:44)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money, total_of
from faircasso.policies.allocation import Allocation, Debt, allocate_payment
from strategies import dates, debts, money

ON = date(2025, 7, 1)


def debt(key: str, due: date, costs: str, interest: str, principal: str) -> Debt:
    return Debt(key, due, Money(costs), Money(interest), Money(principal))


def paid(allocation: Allocation, key: str) -> tuple[str, str, str]:
    line = next(line for line in allocation.lines if line.key == key)
    return (
        str(line.costs.amount),
        str(line.interest.amount),
        str(line.principal.amount),
    )


def test_the_reference_example_pays_costs_then_interest() -> None:
    invoice = debt("F-1", date(2024, 2, 29), "150.00", "89.63", "1000.00")

    result = allocate_payment(Money("200.00"), [invoice], on=ON)

    assert paid(result, "F-1") == ("150.00", "50.00", "0.00")
    assert result.surplus == Money.zero()


def test_the_oldest_due_debt_is_paid_first() -> None:
    older = debt("old", date(2024, 1, 1), "0.00", "0.00", "100.00")
    newer = debt("new", date(2024, 6, 1), "0.00", "0.00", "100.00")

    result = allocate_payment(Money("150.00"), [newer, older], on=ON)

    assert paid(result, "old") == ("0.00", "0.00", "100.00")
    assert paid(result, "new") == ("0.00", "0.00", "50.00")
    assert result.order == (("old",), ("new",))


def test_a_due_debt_goes_before_an_older_dated_debt_not_yet_due() -> None:
    due = debt("due", date(2025, 6, 1), "0.00", "0.00", "100.00")
    not_due = debt("later", date(2025, 8, 1), "0.00", "0.00", "100.00")

    result = allocate_payment(Money("100.00"), [not_due, due], on=ON)

    assert paid(result, "due") == ("0.00", "0.00", "100.00")
    assert paid(result, "later") == ("0.00", "0.00", "0.00")


def test_the_designated_debt_comes_first_and_the_rest_follows_the_law() -> None:
    older = debt("old", date(2024, 1, 1), "0.00", "0.00", "100.00")
    chosen = debt("chosen", date(2025, 1, 1), "10.00", "0.00", "50.00")

    result = allocate_payment(
        Money("100.00"), [older, chosen], on=ON, designated="chosen"
    )

    assert paid(result, "chosen") == ("10.00", "0.00", "50.00")
    assert paid(result, "old") == ("0.00", "0.00", "40.00")


def test_equally_old_debts_share_pro_rata_by_largest_remainder() -> None:
    first = debt("A", date(2025, 1, 1), "0.00", "0.00", "100.00")
    second = debt("B", date(2025, 1, 1), "0.00", "0.00", "200.00")

    result = allocate_payment(Money("100.00"), [first, second], on=ON)

    assert paid(result, "A") == ("0.00", "0.00", "33.33")
    assert paid(result, "B") == ("0.00", "0.00", "66.67")
    assert result.order == (("A", "B"),)


def test_a_tied_odd_cent_goes_to_the_debt_given_first() -> None:
    owed = [debt(key, date(2025, 1, 1), "0.00", "0.00", "100.00") for key in "ABC"]

    result = allocate_payment(Money("100.00"), owed, on=ON)

    assert [line.principal for line in result.lines] == [
        Money("33.34"),
        Money("33.33"),
        Money("33.33"),
    ]


def test_competing_due_debts_mark_most_burdensome_as_unconfirmed() -> None:
    first = debt("A", date(2025, 1, 1), "0.00", "0.00", "100.00")
    second = debt("B", date(2025, 2, 1), "0.00", "0.00", "100.00")

    result = allocate_payment(Money("50.00"), [first, second], on=ON)

    assert result.record.unconfirmed == (
        "which debt is most burdensome (art. 6:43(2) BW); all were treated as "
        "equally burdensome",
    )


def test_what_no_debt_needs_is_kept_apart_as_surplus() -> None:
    invoice = debt("F-1", date(2025, 1, 1), "40.00", "1.00", "100.00")

    result = allocate_payment(Money("200.00"), [invoice], on=ON)

    assert result.surplus == Money("59.00")
    assert not result.record.is_unconfirmed


def test_a_designated_debt_that_does_not_exist_is_refused() -> None:
    invoice = debt("F-1", date(2025, 1, 1), "0.00", "0.00", "100.00")

    with pytest.raises(InvalidValueError) as caught:
        allocate_payment(Money("10.00"), [invoice], on=ON, designated="F-9")

    assert str(caught.value) == "Invalid designated debt 'F-9': expected one of F-1."


def test_two_debts_with_one_key_are_refused() -> None:
    invoice = debt("F-1", date(2025, 1, 1), "0.00", "0.00", "100.00")

    with pytest.raises(InvalidValueError) as caught:
        allocate_payment(Money("10.00"), [invoice, invoice], on=ON)

    assert str(caught.value) == (
        "Invalid debt key 'F-1': expected a key used by one debt only."
    )


def test_a_negative_payment_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        allocate_payment(Money("-1.00"), [], on=ON)

    assert (
        str(caught.value) == "Invalid payment 'EUR -1.00': expected EUR 0.00 or more."
    )


@settings(max_examples=150, deadline=None)
@given(amount=money(0, 1_000_000), owed=debts(), on=dates())
def test_allocation_accounts_for_every_cent(
    amount: Money, owed: list[Debt], on: date
) -> None:
    result = allocate_payment(amount, owed, on=on)

    assert total_of(line.total for line in result.lines) + result.surplus == amount
    assert all(
        line.total <= d.outstanding for line, d in zip(result.lines, owed, strict=True)
    )


@settings(max_examples=150, deadline=None)
@given(amount=money(0, 1_000_000), owed=debts())
def test_no_principal_is_paid_while_costs_or_interest_of_that_debt_remain(
    amount: Money, owed: list[Debt]
) -> None:
    result = allocate_payment(amount, owed, on=ON)

    for line, d in zip(result.lines, owed, strict=True):
        if line.principal.is_positive():
            assert (line.costs, line.interest) == (d.costs, d.interest)
        if line.interest.is_positive():
            assert line.costs == d.costs


@settings(max_examples=150, deadline=None)
@given(amount=money(0, 1_000_000), owed=debts(), on=dates(), pick=st.booleans())
def test_no_debt_is_paid_while_an_earlier_one_in_the_order_is_open(
    amount: Money, owed: list[Debt], on: date, pick: bool
) -> None:
    designated = owed[-1].key if pick else None

    result = allocate_payment(amount, owed, on=on, designated=designated)

    lines = {line.key: line for line in result.lines}
    owing = {d.key: d.outstanding for d in owed}
    fully_paid = [
        all(lines[k].total == owing[k] for k in group) for group in result.order
    ]
    got_money = [
        any(lines[k].total.is_positive() for k in group) for group in result.order
    ]
    for index, received in enumerate(got_money):
        if received:
            assert all(fully_paid[:index])
    if designated is not None:
        assert result.order[0] == (designated,)
