"""The books of a case: what is owed per invoice, and what is scheduled.

Each invoice of a case is one debt in the sense of art. 6:43 BW, with its
own costs, interest and principal (art. 6:44 BW). An :class:`InvoiceBook`
keeps those three balances; the case's totals are their sums. Values here
are frozen: events replace them, never edit them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from faircasso.domain.money import Money
from faircasso.domain.values import Invoice
from faircasso.policies.interest import InterestState

ZERO = Money.zero()


@dataclass(frozen=True, slots=True)
class InvoiceBook:
    """One invoice and what is still owed on it.

    ``interest`` holds the principal still open, the interest accrued and
    not paid, and how far interest has been accrued. ``costs_open`` is the
    collection and legal costs charged to this invoice and not yet paid.
    ``interruptions`` are the days limitation was interrupted, oldest first.
    """

    invoice: Invoice
    interest: InterestState
    costs_open: Money = ZERO
    costs_charged: Money = ZERO
    credited: Money = ZERO
    limitation_date: date | None = None
    time_barred: bool = False
    interruptions: tuple[date, ...] = ()

    @property
    def number(self) -> str:
        """The invoice number, which names this debt."""
        return self.invoice.number

    @property
    def principal_open(self) -> Money:
        """Principal not yet paid or credited."""
        return self.interest.principal

    @property
    def interest_open(self) -> Money:
        """Interest accrued so far and not yet paid."""
        return self.interest.unpaid_interest

    def with_interest(self, state: InterestState) -> InvoiceBook:
        """This book with a new interest state."""
        return replace(self, interest=state)


class DeadlineKind(StrEnum):
    """What happens when a deadline comes."""

    LETTER_TERM = "letter_term"
    INSTALMENT = "instalment"
    LIMITATION = "limitation"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A date on which something must be checked, set when it became known.

    ``key`` is unique within the case; setting a deadline with a key that
    is already pending moves it. ``subject`` names what it is about (an
    invoice number, an instalment number), empty when the whole case.
    """

    key: str
    kind: DeadlineKind
    due_on: date
    subject: str = ""


@dataclass(frozen=True, slots=True)
class Instalment:
    """One agreed instalment of a payment arrangement."""

    number: int
    due_on: date
    amount: Money


@dataclass(frozen=True, slots=True)
class Arrangement:
    """An instalment plan proposed to or agreed with the debtor.

    ``paid`` counts what the debtor paid since the plan was agreed;
    ``missed_numbers`` the instalments found unpaid on their due date, each
    once, however it was found.
    """

    instalments: tuple[Instalment, ...]
    tolerance: int
    agreed_on: date | None = None
    paid: Money = ZERO
    missed_numbers: tuple[int, ...] = ()

    @property
    def missed(self) -> int:
        """How many instalments were missed."""
        return len(self.missed_numbers)

    @property
    def total(self) -> Money:
        """What the plan asks in all."""
        total = ZERO
        for instalment in self.instalments:
            total = total + instalment.amount
        return total

    def due_through(self, number: int) -> Money:
        """What should have been paid once instalment ``number`` is due."""
        due = ZERO
        for instalment in self.instalments:
            if instalment.number <= number:
                due = due + instalment.amount
        return due
