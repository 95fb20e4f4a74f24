"""Settlement with the client: who gets what of each payment, and at closing.

The default model is no cure, no pay: of every allocated payment the client
gets the principal and the interest, the agency keeps the collection costs
as its fee, and any surplus is refunded to the payer. An agreement may share
differently; :class:`SettlementTerms` holds the shares, such as a
commission on interest.

When a case closes without result, the client owes the agreed handling fee,
less the collection costs the agency already received from partial
payments, never below zero. When it closes with result, the client owes
nothing: the agency was paid through the costs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money, total_of
from faircasso.domain.values import require_eur
from faircasso.policies.allocation import AllocationLine
from faircasso.policies.canonical import (
    flag_text,
    list_text,
    money_text,
    parse_decimal,
    parse_flag,
    parse_list,
    parse_money,
    rate_text,
)
from faircasso.policies.guards import require_not_negative
from faircasso.policies.provenance import RuleApplication

VERSION = "1"
BASIS = "client agreement (no cure, no pay by default)"


@dataclass(frozen=True, slots=True)
class SettlementTerms:
    """The agency's share of each part of a payment, as fractions from 0 to 1.

    The defaults are the no-cure-no-pay model: the agency keeps all
    collection costs and takes nothing of interest or principal.
    """

    agency_share_of_costs: Decimal = field(default=Decimal(1))
    agency_commission_on_interest: Decimal = field(default=Decimal(0))
    agency_commission_on_principal: Decimal = field(default=Decimal(0))

    def __post_init__(self) -> None:
        for name in (
            "agency_share_of_costs",
            "agency_commission_on_interest",
            "agency_commission_on_principal",
        ):
            share = getattr(self, name)
            if not isinstance(share, Decimal) or not 0 <= share <= 1:
                raise InvalidValueError(name, share, "a Decimal from 0 to 1")


@dataclass(frozen=True, slots=True)
class PaymentSettlement:
    """One payment split into the client's part, the agency's and a refund."""

    to_client: Money
    to_agency: Money
    to_refund: Money
    record: RuleApplication


@dataclass(frozen=True, slots=True)
class ClosingSettlement:
    """What the client owes the agency when a case closes."""

    fee_due: Money
    handling_fee: Money
    costs_received: Money
    with_result: bool
    record: RuleApplication


def settle_payment(
    lines: Sequence[AllocationLine],
    *,
    surplus: Money,
    terms: SettlementTerms | None = None,
) -> PaymentSettlement:
    """Split one allocated payment between client, agency and refund.

    The agency's shares are rounded half up to cents; the client gets the
    rest of each part, so no cent is lost.
    """
    terms = terms or SettlementTerms()
    require_eur(surplus, "the surplus")
    costs = total_of(line.costs for line in lines)
    interest = total_of(line.interest for line in lines)
    principal = total_of(line.principal for line in lines)

    agency_parts = (
        Money.of_rounded(costs.amount * terms.agency_share_of_costs),
        Money.of_rounded(interest.amount * terms.agency_commission_on_interest),
        Money.of_rounded(principal.amount * terms.agency_commission_on_principal),
    )
    to_agency = total_of(agency_parts)
    to_client = costs + interest + principal - to_agency

    record = RuleApplication(
        rule="settle_payment",
        version=VERSION,
        legal_basis=BASIS,
        inputs={
            "lines": list_text([_line_fields(line) for line in lines]),
            "surplus": money_text(surplus),
            **_terms_fields(terms),
        },
        result=f"client {to_client}, agency {to_agency}, refund {surplus}",
        breakdown=(
            f"costs {costs}: agency {agency_parts[0]}",
            f"interest {interest}: agency {agency_parts[1]}",
            f"principal {principal}: agency {agency_parts[2]}",
            f"surplus {surplus} refunded to the payer",
        ),
    )
    return PaymentSettlement(to_client, to_agency, surplus, record)


def closing_settlement(
    *, with_result: bool, handling_fee: Money, costs_received: Money
) -> ClosingSettlement:
    """The handling fee owed at closing, less costs already received."""
    require_not_negative(handling_fee, "handling fee")
    require_not_negative(costs_received, "costs received")

    fee_due = Money.zero()
    if not with_result:
        fee_due = (handling_fee - costs_received).max(Money.zero())
    record = RuleApplication(
        rule="closing_settlement",
        version=VERSION,
        legal_basis=BASIS,
        inputs={
            "with_result": flag_text(with_result),
            "handling_fee": money_text(handling_fee),
            "costs_received": money_text(costs_received),
        },
        result=money_text(fee_due),
        breakdown=(_closing_explanation(with_result, handling_fee, costs_received),),
    )
    return ClosingSettlement(fee_due, handling_fee, costs_received, with_result, record)


def _closing_explanation(
    with_result: bool, handling_fee: Money, costs_received: Money
) -> str:
    if with_result:
        return "closed with result: no handling fee"
    return (
        f"closed without result: handling fee {handling_fee} less costs "
        f"received {costs_received}, not below zero"
    )


def _line_fields(line: AllocationLine) -> dict[str, str]:
    return {
        "key": line.key,
        "costs": money_text(line.costs),
        "interest": money_text(line.interest),
        "principal": money_text(line.principal),
    }


def _terms_fields(terms: SettlementTerms) -> dict[str, str]:
    return {
        "agency_share_of_costs": rate_text(terms.agency_share_of_costs),
        "agency_commission_on_interest": rate_text(terms.agency_commission_on_interest),
        "agency_commission_on_principal": rate_text(
            terms.agency_commission_on_principal
        ),
    }


def rerun_settle_payment(inputs: Mapping[str, str]) -> RuleApplication:
    """Recompute a recorded ``settle_payment`` result."""
    lines = []
    for item in parse_list(inputs, "lines"):
        if not isinstance(item, dict):
            raise InvalidValueError("recorded line", item, "a mapping of texts")
        fields = {str(name): str(value) for name, value in item.items()}
        lines.append(
            AllocationLine(
                fields["key"],
                parse_money(fields, "costs"),
                parse_money(fields, "interest"),
                parse_money(fields, "principal"),
            )
        )
    terms = SettlementTerms(
        parse_decimal(inputs, "agency_share_of_costs"),
        parse_decimal(inputs, "agency_commission_on_interest"),
        parse_decimal(inputs, "agency_commission_on_principal"),
    )
    return settle_payment(
        lines, surplus=parse_money(inputs, "surplus"), terms=terms
    ).record


def rerun_closing_settlement(inputs: Mapping[str, str]) -> RuleApplication:
    """Recompute a recorded ``closing_settlement`` result."""
    return closing_settlement(
        with_result=parse_flag(inputs, "with_result"),
        handling_fee=parse_money(inputs, "handling_fee"),
        costs_received=parse_money(inputs, "costs_received"),
    ).record
