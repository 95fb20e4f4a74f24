"""Collection costs: the BIK scale, its limits, VAT, and several claims."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings

from faircasso.domain.errors import NonPositiveAmountError, NoRateInForceError
from faircasso.domain.money import Money
from faircasso.domain.values import DebtorKind
from faircasso.policies.costs import (
    collection_costs,
    collection_costs_for_claims,
    commercial_minimum_costs,
)
from strategies import money

ON = date(2025, 3, 1)
CONSUMER = DebtorKind.CONSUMER


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("100.00", "40.00"),
        ("1000.00", "150.00"),
        ("2500.00", "375.00"),
        ("5000.00", "625.00"),
        ("10000.00", "875.00"),
        ("25000.00", "1025.00"),
        ("200000.00", "2775.00"),
        ("1000000.00", "6775.00"),
        ("5000000.00", "6775.00"),
    ],
)
def test_costs_follow_the_worked_values_of_the_reference(
    principal: str, expected: str
) -> None:
    result = collection_costs(Money(principal), debtor=CONSUMER, on=ON)

    assert result.amount == Money(expected)
    assert result.vat_amount == Money.zero()


def test_the_minimum_governs_up_to_266_67() -> None:
    at_threshold = collection_costs(Money("266.67"), debtor=CONSUMER, on=ON)

    just_above = collection_costs(Money("266.68"), debtor=CONSUMER, on=ON)

    assert at_threshold.amount == Money("40.00")
    assert just_above.amount == Money("40.00")
    assert collection_costs(Money("266.70"), debtor=CONSUMER, on=ON).amount == Money(
        "40.01"
    )


def test_a_partly_filled_tier_is_rounded_half_up() -> None:
    result = collection_costs(Money("2600.05"), debtor=CONSUMER, on=ON)

    assert [b.amount for b in result.brackets] == [Money("375.00"), Money("10.01")]
    assert result.amount == Money("385.01")


def test_brackets_show_each_tier_with_its_part_of_the_principal() -> None:
    result = collection_costs(Money("6000.00"), debtor=CONSUMER, on=ON)

    lines = [(b.tier_from, b.tier_to, str(b.rate), b.base) for b in result.brackets]

    assert lines == [
        (Money("0.00"), Money("2500.00"), "0.15", Money("2500.00")),
        (Money("2500.00"), Money("5000.00"), "0.1", Money("2500.00")),
        (Money("5000.00"), Money("10000.00"), "0.05", Money("1000.00")),
    ]


def test_the_vat_surcharge_is_added_on_the_minimum_too() -> None:
    result = collection_costs(
        Money("100.00"), debtor=CONSUMER, on=ON, vat_surcharge=True
    )

    assert result.base_amount == Money("40.00")
    assert result.vat_amount == Money("8.40")
    assert result.amount == Money("48.40")


def test_the_vat_surcharge_uses_the_rate_in_force_on_the_day() -> None:
    before = collection_costs(
        Money("1000.00"), debtor=CONSUMER, on=date(2012, 9, 30), vat_surcharge=True
    )

    after = collection_costs(
        Money("1000.00"), debtor=CONSUMER, on=date(2012, 10, 1), vat_surcharge=True
    )

    assert before.vat_amount == Money("28.50")
    assert after.vat_amount == Money("31.50")


def test_costs_plus_vat_above_the_maximum_are_not_capped_and_say_so() -> None:
    result = collection_costs(
        Money("2000000.00"), debtor=CONSUMER, on=ON, vat_surcharge=True
    )

    assert result.amount == Money("8197.75")
    assert result.record.unconfirmed == (
        "whether the VAT surcharge may lift the costs above the maximum "
        "(not capped here)",
    )


def test_costs_plus_vat_can_be_capped_at_the_maximum_by_choice() -> None:
    result = collection_costs(
        Money("2000000.00"),
        debtor=CONSUMER,
        on=ON,
        vat_surcharge=True,
        cap_including_vat=True,
    )

    assert result.amount == Money("6775.00")
    assert result.vat_amount == Money("0.00")
    assert result.record.is_unconfirmed


def test_the_scale_applies_to_a_business_as_default_law() -> None:
    result = collection_costs(Money("1000.00"), debtor=DebtorKind.BUSINESS, on=ON)

    assert result.amount == Money("150.00")
    assert "default law" in result.record.legal_basis


def test_several_claims_of_a_consumer_are_added_up_before_the_scale() -> None:
    principals = [Money("1500.00"), Money("1500.00")]

    result = collection_costs_for_claims(principals, debtor=CONSUMER, on=ON)

    assert result.amount == Money("425.00")
    assert result.record.inputs["principals"] == '["1500.00","1500.00"]'
    assert not result.record.is_unconfirmed


def test_adding_up_claims_of_a_business_is_marked_unconfirmed() -> None:
    principals = [Money("100.00"), Money("100.00")]

    result = collection_costs_for_claims(principals, debtor=DebtorKind.BUSINESS, on=ON)

    assert result.amount == Money("40.00")
    assert result.record.unconfirmed == (
        "whether claims against a business are added up",
    )


def test_the_commercial_minimum_is_a_flat_forty_euros() -> None:
    result = commercial_minimum_costs(ON)

    assert result.amount == Money("40.00")
    assert result.record.legal_basis == "art. 6:96(4) BW"
    assert result.record.unconfirmed == (
        "whether the flat minimum is due once per invoice",
    )


def test_costs_before_the_decree_came_into_force_are_refused() -> None:
    with pytest.raises(NoRateInForceError) as caught:
        collection_costs(Money("1000.00"), debtor=CONSUMER, on=date(2012, 6, 30))

    assert str(caught.value) == (
        "Table 'bik_scale' has no entry in force on 2012-06-30; load a table that "
        "covers that date."
    )


def test_a_principal_of_zero_is_refused() -> None:
    with pytest.raises(NonPositiveAmountError) as caught:
        collection_costs(Money.zero(), debtor=CONSUMER, on=ON)

    assert (
        str(caught.value) == "the principal must be more than EUR 0.00, got EUR 0.00."
    )


def test_the_record_holds_the_rows_it_used() -> None:
    result = collection_costs(Money("1000.00"), debtor=CONSUMER, on=ON)

    inputs = result.record.inputs

    assert inputs["table:bik_limits"] == (
        "effective_from,minimum,maximum,source,confirmed\n"
        "2012-07-01,40.00,6775.00,S1;S2,yes\n"
    )
    assert "table:vat_general" not in inputs


@settings(max_examples=200, deadline=None)
@given(smaller=money(), extra=money(0, 10_000_000))
def test_costs_never_fall_as_the_principal_rises(smaller: Money, extra: Money) -> None:
    low = collection_costs(smaller, debtor=CONSUMER, on=ON)

    high = collection_costs(smaller + extra, debtor=CONSUMER, on=ON)

    assert low.amount <= high.amount


@settings(max_examples=200, deadline=None)
@given(principal=money(1, 200_000_000_00))
def test_costs_without_vat_stay_between_minimum_and_maximum(principal: Money) -> None:
    result = collection_costs(principal, debtor=CONSUMER, on=ON)

    assert Money("40.00") <= result.amount <= Money("6775.00")
