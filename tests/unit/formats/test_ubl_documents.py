"""UBL 2.1 invoices and credit notes: Peppol BIS Billing 3.0 and SI-UBL 2.0."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from format_files import data_file, sample_file

from faircasso.domain.errors import InputFileError
from faircasso.domain.money import Money
from faircasso.domain.values import Debtor, DebtorKind, Invoice
from faircasso.formats.records import CreditNoteSubmission
from faircasso.formats.ubl import (
    PartyInfo,
    UblCreditNote,
    UblInvoice,
    read_ubl,
    read_ubl_files,
)

PEPPOL = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
WriteFile = Callable[[str, str], str]
SI_UBL = "urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0"


def _invoice(path: str) -> UblInvoice:
    document = read_ubl(path)
    assert isinstance(document, UblInvoice)
    return document


def _error(path: str) -> InputFileError:
    with pytest.raises(InputFileError) as raised:
        read_ubl(path)
    return raised.value


def test_a_peppol_invoice_gives_number_dates_and_payable_amount() -> None:
    path = sample_file("ubl_invoice_peppol.xml")

    document = _invoice(path)

    assert document.invoice == Invoice(
        "2026-0103", date(2026, 1, 12), date(2026, 2, 11), Money("1210.00")
    )
    assert document.customization == PEPPOL
    assert document.source == f"{path}:/Invoice"


def test_the_supplier_is_described_for_matching_a_client() -> None:
    path = sample_file("ubl_invoice_peppol.xml")

    document = _invoice(path)

    assert document.supplier == PartyInfo(
        name="Drukkerij De Zonnebloem",
        endpoint_id="0106:34217865",
        kvk="34217865",
        vat_id="NL812345678B01",
        company_id="34217865",
        address="Industrieweg 14, 6717 LJ Ede",
        postal_zone="6717 LJ",
        email="debiteuren@drukkerijzonnebloem.nl",
        phone="0318-612345",
    )
    assert document.supplier.key == "kvk:34217865"


def test_a_customer_with_a_company_id_is_a_business_debtor() -> None:
    path = sample_file("ubl_invoice_peppol.xml")

    document = _invoice(path)

    assert document.debtor == Debtor(
        "Bakkerij Van 't Hoff B.V.",
        DebtorKind.BUSINESS,
        "Dorpsstraat 88, 6871 AL Renkum",
        "administratie@bakkerijvanthoff.nl",
        "026-3334455",
    )


def test_an_si_ubl_invoice_is_read_the_same_way() -> None:
    path = sample_file("ubl_invoice_si_ubl.xml")

    document = _invoice(path)

    assert document.customization == SI_UBL
    assert document.invoice.number == "2026-0118"
    assert document.invoice.principal == Money("302.50")
    assert document.supplier.key == "kvk:34217865"
    assert document.customer.key == "kvk:09181234"


def test_a_customer_without_company_id_or_vat_number_is_a_consumer() -> None:
    path = sample_file("ubl_invoice_consumer.xml")

    document = _invoice(path)

    assert document.debtor == Debtor(
        "Loïs van Dĳk",
        DebtorKind.CONSUMER,
        "Lindenlaan 7, 2e verdieping, 7311 KH Apeldoorn",
        "lois.vandijk@voorbeeld.nl",
        "06-98765432",
    )
    assert document.customer.key == "name:loïs van dĳk|7311KH"
    assert document.supplier.name == "Installatiebedrijf Ĳsselmonde"


def test_a_customer_with_only_a_vat_number_is_a_business() -> None:
    party = PartyInfo(name="Ĳssalon De Bevroren Vingers", vat_id="NL001234567B45")

    debtor = party.debtor()

    assert debtor.kind is DebtorKind.BUSINESS
    assert party.key == "vat:NL001234567B45"


def test_a_credit_note_names_the_invoice_it_lowers() -> None:
    path = sample_file("ubl_credit_note.xml")

    document = read_ubl(path)

    assert isinstance(document, UblCreditNote)
    assert (document.number, document.refers_to, document.amount) == (
        "CN-2026-007",
        "2026-0103",
        Money("181.50"),
    )
    assert document.to_submission("DRUKKERIJ-ZON") == CreditNoteSubmission(
        client="DRUKKERIJ-ZON",
        debtor_key="kvk:09181234",
        refers_to="2026-0103",
        amount=Money("181.50"),
        credit_note_number="CN-2026-007",
        issue_date=date(2026, 1, 20),
        source=f"{path}:/CreditNote",
    )


@pytest.mark.parametrize(
    ("name", "due"),
    [
        ("ubl_due_in_payment_terms.xml", date(2026, 4, 1)),
        ("ubl_due_in_payment_means.xml", date(2026, 3, 16)),
    ],
)
def test_without_due_date_the_payment_due_date_is_used(name: str, due: date) -> None:
    path = data_file(name)

    document = _invoice(path)

    assert document.invoice.due_date == due


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "ubl_no_due_date.xml",
            "/Invoice/cbc:DueDate, field 'cbc:DueDate': got None, expected a due "
            "date in cbc:DueDate, cac:PaymentTerms/cbc:PaymentDueDate or "
            "cac:PaymentMeans/cbc:PaymentDueDate; terms in words are not read.",
        ),
        (
            "ubl_usd.xml",
            "/Invoice/cbc:DocumentCurrencyCode, field 'cbc:DocumentCurrencyCode': "
            "got 'USD', expected EUR: faircasso collects in EUR only.",
        ),
        (
            "ubl_bad_issue_date.xml",
            "/Invoice/cbc:IssueDate, field 'cbc:IssueDate': got '02-03-2026', "
            "expected a date as YYYY-MM-DD, such as 2026-01-31.",
        ),
        (
            "ubl_three_decimals.xml",
            "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount, field "
            "'cbc:PayableAmount': got '121.005', expected an amount in whole cents "
            "(at most two decimals).",
        ),
        (
            "ubl_due_before_issue.xml",
            "/Invoice/cbc:DueDate, field 'cbc:DueDate': got '2026-02-01', expected "
            "a date on or after the issue date 2026-03-02.",
        ),
        (
            "ubl_missing_customer.xml",
            "/Invoice/cac:AccountingCustomerParty/cac:Party, field 'cac:Party': got "
            "None, expected the customer's party.",
        ),
        (
            "ubl_order.xml",
            "/Order, field 'xmlns': got "
            "'urn:oasis:names:specification:ubl:schema:xsd:Order-2', expected a UBL "
            "2.1 Invoice (urn:oasis:names:specification:ubl:schema:xsd:Invoice-2) "
            "or CreditNote "
            "(urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2).",
        ),
    ],
)
def test_a_malformed_document_names_file_element_field_value_and_expectation(
    name: str, message: str
) -> None:
    path = data_file(name)

    error = _error(path)

    assert str(error) == f"{path}, {message}"


def test_the_payable_amount_must_be_in_euros(write_file: WriteFile) -> None:
    text = Path(sample_file("ubl_invoice_consumer.xml")).read_text(encoding="utf-8")
    path = write_file(
        "gbp.xml", text.replace('currencyID="EUR">459.80', 'currencyID="GBP">459.80')
    )

    error = _error(path)

    assert (error.location, error.field, error.value) == (
        "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount",
        "currencyID",
        "GBP",
    )


def test_a_credit_note_without_invoice_reference_is_refused(
    write_file: WriteFile,
) -> None:
    text = Path(sample_file("ubl_credit_note.xml")).read_text(encoding="utf-8")
    start, end = (
        text.index("<cac:BillingReference>"),
        text.index("</cac:BillingReference>"),
    )
    path = write_file(
        "noref.xml", text[:start] + text[end + len("</cac:BillingReference>") :]
    )

    error = _error(path)

    assert str(error) == (
        f"{path}, /CreditNote/cac:BillingReference/cac:InvoiceDocumentReference/"
        "cbc:ID, field 'cbc:ID': got None, expected a value."
    )


def test_reading_many_files_collects_the_bad_ones_whole() -> None:
    paths = [
        sample_file("ubl_invoice_peppol.xml"),
        data_file("ubl_usd.xml"),
        data_file("xxe_file.xml"),
        sample_file("ubl_credit_note.xml"),
    ]
    stream = read_ubl_files(paths, errors="collect")

    documents = list(stream)

    assert [type(d).__name__ for d in documents] == ["UblInvoice", "UblCreditNote"]
    assert [r.record_location for r in stream.rejected] == [paths[1], paths[2]]
    assert stream.rejected[1].reason.startswith(f"Refused {paths[2]}: it declares a ")
