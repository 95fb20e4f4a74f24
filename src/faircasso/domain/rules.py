"""The policies as the case uses them.

Each function here calls one rule of :mod:`faircasso.policies` with the
case's values and hands back what the case records: an amount, dates, and
the rule's :class:`RuleApplication`. Keeping the calls in one place keeps
the aggregate about *when* a rule applies, and the policies about *what*
it says.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from faircasso.domain.books import Instalment, InvoiceBook
from faircasso.domain.money import Money
from faircasso.domain.values import Assessment, DebtorKind, Invoice
from faircasso.policies import (
    allocation,
    arrangements,
    costs,
    interest,
    legal,
    letter,
    settlement,
)
from faircasso.policies import (
    limitation as limitation_rule,
)
from faircasso.policies import (
    triage as triage_rule,
)
from faircasso.policies.interest import InterestKind, InterestResult, InterestState
from faircasso.policies.provenance import RuleApplication

CostsOutcome = costs.CostsResult


@dataclass(frozen=True, slots=True)
class LimitationOutcome:
    """The day an invoice becomes time-barred, and the rule that said so."""

    date: date
    record: RuleApplication


@dataclass(frozen=True, slots=True)
class ScheduleOutcome:
    """An instalment plan and the rule that made it."""

    instalments: tuple[Instalment, ...]
    record: RuleApplication


def interest_kind_for(debtor: DebtorKind) -> InterestKind:
    """Consumers owe interest under art. 6:119 BW, businesses under 6:119a."""
    if debtor is DebtorKind.CONSUMER:
        return InterestKind.CONSUMER
    return InterestKind.COMMERCIAL


def limitation(
    invoice: Invoice, interruptions: Sequence[date], running: date | None = None
) -> LimitationOutcome:
    """When ``invoice`` becomes time-barred; never earlier than ``running``."""
    result = _limitation_date(
        invoice.due_date, invoice.consumer_sale, tuple(interruptions)
    )
    day = result.date if running is None else max(result.date, running)
    return LimitationOutcome(day, result.record)


@lru_cache(maxsize=4096)
def _limitation_date(
    due_date: date, consumer_sale: bool, interruptions: tuple[date, ...]
) -> limitation_rule.LimitationResult:
    # The rule is a function of these three values alone and its result is a
    # value: the many invoices of a batch that share a due date share it.
    return limitation_rule.limitation_date(
        due_date, consumer_sale=consumer_sale, interruptions=interruptions
    )


def letter_term(sent_on: date) -> letter.LetterTerm:
    """The term of a fourteen-day letter sent on ``sent_on``."""
    return letter.fourteen_day_term(sent_on)


def collection_costs(
    base: Money, *, debtor: DebtorKind, on: date, vat_surcharge: bool
) -> costs.CostsResult:
    """The collection costs on ``base`` under the scale in force ``on``."""
    return costs.collection_costs(
        base, debtor=debtor, on=on, vat_surcharge=vat_surcharge
    )


def commercial_minimum(on: date) -> costs.CostsResult:
    """The flat costs due in a commercial transaction (art. 6:96(4) BW)."""
    return costs.commercial_minimum_costs(on)


def accrue(
    state: InterestState, kind: InterestKind, until: date
) -> tuple[InterestResult, InterestState]:
    """Statutory interest from where accrual stopped up to ``until``."""
    return interest.accrue_interest(state, kind=kind, until=until)


def restart(state: InterestState, on: date) -> InterestState:
    """The interest state with accrual moved to ``on``, charging nothing."""
    return replace(state, accrued_to=max(state.accrued_to, on))


def after_payment(
    state: InterestState, paid_interest: Money, paid_principal: Money
) -> InterestState:
    """The interest state once a payment's interest and principal are taken off."""
    state = interest.apply_interest_payment(state, paid_interest)
    return interest.apply_principal_payment(state, paid_principal)


def restore_payment(
    state: InterestState, paid_interest: Money, paid_principal: Money
) -> InterestState:
    """The interest state with a reversed payment's interest and principal owed again.

    Interest that would have run on the restored principal between the
    payment and its reversal is not added back.
    """
    # Limitation: interest between a reversed payment and its reversal is lost.
    return replace(
        state,
        principal=state.principal + paid_principal,
        unpaid_interest=state.unpaid_interest + paid_interest,
    )


def allocate(
    amount: Money,
    books: Iterable[InvoiceBook],
    on: date,
    designated: str | None,
) -> allocation.Allocation:
    """Allocate a payment over the invoices (arts. 6:43-6:44 BW)."""
    debts = [
        allocation.Debt(
            key=book.number,
            due_date=book.invoice.due_date,
            costs=book.costs_open,
            interest=book.interest_open,
            principal=book.principal_open,
        )
        for book in books
    ]
    return allocation.allocate_payment(amount, debts, on=on, designated=designated)


def settle(result: allocation.Allocation) -> settlement.PaymentSettlement:
    """Who gets what of an allocated payment."""
    return settlement.settle_payment(result.lines, surplus=result.surplus)


@dataclass(frozen=True, slots=True)
class ClosingOutcome:
    """The handling fee due at closing, and the rule that said so."""

    amount_due: Money
    record: RuleApplication


def closing(
    *, with_result: bool, handling_fee: Money, costs_received: Money
) -> ClosingOutcome:
    """The handling fee the client owes when the case closes."""
    result = settlement.closing_settlement(
        with_result=with_result,
        handling_fee=handling_fee,
        costs_received=costs_received,
    )
    return ClosingOutcome(result.fee_due, result.record)


def schedule(
    total: Money, count: int, first_due: date, interval_months: int
) -> ScheduleOutcome:
    """Instalments that add up to ``total``."""
    result = arrangements.instalment_schedule(
        total, count=count, first_due=first_due, interval_months=interval_months
    )
    instalments = tuple(
        Instalment(number=i.number, due_on=i.due_on, amount=i.amount)
        for i in result.instalments
    )
    return ScheduleOutcome(instalments, result.record)


def in_default(missed: int, tolerance: int) -> bool:
    """True when more instalments were missed than the plan tolerates."""
    return arrangements.is_in_default(missed, tolerance)


def legal_estimate(
    claim_value: Money, *, private_individual: bool, on: date
) -> legal.LegalEstimate:
    """Court fee and bailiff costs for taking ``claim_value`` to court."""
    claimant = (
        legal.ClaimantKind.NATURAL_PERSON
        if private_individual
        else legal.ClaimantKind.LEGAL_PERSON
    )
    return legal.legal_estimate(claim_value, claimant=claimant, on=on)


def triage(assessment: Assessment) -> RuleApplication:
    """The route the debtor's situation calls for."""
    return triage_rule.triage_route(assessment).record
