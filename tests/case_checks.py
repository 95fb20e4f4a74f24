"""Checks that hold for every case at every event, shared by several tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from faircasso.domain import case_events as ev
from faircasso.domain.case import Case
from faircasso.domain.money import Money, total_of


def assert_money_conserved(case: Case, events: Iterable[Any]) -> None:
    """Every cent received is allocated to costs, interest or principal, or kept.

    Checked per invoice and for the whole case: what the payments not
    reversed paid off is exactly what was charged or accrued less what is
    still open.
    """
    history = list(events)
    # A reversed payment gave back what it paid off: only the others count.
    reversed_ids = {e.payment_id for e in history if isinstance(e, ev.PaymentReversed)}
    payments = [
        e
        for e in history
        if isinstance(e, ev.PaymentReceived) and e.payment_id not in reversed_ids
    ]
    shares = [share for payment in payments for share in payment.shares]
    surplus = total_of(payment.surplus for payment in payments)
    allocated = total_of(s.costs + s.interest + s.principal for s in shares)

    assert case.received == total_of(payment.amount for payment in payments)
    assert case.received == allocated + surplus
    assert case.surplus == surplus
    assert case.to_client + case.to_agency + case.surplus == case.received

    accrued = _interest_accrued(history)
    for number, book in case.books.items():
        mine = [s for s in shares if s.invoice_number == number]
        costs_paid = total_of(s.costs for s in mine)
        interest_paid = total_of(s.interest for s in mine)
        principal_paid = total_of(s.principal for s in mine)
        assert costs_paid == book.costs_charged - book.costs_open, number
        assert principal_paid == book.invoice.principal - book.principal_open, number
        assert interest_paid == accrued.get(number, Money.zero()) - book.interest_open
        assert not book.costs_open.is_negative(), number
        assert not book.interest_open.is_negative(), number
        assert not book.principal_open.is_negative(), number


def _interest_accrued(history: list[Any]) -> dict[str, Money]:
    accrued: dict[str, Money] = {}
    for event in history:
        if isinstance(event, ev.InterestAccrued):
            for line in event.lines:
                before = accrued.get(line.invoice_number, Money.zero())
                accrued[line.invoice_number] = before + line.amount
    return accrued


def comparable(case: Case) -> dict[str, Any]:
    """The state of a case, without what only the live object carries."""
    state = dict(case.__dict__)
    state.pop("_pending_events", None)
    return state
