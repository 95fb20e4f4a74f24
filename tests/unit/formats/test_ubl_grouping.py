"""Grouping UBL invoices per debtor into cases, with credit notes applied."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from format_files import data_file, sample_file

from faircasso.domain.errors import InputFileError
from faircasso.domain.money import Money
from faircasso.domain.values import DebtorKind, Invoice
from faircasso.formats.ubl import UblCreditNote, UblDocument, group_invoices, read_ubl

PEPPOL = sample_file("ubl_invoice_peppol.xml")
SI_UBL = sample_file("ubl_invoice_si_ubl.xml")
CONSUMER = sample_file("ubl_invoice_consumer.xml")
CREDIT_NOTE = sample_file("ubl_credit_note.xml")


def _read(*paths: str) -> list[UblDocument]:
    return [read_ubl(path) for path in paths]


def test_invoices_of_one_supplier_to_one_customer_form_one_group() -> None:
    documents = _read(PEPPOL, CONSUMER, SI_UBL)

    groups = group_invoices(documents)

    assert [group.key for group in groups] == [
        ("kvk:34217865", "kvk:09181234"),
        ("kvk:24345678", "name:loïs van dĳk|7311KH"),
    ]
    assert [i.number for i in groups[0].invoices] == ["2026-0103", "2026-0118"]
    assert groups[1].debtor.kind is DebtorKind.CONSUMER


def test_a_credit_note_lowers_the_principal_of_its_invoice() -> None:
    documents = _read(CREDIT_NOTE, PEPPOL, SI_UBL)

    (group,) = group_invoices(documents)

    assert group.invoices == (
        Invoice("2026-0103", date(2026, 1, 12), date(2026, 2, 11), Money("1028.50")),
        Invoice("2026-0118", date(2026, 1, 26), date(2026, 2, 25), Money("302.50")),
    )
    assert [note.number for note in group.credit_notes] == ["CN-2026-007"]
    assert group.sources == (
        f"{PEPPOL}:/Invoice",
        f"{SI_UBL}:/Invoice",
        f"{CREDIT_NOTE}:/CreditNote",
    )


def test_a_group_becomes_a_case_of_the_matched_client() -> None:
    (group,) = group_invoices(_read(PEPPOL, SI_UBL, CREDIT_NOTE))

    case = group.to_case("DRUKKERIJ-ZON")

    assert (case.client, case.reference, case.debtor.name) == (
        "DRUKKERIJ-ZON",
        "2026-0103",
        "Bakkerij Van 't Hoff B.V.",
    )
    assert case.invoices == group.invoices
    assert case.source == "; ".join(group.sources)


def test_a_case_reference_can_be_given() -> None:
    (group,) = group_invoices(_read(SI_UBL))

    case = group.to_case("DRUKKERIJ-ZON", "DZ-UBL-1")

    assert case.reference == "DZ-UBL-1"


def test_a_credit_note_for_an_invoice_not_in_the_batch_is_refused() -> None:
    path = data_file("ubl_credit_note_unknown_invoice.xml")
    documents = _read(PEPPOL, path)

    with pytest.raises(InputFileError) as raised:
        group_invoices(documents)

    assert str(raised.value) == (
        f"{path}, /CreditNote/cac:BillingReference/cac:InvoiceDocumentReference/"
        "cbc:ID, field 'cbc:ID': got '2026-0999', expected the number of an "
        "invoice from the same supplier in this batch."
    )


def test_a_credit_note_larger_than_what_is_open_is_refused() -> None:
    path = data_file("ubl_credit_note_too_large.xml")
    documents = _read(SI_UBL, path)

    with pytest.raises(InputFileError) as raised:
        group_invoices(documents)

    assert str(raised.value) == (
        f"{path}, /CreditNote/cac:LegalMonetaryTotal/cbc:PayableAmount, field "
        "'cbc:PayableAmount': got '400.00', expected at most the open principal "
        "of invoice 2026-0118 (302.50)."
    )


def test_a_credit_note_for_another_customers_invoice_is_refused() -> None:
    path = data_file("ubl_credit_note_unknown_invoice.xml")
    note = _refer_to(read_ubl(path), "2026-0103")

    with pytest.raises(InputFileError) as raised:
        group_invoices([read_ubl(PEPPOL), note])

    assert str(raised.value) == (
        f"{path}, /CreditNote/cac:AccountingCustomerParty/cac:Party, field "
        "'cac:Party': got \"name:bakkerij van 't hoff b.v.|3511LX\", expected the "
        "customer of invoice 2026-0103 (kvk:09181234)."
    )


def test_collecting_rejects_the_credit_note_and_keeps_the_invoices() -> None:
    unknown = data_file("ubl_credit_note_unknown_invoice.xml")
    too_large = data_file("ubl_credit_note_too_large.xml")

    groups = group_invoices(_read(PEPPOL, SI_UBL, unknown, too_large), errors="collect")

    assert [i.principal for i in groups[0].invoices] == [
        Money("1210.00"),
        Money("302.50"),
    ]
    assert [r.record_location for r in groups.rejected] == [
        f"{unknown}:/CreditNote",
        f"{too_large}:/CreditNote",
    ]
    assert groups.rejected[0].raw == "CreditNote CN-2026-0301 for invoice 2026-0999"


def test_an_invoice_credited_in_full_leaves_the_case() -> None:
    (invoice,) = _read(SI_UBL)
    note = _refer_to(read_ubl(CREDIT_NOTE), "2026-0118", Money("302.50"))

    groups = group_invoices([invoice, note])

    assert len(groups) == 0


def test_an_invoice_number_used_twice_by_a_supplier_is_refused() -> None:
    documents = _read(PEPPOL, PEPPOL)

    groups = group_invoices(documents, errors="collect")

    assert len(groups[0].invoices) == 1
    assert [r.reason for r in groups.rejected] == [
        f"{PEPPOL}, /Invoice/cbc:ID, field 'cbc:ID': got '2026-0103', expected an "
        "invoice number the supplier did not use before in this batch (also in "
        f"{PEPPOL})."
    ]


def _refer_to(
    note: UblDocument, invoice_number: str, amount: Money | None = None
) -> UblDocument:
    """The credit note ``note``, made to refer to another invoice."""
    assert isinstance(note, UblCreditNote)
    return replace(note, refers_to=invoice_number, amount=amount or note.amount)
