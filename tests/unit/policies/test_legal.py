"""The legal-track estimate: court fee by bracket and claimant, and bailiff."""

from __future__ import annotations

from datetime import date

from faircasso.domain.money import Money
from faircasso.policies.legal import ClaimantKind, legal_estimate

LEGAL_PERSON = ClaimantKind.LEGAL_PERSON


def test_a_confirmed_year_gives_an_unflagged_estimate() -> None:
    estimate = legal_estimate(
        Money("1000.00"), claimant=LEGAL_PERSON, on=date(2022, 6, 1)
    )

    assert estimate.court_fee == Money("322.00")
    assert estimate.summons_fee == Money("104.02")
    assert estimate.service_fee == Money("114.77")
    assert estimate.total == Money("540.79")
    assert estimate.within_kanton_limit
    assert not estimate.record.is_unconfirmed


def test_a_bracket_includes_its_upper_bound() -> None:
    at_bound = legal_estimate(
        Money("500.00"), claimant=LEGAL_PERSON, on=date(2022, 6, 1)
    )

    above = legal_estimate(Money("500.01"), claimant=LEGAL_PERSON, on=date(2022, 6, 1))

    assert at_bound.court_fee == Money("128.00")
    assert above.court_fee == Money("322.00")


def test_the_fee_depends_on_the_kind_of_claimant() -> None:
    fees = [
        legal_estimate(Money("20000.00"), claimant=kind, on=date(2022, 6, 1)).court_fee
        for kind in ClaimantKind
    ]

    assert fees == [Money("1384.00"), Money("693.00"), Money("86.00")]


def test_a_row_used_in_a_later_year_than_it_was_set_for_is_flagged() -> None:
    estimate = legal_estimate(
        Money("1000.00"), claimant=LEGAL_PERSON, on=date(2023, 6, 1)
    )

    assert estimate.court_fee == Money("322.00")
    assert estimate.record.unconfirmed == (
        "court_fees 2022-01-01 used on 2023-06-01, after the update due every 12 "
        "months; no newer row was loaded",
    )


def test_an_extrapolated_year_is_flagged_unconfirmed() -> None:
    estimate = legal_estimate(
        Money("3000.00"), claimant=ClaimantKind.NATURAL_PERSON, on=date(2026, 2, 1)
    )

    assert estimate.court_fee == Money("255.00")
    assert estimate.record.is_unconfirmed
    assert estimate.record.unconfirmed[-1].startswith("court_fees 2026-01-01")


def test_a_claim_above_the_kanton_limit_gets_no_court_fee_estimate() -> None:
    estimate = legal_estimate(
        Money("30000.00"), claimant=LEGAL_PERSON, on=date(2024, 6, 1)
    )

    assert not estimate.within_kanton_limit
    assert estimate.court_fee is None
    assert estimate.total is None
    assert estimate.record.breakdown[0] == (
        "claim of EUR 30,000.00 exceeds the kanton limit of EUR 25,000.00: court "
        "fee not estimated"
    )
