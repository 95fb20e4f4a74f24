"""UBL 2.1 invoices and credit notes, as Dutch accounting packages send them.

Both Peppol BIS Billing 3.0 and SI-UBL 2.0 (NLCIUS) are UBL 2.1 with
rules on top; this reader needs only what both require or commonly carry:
the number, dates, payable amount and the two parties. One file holds one
document. :func:`group_invoices` then gathers the invoices of one debtor
into one case and applies the credit notes to the invoices they reduce.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Final, overload

from faircasso.domain.errors import (
    InputFileError,
    InputTooLargeError,
    UnsafeXmlError,
)
from faircasso.domain.money import Money
from faircasso.domain.values import Debtor, Invoice
from faircasso.formats import _fields as f
from faircasso.formats import safexml
from faircasso.formats._ubl_party import PartyInfo, read_party
from faircasso.formats._xmlnode import Node, local_name, namespace_of
from faircasso.formats.records import CaseSubmission, CreditNoteSubmission, source_of
from faircasso.formats.rejects import Collector, ErrorMode, RecordStream, Rejected

logger = logging.getLogger(__name__)

__all__ = [
    "InvoiceGroup",
    "InvoiceGrouping",
    "PartyInfo",
    "UblCreditNote",
    "UblDocument",
    "UblInvoice",
    "group_invoices",
    "read_ubl",
    "read_ubl_files",
]

INVOICE_NAMESPACE: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NAMESPACE: Final = (
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
)
NAMESPACES: Final = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
SUPPLIER: Final = "cac:AccountingSupplierParty"
CUSTOMER: Final = "cac:AccountingCustomerParty"
_DUE_DATES: Final = (
    ("cbc:DueDate",),
    ("cac:PaymentTerms", "cbc:PaymentDueDate"),
    ("cac:PaymentMeans", "cbc:PaymentDueDate"),
)
_REFERRED_INVOICE: Final = ("cac:BillingReference", "cac:InvoiceDocumentReference")


@dataclass(frozen=True, slots=True)
class UblInvoice:
    """An invoice read from a UBL file.

    ``customization`` is the document's ``cbc:CustomizationID``, which
    names the flavour (Peppol BIS 3, SI-UBL 2.0). ``invoice.consumer_sale``
    is always False: UBL does not say whether goods were sold to a
    consumer.
    """

    supplier: PartyInfo
    customer: PartyInfo
    invoice: Invoice
    debtor: Debtor
    source: str
    file: str
    customization: str = ""


@dataclass(frozen=True, slots=True)
class UblCreditNote:
    """A credit note read from a UBL file: it lowers invoice ``refers_to``."""

    supplier: PartyInfo
    customer: PartyInfo
    number: str
    issue_date: date
    refers_to: str
    amount: Money
    debtor: Debtor
    source: str
    file: str
    customization: str = ""

    def to_submission(self, client: str) -> CreditNoteSubmission:
        """The credit note for the engine, once its client is known."""
        return CreditNoteSubmission(
            client=client,
            debtor_key=self.customer.key,
            refers_to=self.refers_to,
            amount=self.amount,
            credit_note_number=self.number,
            issue_date=self.issue_date,
            source=self.source,
        )


UblDocument = UblInvoice | UblCreditNote


def read_ubl(
    path: str | Path, *, max_bytes: int = safexml.DEFAULT_MAX_BYTES
) -> UblDocument:
    """Read one UBL Invoice or CreditNote file."""
    file = str(path)
    root = safexml.parse(path, max_bytes=max_bytes)
    name, namespace = local_name(root.tag), namespace_of(root.tag)
    document = Node(root, f"/{name}", NAMESPACES)

    if (name, namespace) == ("Invoice", INVOICE_NAMESPACE):
        return _invoice(file, document)
    if (name, namespace) == ("CreditNote", CREDIT_NOTE_NAMESPACE):
        return _credit_note(file, document)
    raise InputFileError(
        file,
        f"/{name}",
        "xmlns",
        namespace or None,
        f"a UBL 2.1 Invoice ({INVOICE_NAMESPACE}) or CreditNote "
        f"({CREDIT_NOTE_NAMESPACE})",
    )


def read_ubl_files(
    paths: Iterable[str | Path],
    *,
    errors: ErrorMode = "raise",
    max_bytes: int = safexml.DEFAULT_MAX_BYTES,
) -> RecordStream[UblDocument]:
    """Read UBL files one by one; in collecting mode a bad file is rejected."""
    return RecordStream(
        lambda collector: _documents(list(paths), collector, max_bytes), errors
    )


def _documents(
    paths: list[str | Path], collector: Collector, max_bytes: int
) -> Iterator[UblDocument]:
    for path in paths:
        try:
            yield read_ubl(path, max_bytes=max_bytes)
        except (InputFileError, UnsafeXmlError, InputTooLargeError) as error:
            collector.reject(str(path), "", error)

    logger.info("Read %d UBL files, %d rejected", len(paths), len(collector.rejected))


# Limitation: UBL cannot say an invoice is for goods sold to a consumer, so
# consumer_sale is always False for UBL invoices; send those claims as CSV.
def _invoice(file: str, document: Node) -> UblInvoice:
    number = _required_text(file, document, "cbc:ID")
    issued = _date(file, document, ("cbc:IssueDate",))
    due = _due_date(file, document, issued)
    principal = _payable(file, document)
    customer = read_party(file, document, CUSTOMER)
    return UblInvoice(
        supplier=read_party(file, document, SUPPLIER),
        customer=customer,
        invoice=Invoice(number, issued, due, principal),
        debtor=customer.debtor(),
        source=source_of(file, document.path),
        file=file,
        customization=document.text("cbc:CustomizationID") or "",
    )


def _credit_note(file: str, document: Node) -> UblCreditNote:
    customer = read_party(file, document, CUSTOMER)
    return UblCreditNote(
        supplier=read_party(file, document, SUPPLIER),
        customer=customer,
        number=_required_text(file, document, "cbc:ID"),
        issue_date=_date(file, document, ("cbc:IssueDate",)),
        refers_to=_required_text(file, document, *_REFERRED_INVOICE, "cbc:ID"),
        amount=_payable(file, document),
        debtor=customer.debtor(),
        source=source_of(file, document.path),
        file=file,
        customization=document.text("cbc:CustomizationID") or "",
    )


def _required_text(file: str, document: Node, *names: str) -> str:
    text = document.text(*names)
    if text is None:
        where = document.where(*names)
        raise InputFileError(file, where, names[-1], None, "a value")
    return text


def _date(file: str, document: Node, names: tuple[str, ...]) -> date:
    node = document.child(*names)
    if node is None or node.text() is None:
        where = document.where(*names)
        raise InputFileError(file, where, names[-1], None, f.DATE_EXPECTED)
    try:
        return f.parse_iso_date(node.text())
    except ValueError as problem:
        raise InputFileError(
            file, node.path, names[-1], node.text(), str(problem)
        ) from None


def _due_date(file: str, document: Node, issued: date) -> date:
    """The first due date UBL allows, which must not precede the issue date."""
    # Limitation: payment terms in words ("binnen 30 dagen") are not read.
    names = next((n for n in _DUE_DATES if document.text(*n) is not None), None)
    if names is None:
        raise InputFileError(
            file,
            document.where("cbc:DueDate"),
            "cbc:DueDate",
            None,
            "a due date in cbc:DueDate, cac:PaymentTerms/cbc:PaymentDueDate or "
            "cac:PaymentMeans/cbc:PaymentDueDate; terms in words are not read",
        )

    due = _date(file, document, names)
    if due < issued:
        expected = f"a date on or after the issue date {issued.isoformat()}"
        where = document.where(*names)
        raise InputFileError(file, where, names[-1], due.isoformat(), expected)
    return due


def _payable(file: str, document: Node) -> Money:
    """The payable amount, in EUR and more than zero."""
    currency_code = document.text("cbc:DocumentCurrencyCode")
    if currency_code not in (None, "EUR"):
        where = document.where("cbc:DocumentCurrencyCode")
        raise InputFileError(
            file, where, "cbc:DocumentCurrencyCode", currency_code, f.CURRENCY_EXPECTED
        )

    names = ("cac:LegalMonetaryTotal", "cbc:PayableAmount")
    node = document.child(*names)
    if node is None:
        where = document.where(*names)
        raise InputFileError(file, where, names[-1], None, "the amount payable")

    currency = node.element.get("currencyID")
    if currency != "EUR":
        raise InputFileError(
            file, node.path, "currencyID", currency, f.CURRENCY_EXPECTED
        )
    try:
        return Money(f.parse_amount(node.text() or ""))
    except ValueError as problem:
        raise InputFileError(
            file, node.path, names[-1], node.text(), str(problem)
        ) from None


# -- grouping -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InvoiceGroup:
    """The open invoices of one supplier to one customer: one case.

    ``invoices`` carry the principal left after the credit notes in
    ``credit_notes``; invoices credited in full are left out.
    """

    supplier: PartyInfo
    customer: PartyInfo
    debtor: Debtor
    invoices: tuple[Invoice, ...]
    credit_notes: tuple[UblCreditNote, ...]
    sources: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str]:
        """The supplier's and the customer's :attr:`PartyInfo.key`."""
        return (self.supplier.key, self.customer.key)

    def to_case(self, client: str, reference: str | None = None) -> CaseSubmission:
        """The group as a case of ``client``; by default the first invoice
        number is the case reference."""
        return CaseSubmission(
            client=client,
            reference=reference or self.invoices[0].number,
            debtor=self.debtor,
            invoices=self.invoices,
            source="; ".join(self.sources),
        )


class InvoiceGrouping(Sequence[InvoiceGroup]):
    """The groups :func:`group_invoices` made, and what it rejected."""

    def __init__(
        self, groups: Sequence[InvoiceGroup], rejected: Sequence[Rejected]
    ) -> None:
        self._groups = tuple(groups)
        self.rejected = tuple(rejected)

    @overload
    def __getitem__(self, index: int) -> InvoiceGroup: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[InvoiceGroup]: ...

    def __getitem__(self, index: int | slice) -> InvoiceGroup | Sequence[InvoiceGroup]:
        return self._groups[index]

    def __len__(self) -> int:
        return len(self._groups)


@dataclass(slots=True)
class _OpenInvoice:
    """An invoice while credit notes are applied to it."""

    document: UblInvoice
    principal: Money
    credit_notes: list[UblCreditNote] = field(default_factory=list)


def group_invoices(
    docs: Iterable[UblDocument], *, errors: ErrorMode = "raise"
) -> InvoiceGrouping:
    """Group invoices per (supplier, customer) and apply the credit notes.

    A credit note must refer to an invoice of the same supplier and
    customer in ``docs`` and may not exceed what is left of it; otherwise
    it is refused (or, collecting, rejected), as is a second invoice with
    a number the supplier already used.
    """
    collector = Collector(errors)
    documents = list(docs)
    by_number: dict[tuple[str, str], _OpenInvoice] = {}
    for doc in documents:
        if isinstance(doc, UblInvoice):
            _add_invoice(doc, by_number, collector)
    for doc in documents:
        if isinstance(doc, UblCreditNote):
            _apply_credit_note(doc, by_number, collector)

    groups = _groups(list(by_number.values()))
    logger.info(
        "Grouped %d UBL documents into %d cases, %d rejected",
        len(documents),
        len(groups),
        len(collector.rejected),
    )
    return InvoiceGrouping(groups, collector.rejected)


def _add_invoice(
    doc: UblInvoice,
    by_number: dict[tuple[str, str], _OpenInvoice],
    collector: Collector,
) -> None:
    key = (doc.supplier.key, doc.invoice.number)
    if key in by_number:
        first = by_number[key].document.file
        error = InputFileError(
            doc.file,
            "/Invoice/cbc:ID",
            "cbc:ID",
            doc.invoice.number,
            f"an invoice number the supplier did not use before in this batch "
            f"(also in {first})",
        )
        collector.reject(doc.source, f"Invoice {doc.invoice.number}", error)
        return
    by_number[key] = _OpenInvoice(doc, doc.invoice.principal)


def _apply_credit_note(
    doc: UblCreditNote,
    by_number: dict[tuple[str, str], _OpenInvoice],
    collector: Collector,
) -> None:
    try:
        target = _credited_invoice(doc, by_number)
    except InputFileError as error:
        raw = f"CreditNote {doc.number} for invoice {doc.refers_to}"
        collector.reject(doc.source, raw, error)
        return

    target.principal = target.principal - doc.amount
    target.credit_notes.append(doc)


def _credited_invoice(
    doc: UblCreditNote, by_number: dict[tuple[str, str], _OpenInvoice]
) -> _OpenInvoice:
    """The invoice a credit note lowers, if it may; else the reason why not."""
    target = by_number.get((doc.supplier.key, doc.refers_to))
    if target is None:
        raise InputFileError(
            doc.file,
            "/CreditNote/" + "/".join((*_REFERRED_INVOICE, "cbc:ID")),
            "cbc:ID",
            doc.refers_to,
            "the number of an invoice from the same supplier in this batch",
        )
    if target.document.customer.key != doc.customer.key:
        raise InputFileError(
            doc.file,
            f"/CreditNote/{CUSTOMER}/cac:Party",
            "cac:Party",
            doc.customer.key,
            f"the customer of invoice {doc.refers_to} ({target.document.customer.key})",
        )
    if doc.amount > target.principal:
        raise InputFileError(
            doc.file,
            "/CreditNote/cac:LegalMonetaryTotal/cbc:PayableAmount",
            "cbc:PayableAmount",
            str(doc.amount.amount),
            f"at most the open principal of invoice {doc.refers_to} "
            f"({target.principal.amount})",
        )
    return target


def _groups(opened: list[_OpenInvoice]) -> list[InvoiceGroup]:
    """One group per (supplier, customer), in the order first seen."""
    members: dict[tuple[str, str], list[_OpenInvoice]] = {}
    for item in opened:
        doc = item.document
        members.setdefault((doc.supplier.key, doc.customer.key), []).append(item)

    groups = [_group(items) for items in members.values()]
    fully_credited = sum(1 for group in groups if not group.invoices)
    if fully_credited:
        logger.info("Left out %d groups credited in full", fully_credited)
    return [group for group in groups if group.invoices]


def _group(items: list[_OpenInvoice]) -> InvoiceGroup:
    first = items[0].document
    credit_notes = tuple(note for item in items for note in item.credit_notes)
    return InvoiceGroup(
        supplier=first.supplier,
        customer=first.customer,
        debtor=first.debtor,
        invoices=tuple(
            replace(item.document.invoice, principal=item.principal)
            for item in items
            if item.principal.is_positive()
        ),
        credit_notes=credit_notes,
        sources=tuple(item.document.source for item in items)
        + tuple(note.source for note in credit_notes),
    )
