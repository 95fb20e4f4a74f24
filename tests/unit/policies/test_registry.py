"""Recomputing recorded results from their recorded inputs and rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from faircasso.domain.errors import UnknownRuleError
from faircasso.domain.money import Money
from faircasso.domain.values import Assessment, DebtorKind
from faircasso.policies import (
    allocation,
    arrangements,
    costs,
    interest,
    legal,
    letter,
    limitation,
    recurring_costs,
    settlement,
    triage,
)
from faircasso.policies.provenance import RuleApplication
from faircasso.policies.registry import RULES, is_reproducible, recompute
from faircasso.policies.tables import default_tables, parse_table

ON = date(2025, 3, 1)
DEBT = allocation.Debt(
    "F-1", date(2024, 2, 29), Money("150.00"), Money("89.63"), Money("1000.00")
)


def every_kind_of_record() -> list[RuleApplication]:
    state = interest.InterestState.starting(Money("1000.00"), date(2024, 3, 1))
    paid = allocation.allocate_payment(Money("200.00"), [DEBT], on=ON)
    return [
        costs.collection_costs(
            Money("1234.56"), debtor=DebtorKind.CONSUMER, on=ON, vat_surcharge=True
        ).record,
        costs.collection_costs_for_claims(
            [Money("100.00"), Money("200.00")], debtor=DebtorKind.BUSINESS, on=ON
        ).record,
        costs.commercial_minimum_costs(ON).record,
        recurring_costs.recurring_claim_costs(
            Money("100.00"), charged_in_window=Money("120.00"), on=ON
        ).record,
        interest.statutory_interest(
            Money("1000.00"),
            kind=interest.InterestKind.CONSUMER,
            start=date(2024, 3, 1),
            end=date(2025, 6, 30),
        ).record,
        interest.accrue_interest(
            state, kind=interest.InterestKind.COMMERCIAL, until=date(2026, 2, 1)
        )[0].record,
        legal.legal_estimate(
            Money("3000.00"), claimant=legal.ClaimantKind.NATURAL_PERSON, on=ON
        ).record,
        paid.record,
        letter.fourteen_day_term(ON).record,
        limitation.limitation_date(
            date(2020, 3, 15), consumer_sale=True, interruptions=[date(2021, 6, 1)]
        ).record,
        settlement.settle_payment(
            paid.lines,
            surplus=paid.surplus,
            terms=settlement.SettlementTerms(
                agency_commission_on_interest=Decimal("0.1")
            ),
        ).record,
        settlement.closing_settlement(
            with_result=False,
            handling_fee=Money("75.00"),
            costs_received=Money("40.00"),
        ).record,
        arrangements.instalment_schedule(
            Money("100.00"), count=3, first_due=date(2025, 1, 31)
        ).record,
        arrangements.suggest_instalments(Money("1000.00"), Money("90.00")).record,
        triage.triage_route(
            Assessment.WILLING_BUT_UNABLE,
            outstanding=Money("900.00"),
            monthly_capacity=Money("50.00"),
        ).record,
    ]


@pytest.mark.parametrize("record", every_kind_of_record(), ids=lambda r: r.rule)
def test_every_recorded_result_recomputes_to_itself(record: RuleApplication) -> None:
    again = recompute(record)

    assert again == record


def test_every_registered_rule_is_tried_above() -> None:
    tried = {(record.rule, record.version) for record in every_kind_of_record()}

    assert tried == set(RULES)


def test_recomputing_uses_the_recorded_rows_not_the_current_tables() -> None:
    own = parse_table(
        "interest_consumer",
        "effective_from,effective_to,rate,source,confirmed\n2015-01-01,,0.03,S33,yes\n",
        "own.csv",
    )
    tables = default_tables().replace(own)
    record = interest.statutory_interest(
        Money("1000.00"),
        kind=interest.InterestKind.CONSUMER,
        start=date(2024, 1, 1),
        end=date(2024, 12, 31),
        tables=tables,
    ).record

    again = recompute(record)

    assert again.result == "30.00"
    assert again == record


def test_an_altered_result_is_not_reproducible() -> None:
    record = costs.commercial_minimum_costs(ON).record

    altered = replace(record, result="400.00")

    assert not is_reproducible(altered)
    assert is_reproducible(record)


def test_an_unknown_rule_version_is_refused() -> None:
    record = replace(costs.commercial_minimum_costs(ON).record, version="99")

    with pytest.raises(UnknownRuleError) as caught:
        recompute(record)

    assert str(caught.value) == (
        "Cannot recompute rule 'commercial_minimum_costs' version '99': no such "
        "rule version is registered; recompute it with the faircasso release that "
        "recorded it."
    )
