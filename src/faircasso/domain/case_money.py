"""The money side of a case: payments, reversals, credit notes, costs, interest.

:class:`CaseMoney` is part of :class:`~faircasso.domain.case.Case`; it is
kept apart only to keep each module readable. Every amount recorded here
follows from a policy whose record travels with the event, and every cent
received is allocated, held as surplus, or given back by a reversal:

    received = paid off (costs + interest + principal) + surplus

holds after every event, for every case.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from faircasso.domain import case_events as ev
from faircasso.domain import rules
from faircasso.domain.books import Arrangement, InvoiceBook
from faircasso.domain.errors import InvalidValueError
from faircasso.domain.lifecycle import Guard, Phase
from faircasso.domain.money import Money, total_of
from faircasso.domain.values import (
    Agreement,
    CloseReason,
    Debtor,
    require_positive,
    require_text,
)
from faircasso.policies.interest import InterestKind

_NO_BANK_REFERENCE = ("", "NOTPROVIDED")


class CaseMoney:
    """Commands and figures about what a case owes and what it received."""

    books: dict[str, InvoiceBook]
    arrangement: Arrangement | None
    agreement: Agreement
    debtor: Debtor
    interest_kind: InterestKind
    last_on: date
    received: Money
    surplus: Money
    to_client: Money
    to_agency: Money
    collection_costs_on: date | None
    payments: dict[str, ev.PaymentRecord]

    if TYPE_CHECKING:

        @property
        def is_open(self) -> bool: ...

        @property
        def phase(self) -> Phase: ...

        @property
        def label(self) -> str: ...

        def trigger_event(self, event_class: Any, **kwargs: Any) -> None: ...

        def _decide(
            self, trigger: str, on: date, *, guards: dict[str, Guard] | None = None
        ) -> str: ...

        def _record_close(self, on: date, state: str, reason: CloseReason) -> None: ...

    # -- figures ---------------------------------------------------------------

    @property
    def principal(self) -> Money:
        """The claim's principal as handed in, less credit notes."""
        return total_of(b.invoice.principal - b.credited for b in self.books.values())

    @property
    def principal_open(self) -> Money:
        """Principal still owed."""
        return total_of(b.principal_open for b in self.books.values())

    @property
    def costs_open(self) -> Money:
        """Costs charged and not yet paid."""
        return total_of(b.costs_open for b in self.books.values())

    @property
    def costs_charged(self) -> Money:
        """All costs ever charged."""
        return total_of(b.costs_charged for b in self.books.values())

    @property
    def interest_open(self) -> Money:
        """Interest accrued so far and not yet paid."""
        return total_of(b.interest_open for b in self.books.values())

    @property
    def balance(self) -> Money:
        """Everything owed as accrued so far."""
        return self.costs_open + self.interest_open + self.principal_open

    @property
    def paid(self) -> Money:
        """All money received for the case and not reversed, surplus included."""
        return self.received

    @property
    def payment_ids(self) -> frozenset[str]:
        """Ids of every payment recorded, reversed ones included."""
        return frozenset(self.payments)

    def interest_on(self, day: date) -> Money:
        """Interest owed on ``day``: accrued so far plus what ran since."""
        lines, _ = self._accrual_lines(day)
        return self.interest_open + total_of(line.amount for line in lines)

    def balance_on(self, day: date) -> Money:
        """What the debtor owes on ``day``, interest up to that day included."""
        return self.balance - self.interest_open + self.interest_on(day)

    # -- payments --------------------------------------------------------------

    def record_payment(
        self,
        on: date,
        amount: Money,
        *,
        payment_id: str,
        designated_invoice: str | None = None,
        source: str = "",
        bank_reference: str = "",
    ) -> bool:
        """Record money received; returns False when it was recorded before.

        Money is recorded in every phase, a closed case included: what is
        owed is allocated (arts. 6:43-6:44 BW), the rest is kept as surplus
        for refund. The payment is booked on the case's last business date
        if it arrived earlier. A payment that clears an open case closes it.
        ``bank_reference`` is the bank's end-to-end id, which a reversal
        names later.
        """
        require_positive(amount, "A payment")
        payment_id = require_text("payment id", payment_id, max_length=120)
        if payment_id in self.payments:
            return False
        if designated_invoice is not None and designated_invoice not in self.books:
            known = ", ".join(sorted(self.books))
            raise InvalidValueError(
                "designated invoice", designated_invoice, f"one of {known}"
            )
        booked_on = max(on, self.last_on)
        if self.is_open:
            self._accrue_interest(booked_on)
        allocation = rules.allocate(
            amount, self.books.values(), booked_on, designated_invoice
        )
        settlement = rules.settle(allocation)
        self.trigger_event(
            ev.PaymentReceived,
            on=booked_on,
            payment_id=payment_id,
            received_on=on,
            amount=amount,
            shares=self._shares(allocation),
            surplus=allocation.surplus,
            to_client=settlement.to_client,
            to_agency=settlement.to_agency,
            source=source[:200],
            rules=(allocation.record, settlement.record),
            bank_reference=bank_reference[:120],
        )
        if self.is_open and self.balance.is_zero():
            self._close_as_paid(booked_on)
        return True

    def _shares(self, allocation: Any) -> tuple[ev.PaymentShare, ...]:
        return tuple(
            ev.PaymentShare(
                invoice_number=line.key,
                costs=line.costs,
                interest=line.interest,
                principal=line.principal,
                interest_after=rules.after_payment(
                    self.books[line.key].interest, line.interest, line.principal
                ),
            )
            for line in allocation.lines
            if not (line.costs + line.interest + line.principal).is_zero()
        )

    def _close_as_paid(self, on: date) -> None:
        in_arrangement = self.phase is Phase.ARRANGEMENT
        reason = (
            CloseReason.ARRANGEMENT_COMPLETED if in_arrangement else CloseReason.PAID
        )
        state = self._decide("pay_off", on)
        self._record_close(on, state, reason)

    def find_payment(self, bank_reference: str | None, amount: Money) -> str | None:
        """The payment a bank reversal names: by end-to-end id, else by amount.

        Without a usable end-to-end id, the latest payment of exactly that
        amount that was not reversed yet is taken.
        """
        live = [p for p in self.payments.values() if not p.reversed]
        if bank_reference not in _NO_BANK_REFERENCE:
            for payment in live:
                if payment.bank_reference == bank_reference:
                    return payment.payment_id
        same = [p for p in live if p.amount == amount]
        return same[-1].payment_id if same else None

    def reversal_recorded(self, reversal_id: str) -> bool:
        """True when the bank reversal ``reversal_id`` already undid a payment.

        A reversal found again in an overlapping statement must not undo a
        second payment of the same amount.
        """
        wanted = reversal_id[:120]
        return bool(wanted) and any(
            p.reversed and p.reversal_id == wanted for p in self.payments.values()
        )

    def reverse_payment(
        self, on: date, payment_id: str, *, reason: str, reversal_id: str = ""
    ) -> bool:
        """Undo a payment the bank reversed; returns False if it was undone before.

        What the payment paid off is owed again, on the same invoices; its
        remittance to the client and the agency is taken back. A closed
        case stays closed (closed is final), its balance showing the debt.
        """
        payment = self.payments.get(payment_id)
        if payment is None:
            known = ", ".join(sorted(self.payments)) or "none"
            raise InvalidValueError("payment id", payment_id, f"one of {known}")
        if payment.reversed:
            return False
        shares = tuple(self._restored(share) for share in payment.shares)
        self.trigger_event(
            ev.PaymentReversed,
            on=max(on, self.last_on),
            payment_id=payment_id,
            reversal_id=reversal_id[:120],
            amount=payment.amount,
            shares=shares,
            surplus=payment.surplus,
            to_client=payment.to_client,
            to_agency=payment.to_agency,
            reason=reason[:200],
        )
        return True

    def _restored(self, share: ev.PaymentShare) -> ev.PaymentShare:
        state = self.books[share.invoice_number].interest
        restored = rules.restore_payment(state, share.interest, share.principal)
        return ev.PaymentShare(
            share.invoice_number, share.costs, share.interest, share.principal, restored
        )

    # -- credit notes ----------------------------------------------------------

    def record_credit_note(
        self, on: date, invoice_number: str, amount: Money, credit_note: str
    ) -> None:
        """Lower an invoice's principal by a credit note of the client."""
        require_positive(amount, "A credit note")
        credit_note = require_text("credit note number", credit_note, max_length=64)
        book = self.books.get(invoice_number)
        if book is None:
            known = ", ".join(sorted(self.books))
            raise InvalidValueError("invoice number", invoice_number, f"one of {known}")
        if amount > book.principal_open:
            raise InvalidValueError(
                "credit note amount",
                str(amount),
                f"at most the principal still open on invoice {invoice_number}, "
                f"{book.principal_open}",
            )
        self._decide("credit", on)
        # Limitation: a credit note that clears the balance does not close the case.
        after = rules.after_payment(book.interest, Money.zero(), amount)
        self.trigger_event(
            ev.CreditNoteRecorded,
            on=on,
            invoice_number=invoice_number,
            credit_note=credit_note,
            amount=amount,
            interest_after=after,
        )

    # -- costs -------------------------------------------------------------------

    def _collection_costs(self, on: date, base: Money) -> rules.CostsOutcome:
        return rules.collection_costs(
            base,
            debtor=self.debtor.kind,
            on=on,
            vat_surcharge=not self.agreement.can_deduct_vat,
        )

    def _charge_collection_costs(self, on: date, base: Money) -> None:
        if base.is_zero() or self.collection_costs_on is not None:
            return
        costs = self._collection_costs(on, base)
        self._charge(on, "collection", costs.amount, (costs.record,))

    def _charge(
        self, on: date, kind: str, amount: Money, records: tuple[Any, ...]
    ) -> None:
        books = [b for b in self.books.values() if b.principal_open.is_positive()]
        books = books or list(self.books.values())
        parts = amount.split([b.principal_open.cents or 1 for b in books])
        shares = tuple(
            ev.CostShare(invoice_number=b.number, amount=part)
            for b, part in zip(books, parts, strict=True)
        )
        self.trigger_event(
            ev.CostsCharged,
            on=on,
            kind=kind,
            total=amount,
            shares=shares,
            rules=records,
        )

    # -- interest ----------------------------------------------------------------

    def _accrual_lines(self, day: date) -> tuple[list[ev.InterestLine], list[Any]]:
        lines: list[ev.InterestLine] = []
        records: list[Any] = []
        if self._has_agreed_arrangement() or not self.is_open:
            return lines, records
        for book in self.books.values():
            if day <= book.interest.accrued_to:
                continue
            result, after = rules.accrue(book.interest, self.interest_kind, day)
            lines.append(ev.InterestLine(book.number, result.amount, after))
            records.append(result.record)
        return lines, records

    def _has_agreed_arrangement(self) -> bool:
        return self.arrangement is not None and self.arrangement.agreed_on is not None

    def _accrue_interest(self, on: date) -> None:
        lines, records = self._accrual_lines(on)
        if lines:
            self.trigger_event(
                ev.InterestAccrued, on=on, lines=tuple(lines), rules=tuple(records)
            )

    def _skip_interest_until(self, on: date) -> None:
        """Move interest accrual to ``on`` without charging the days between."""
        lines = tuple(
            ev.InterestLine(b.number, Money.zero(), rules.restart(b.interest, on))
            for b in self.books.values()
            if b.interest.accrued_to < on
        )
        if lines:
            self.trigger_event(ev.InterestAccrued, on=on, lines=lines, rules=())
