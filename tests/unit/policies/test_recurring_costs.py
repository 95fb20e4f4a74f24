"""The cap on collection costs stacked on small recurring claims."""

from __future__ import annotations

from datetime import date

from faircasso.domain.money import Money
from faircasso.policies.recurring_costs import CAP_NOTE, recurring_claim_costs

ON = date(2025, 3, 1)


def test_a_small_claim_gets_what_is_left_under_the_cap() -> None:
    result = recurring_claim_costs(
        Money("100.00"), charged_in_window=Money("120.00"), on=ON
    )

    assert result.amount == Money("20.00")
    assert result.uncapped.amount == Money("40.00")
    assert result.capped
    assert result.window_months == 6


def test_once_the_cap_is_used_up_no_more_costs_are_charged() -> None:
    result = recurring_claim_costs(
        Money("100.00"), charged_in_window=Money("160.00"), on=ON
    )

    assert result.amount == Money.zero()


def test_the_vat_surcharge_is_added_on_the_capped_amount() -> None:
    result = recurring_claim_costs(
        Money("100.00"), charged_in_window=Money("120.00"), on=ON, vat_surcharge=True
    )

    assert result.base_amount == Money("20.00")
    assert result.vat_amount == Money("4.20")


def test_a_claim_at_the_threshold_is_not_capped() -> None:
    result = recurring_claim_costs(
        Money("266.67"), charged_in_window=Money("140.00"), on=ON
    )

    assert result.amount == Money("40.00")
    assert not result.capped


def test_before_october_2024_no_cap_applies() -> None:
    result = recurring_claim_costs(
        Money("100.00"), charged_in_window=Money("140.00"), on=date(2024, 9, 30)
    )

    assert result.amount == Money("40.00")
    assert result.window_months is None


def test_every_capped_result_is_marked_unconfirmed() -> None:
    result = recurring_claim_costs(
        Money("100.00"), charged_in_window=Money.zero(), on=ON
    )

    assert CAP_NOTE in result.record.unconfirmed
    assert result.record.unconfirmed[-1] == (
        "wki_cap 2024-10-01 (claim_below 266.67, cap 140.00, window_months 6) is "
        "not confirmed by its sources"
    )
