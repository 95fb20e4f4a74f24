"""Telling CSV, JSON, UBL invoices, UBL credit notes and camt.053 apart."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from format_files import data_file, sample_file

from faircasso.domain.errors import InputFileError
from faircasso.formats.detect import FileFormat, detect_format

WriteFile = Callable[[str, str], str]
EXPECTED = (
    "a faircasso CSV or JSON batch, a UBL 2.1 Invoice or CreditNote, or a camt.053 "
    "statement"
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (sample_file("cases.csv"), FileFormat.CSV),
        (data_file("semicolons_with_bom.csv"), FileFormat.CSV),
        (sample_file("cases.json"), FileFormat.JSON),
        (sample_file("ubl_invoice_peppol.xml"), FileFormat.UBL_INVOICE),
        (sample_file("ubl_invoice_si_ubl.xml"), FileFormat.UBL_INVOICE),
        (sample_file("ubl_credit_note.xml"), FileFormat.UBL_CREDIT_NOTE),
        (sample_file("camt053_v02.xml"), FileFormat.CAMT053),
        (sample_file("camt053_v08.xml"), FileFormat.CAMT053),
        (data_file("camt053_v09.xml"), FileFormat.CAMT053),
    ],
)
def test_each_format_is_recognised_by_its_content(
    path: str, expected: FileFormat
) -> None:
    detected = detect_format(path)

    assert detected is expected
    assert detected == expected.value


def test_a_json_file_with_a_byte_order_mark_and_blank_start_is_json(
    write_file: WriteFile,
) -> None:
    path = write_file("batch.json", '\ufeff\n  {"format": "faircasso-batch"}')

    detected = detect_format(path)

    assert detected is FileFormat.JSON


def test_an_xml_document_of_another_kind_is_refused() -> None:
    path = data_file("ubl_order.xml")

    with pytest.raises(InputFileError) as raised:
        detect_format(path)

    assert str(raised.value) == (
        f"{path}, /Order, field 'root element': got "
        "'{urn:oasis:names:specification:ubl:schema:xsd:Order-2}Order', expected "
        f"{EXPECTED}."
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("naam,bedrag\nZoë,12.50\n", "naam,bedrag\nZoë,12.50\n"),
        ("", ""),
    ],
)
def test_a_file_in_no_known_format_is_refused(
    write_file: WriteFile, text: str, shown: str
) -> None:
    path = write_file("unknown.txt", text)

    with pytest.raises(InputFileError) as raised:
        detect_format(path)

    assert str(raised.value) == (
        f"{path}, start of file, field 'format': got {shown!r}, expected {EXPECTED}."
    )
