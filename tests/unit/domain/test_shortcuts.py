"""The shortcuts a large intake takes give what the long way gives.

Arithmetic on Money skips the constructor's checks, a starting interest
state skips the checks that hold by construction, a limitation date is
computed once per due date, and a table's recorded text once per set of
rows. Each result must equal the one made the long way.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faircasso.domain import rules
from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money
from faircasso.domain.values import Invoice
from faircasso.policies.interest import InterestState
from faircasso.policies.limitation import limitation_date
from faircasso.policies.table_format import rows_text
from faircasso.policies.tables import default_tables
from strategies import money

CENTS = st.integers(min_value=-(10**12), max_value=10**12)


@given(CENTS, CENTS, st.integers(min_value=-1000, max_value=1000))
def test_arithmetic_on_money_equals_money_made_with_every_check(
    a: int, b: int, factor: int
) -> None:
    x, y = Money.from_cents(a), Money.from_cents(b)

    results = [x + y, x - y, -x, abs(x), x * factor]

    long_way = [
        Money(x.amount + y.amount),
        Money(x.amount - y.amount),
        Money(-x.amount),
        Money(abs(x.amount)),
        Money(x.amount * factor),
    ]
    assert results == long_way
    assert [repr(r) for r in results] == [repr(m) for m in long_way]
    assert [r.cents for r in results] == [a + b, a - b, -a, abs(a), a * factor]


def test_zero_is_one_immutable_value_per_currency() -> None:
    zero = Money.zero()

    assert zero is Money.zero()
    assert zero == Money("0.00")
    assert Money.zero("USD") == Money("0", "USD")
    with pytest.raises(AttributeError):
        zero.amount = 5  # type: ignore[misc]


@given(money(min_cents=0))
def test_a_starting_interest_state_equals_one_built_with_every_check(
    principal: Money,
) -> None:
    start = date(2026, 1, 16)

    state = InterestState.starting(principal, start)

    assert state == InterestState(principal, Money.zero(), Money.zero(), start, start)


def test_a_starting_interest_state_refuses_a_negative_principal() -> None:
    with pytest.raises(InvalidValueError) as refused:
        InterestState.starting(Money("-1.00"), date(2026, 1, 16))

    assert str(refused.value) == (
        "Invalid principal 'EUR -1.00': expected EUR 0.00 or more."
    )


@pytest.mark.parametrize("consumer_sale", [False, True])
def test_invoices_sharing_a_due_date_get_the_limitation_the_rule_gives(
    consumer_sale: bool,
) -> None:
    invoices = [
        Invoice(
            number=f"F-{n}",
            invoice_date=date(2025, 11, 1),
            due_date=date(2025, 12, 1),
            principal=Money(f"{n}.00"),
            consumer_sale=consumer_sale,
        )
        for n in (10, 20)
    ]

    outcomes = [rules.limitation(invoice, ()) for invoice in invoices]

    expected = limitation_date(date(2025, 12, 1), consumer_sale=consumer_sale)
    assert {o.date for o in outcomes} == {expected.date}
    assert [o.record for o in outcomes] == [expected.record] * 2


def test_a_table_records_the_text_of_the_rows_it_was_asked() -> None:
    table = default_tables().bik_scale
    rows = table.version_on(date(2026, 3, 2))

    first, again = table.recorded(rows), table.recorded(list(rows))

    assert first == again == {"table:bik_scale": rows_text(table.spec, list(rows))}
    assert table.recorded(rows[:1]) == {
        "table:bik_scale": rows_text(table.spec, list(rows[:1]))
    }
