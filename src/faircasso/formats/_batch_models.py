"""The pydantic models of the batch format, and what both readers share.

The models check each field and nothing more; rules across fields (a due
date before the invoice date, an invoice number used twice) are checked
by the readers, which know where in the file each record stood.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable
from datetime import date
from decimal import Decimal
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from faircasso.domain.money import Money
from faircasso.domain.values import Debtor, Invoice
from faircasso.formats import _fields as f

BATCH_FORMAT: Final = "faircasso-batch"
BATCH_VERSION: Final = 1
CASE_COLUMNS: Final = (
    "client",
    "reference",
    "debtor_name",
    "debtor_kind",
    "debtor_address",
    "debtor_email",
    "debtor_phone",
)
INVOICE_COLUMNS: Final = (
    "invoice_number",
    "invoice_date",
    "due_date",
    "principal",
    "currency",
    "consumer_sale",
)
CSV_COLUMNS: Final = CASE_COLUMNS + INVOICE_COLUMNS
OPTIONAL_CSV_COLUMNS: Final = frozenset(
    {"debtor_address", "debtor_email", "debtor_phone", "currency", "consumer_sale"}
)


class _Fields(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", cache_strings=False)


class CsvCaseFields(_Fields):
    """The columns of a CSV row that belong to the case, not the invoice."""

    client: f.Text
    reference: f.Text
    debtor_name: f.Text
    debtor_kind: f.Kind
    debtor_address: f.OptionalText = ""
    debtor_email: f.Email = ""
    debtor_phone: f.OptionalText = ""

    def debtor(self) -> Debtor:
        return Debtor(
            self.debtor_name,
            self.debtor_kind,
            self.debtor_address,
            self.debtor_email,
            self.debtor_phone,
        )


class CsvInvoiceFields(_Fields):
    """The columns of a CSV row that describe its invoice."""

    invoice_number: f.InvoiceNumber
    invoice_date: f.IsoDate
    due_date: f.IsoDate
    principal: f.Amount
    currency: f.Currency = "EUR"
    consumer_sale: f.YesNo = False

    def invoice(self) -> Invoice:
        return make_invoice(
            self.invoice_number,
            self.invoice_date,
            self.due_date,
            self.principal,
            self.consumer_sale,
        )


class JsonDebtor(_Fields):
    name: f.Text
    kind: f.Kind
    address: f.OptionalText = ""
    email: f.Email = ""
    phone: f.OptionalText = ""

    def debtor(self) -> Debtor:
        return Debtor(self.name, self.kind, self.address, self.email, self.phone)


class JsonInvoice(_Fields):
    number: f.InvoiceNumber
    invoice_date: f.IsoDate
    due_date: f.IsoDate
    principal: f.Amount
    currency: f.Currency = "EUR"
    consumer_sale: f.YesNo = False

    def invoice(self) -> Invoice:
        return make_invoice(
            self.number,
            self.invoice_date,
            self.due_date,
            self.principal,
            self.consumer_sale,
        )


class JsonCase(_Fields):
    client: f.Text
    reference: f.Text
    debtor: JsonDebtor
    invoices: list[JsonInvoice] = Field(min_length=1)


class JsonBatch(_Fields):
    format: f.Text
    version: Any
    cases: list[Any]


def make_invoice(
    number: str, invoice_date: date, due_date: date, principal: Decimal, sale: bool
) -> Invoice:
    """The domain invoice; the caller has checked the due date."""
    return Invoice(number, invoice_date, due_date, Money(principal), sale)


def due_date_problem(invoice_date: date, due_date: date) -> str | None:
    """What is wrong with the due date, if anything."""
    if due_date < invoice_date:
        return f"a date on or after the invoice date {invoice_date.isoformat()}"
    return None


class Fingerprints:
    """A set of 64-bit hashes in one flat array, for keys seen in a stream.

    A Python set of the keys themselves would cost about 70 bytes per key;
    this costs 8 to 16 (open addressing, at most half full). Two different
    keys share a fingerprint with odds of about one in 10**19 per pair.
    """

    _EMPTY: Final = 0

    def __init__(self) -> None:
        self._slots = array("Q", [self._EMPTY]) * 1024
        self._count = 0

    def add(self, key: Hashable) -> bool:
        """Remember ``key``; False when it was seen before."""
        fingerprint = (hash(key) & 0xFFFF_FFFF_FFFF_FFFF) or 1
        if not self._insert(fingerprint):
            return False

        self._count += 1
        if self._count * 2 > len(self._slots):
            self._grow()
        return True

    def _insert(self, fingerprint: int) -> bool:
        mask = len(self._slots) - 1
        index = fingerprint & mask
        while (held := self._slots[index]) != self._EMPTY:
            if held == fingerprint:
                return False
            index = (index + 1) & mask
        self._slots[index] = fingerprint
        return True

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("Q", [self._EMPTY]) * (2 * len(old))
        for fingerprint in old:
            if fingerprint != self._EMPTY:
                self._insert(fingerprint)

    def __len__(self) -> int:
        return self._count
