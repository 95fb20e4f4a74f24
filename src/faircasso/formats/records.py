"""The records the readers hand to the engine, whatever the file format was.

Each record is a frozen value with a ``source``: ``file:location``, where
location is a CSV line, a JSON path or an XML element path. The engine
stores the source with what it records, so any fact can be traced back to
the line of the file it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from faircasso.domain.money import Money
from faircasso.domain.values import Debtor, Invoice


def source_of(file: str, location: str) -> str:
    """The ``source`` text of a record: ``file:location``."""
    return f"{file}:{location}"


@dataclass(frozen=True, slots=True)
class CaseSubmission:
    """One case a client hands over: a debtor and the invoices they owe.

    ``client`` is the client's code and ``reference`` the client's own
    reference for the case; together they identify the submission, so the
    same case sent twice is recognised.
    """

    client: str
    reference: str
    debtor: Debtor
    invoices: tuple[Invoice, ...]
    source: str


@dataclass(frozen=True, slots=True)
class CreditNoteSubmission:
    """A client's credit note that lowers the principal of one invoice.

    ``debtor_key`` identifies the debtor the way the reader grouped them
    (see :attr:`faircasso.formats.ubl.PartyInfo.key`); ``amount`` is
    positive and is subtracted from the invoice ``refers_to``.
    """

    client: str
    debtor_key: str
    refers_to: str
    amount: Money
    credit_note_number: str
    issue_date: date
    source: str


@dataclass(frozen=True, slots=True)
class BankEntry:
    """One booked movement on the agency's bank account.

    ``amount`` is always positive; ``credit`` says the money came in.
    ``reversal`` marks an entry that undoes an earlier one: a debit with
    ``reversal`` set takes back an earlier credit (a returned or recalled
    payment). ``debtor_name`` and ``debtor_iban`` are the paying party as
    the bank reported it; for a debit that is the agency itself.

    ``entry_id`` is stable across imports of the same statement, so a
    statement imported twice is recognised; ``docs/formats.md`` says how it
    is made.
    """

    entry_id: str
    account_iban: str
    booking_date: date
    value_date: date | None
    amount: Money
    credit: bool
    reversal: bool
    creditor_reference: str | None
    unstructured: str
    debtor_name: str | None
    debtor_iban: str | None
    end_to_end_id: str | None
    source: str
    return_reason: str | None = None
