"""Settlement with the client: each payment's shares and the closing fee."""

from __future__ import annotations

from decimal import Decimal

import pytest

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money
from faircasso.policies.allocation import AllocationLine
from faircasso.policies.settlement import (
    SettlementTerms,
    closing_settlement,
    settle_payment,
)

LINES = [
    AllocationLine("F-1", Money("150.00"), Money("50.00"), Money("0.00")),
    AllocationLine("F-2", Money("0.00"), Money("10.00"), Money("90.00")),
]


def test_by_default_the_agency_keeps_the_costs_and_the_client_the_rest() -> None:
    result = settle_payment(LINES, surplus=Money("5.00"))

    assert result.to_agency == Money("150.00")
    assert result.to_client == Money("150.00")
    assert result.to_refund == Money("5.00")


def test_an_agreed_commission_on_interest_goes_to_the_agency() -> None:
    terms = SettlementTerms(agency_commission_on_interest=Decimal("0.15"))

    result = settle_payment(LINES, surplus=Money.zero(), terms=terms)

    assert result.to_agency == Money("159.00")
    assert result.to_client == Money("141.00")
    assert result.record.inputs["agency_commission_on_interest"] == "0.15"


def test_a_share_above_one_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        SettlementTerms(agency_share_of_costs=Decimal("1.5"))

    assert str(caught.value) == (
        "Invalid agency_share_of_costs Decimal('1.5'): expected a Decimal from 0 to 1."
    )


def test_closing_without_result_costs_the_fee_less_costs_received() -> None:
    result = closing_settlement(
        with_result=False, handling_fee=Money("75.00"), costs_received=Money("40.00")
    )

    assert result.fee_due == Money("35.00")


def test_the_closing_fee_never_falls_below_zero() -> None:
    result = closing_settlement(
        with_result=False, handling_fee=Money("75.00"), costs_received=Money("150.00")
    )

    assert result.fee_due == Money.zero()


def test_closing_with_result_costs_the_client_nothing() -> None:
    result = closing_settlement(
        with_result=True, handling_fee=Money("75.00"), costs_received=Money.zero()
    )

    assert result.fee_due == Money.zero()
    assert result.record.breakdown == ("closed with result: no handling fee",)
