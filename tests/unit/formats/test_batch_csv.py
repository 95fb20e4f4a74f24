"""The CSV batch: one row per invoice, consecutive rows of a reference form a case."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from format_files import CSV_HEADER, data_file, sample_file

from faircasso.domain.errors import InputFileError, InvalidValueError
from faircasso.domain.money import Money
from faircasso.domain.values import Debtor, DebtorKind, Invoice
from faircasso.formats.batch import read_batch_csv
from faircasso.formats.records import CaseSubmission
from faircasso.formats.rejects import Rejected, write_rejects

WriteFile = Callable[[str, str], str]

ZOE = (
    'ENERGIEK,EN-1,Zoë van den Berg,consumer,"Kerkstraat 12, 3511 LX Utrecht",'
    "zoe@voorbeeld.nl,06-12345678"
)


def _csv(*rows: str) -> str:
    return "\n".join((CSV_HEADER, *rows)) + "\n"


def _error(path: str) -> InputFileError:
    with pytest.raises(InputFileError) as raised:
        list(read_batch_csv(path))
    return raised.value


def test_the_sample_batch_gives_one_case_per_run_of_rows() -> None:
    path = sample_file("cases.csv")

    cases = list(read_batch_csv(path))

    assert [(c.client, c.reference, len(c.invoices)) for c in cases] == [
        ("ENERGIEK", "EN-2026-0001", 2),
        ("ENERGIEK", "EN-2026-0002", 1),
        ("TUINWINKEL", "TW-88213", 1),
        ("DRUKKERIJ-ZON", "DZ-7781", 2),
        ("DRUKKERIJ-ZON", "DZ-7790", 1),
    ]


def test_a_case_carries_its_debtor_invoices_and_source_lines() -> None:
    path = sample_file("cases.csv")

    first = next(iter(read_batch_csv(path)))

    assert first == CaseSubmission(
        client="ENERGIEK",
        reference="EN-2026-0001",
        debtor=Debtor(
            "Zoë van den Berg",
            DebtorKind.CONSUMER,
            "Kerkstraat 12, 3511 LX Utrecht",
            "zoe.vandenberg@voorbeeld.nl",
            "06-12345678",
        ),
        invoices=(
            Invoice(
                "F2025-10231", date(2025, 10, 1), date(2025, 10, 15), Money("184.50")
            ),
            Invoice(
                "F2025-11388", date(2025, 11, 1), date(2025, 11, 15), Money("96.20")
            ),
        ),
        source=f"{path}:lines 2-3",
    )


def test_dutch_names_survive_reading() -> None:
    path = sample_file("cases.csv")

    names = [case.debtor.name for case in read_batch_csv(path)]

    assert names == [
        "Zoë van den Berg",
        "Anouk Ĳzerman",
        "Geneviève 't Hart",
        "Bakkerij Van 't Hoff B.V.",
        "Café De Gouden Leeuw V.O.F.",
    ]


def test_empty_optional_columns_mean_eur_and_no_consumer_sale() -> None:
    path = sample_file("cases.csv")

    cases = list(read_batch_csv(path))

    assert cases[1].invoices[0].principal == Money("212.75", "EUR")
    assert cases[1].invoices[0].consumer_sale is False
    assert cases[2].invoices[0].consumer_sale is True


def test_a_byte_order_mark_semicolons_and_crlf_line_ends_are_read() -> None:
    path = data_file("semicolons_with_bom.csv")

    cases = list(read_batch_csv(path))

    assert [c.client for c in cases] == ["TUINWINKEL", "TUINWINKEL"]
    assert cases[0].debtor.name == "Ruud van 't Veld"
    assert cases[1].debtor.name == "Noël Ĳsseldijk; De Tuinkamer"
    assert cases[1].debtor.kind is DebtorKind.BUSINESS
    assert cases[0].invoices[0].principal == Money("1234.56")


def test_a_batch_with_only_a_header_has_no_cases(write_file: WriteFile) -> None:
    path = write_file("empty.csv", _csv())

    cases = list(read_batch_csv(path))

    assert cases == []


def test_blank_lines_are_skipped_and_line_numbers_stay_true(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "blank.csv",
        _csv(
            "",
            f"{ZOE},F-1,2026-01-05,2026-01-19,10.00,,",
            "",
            f"{ZOE},F-2,2026-01-05,2026-01-19,10.001,,",
        ),
    )

    error = _error(path)

    assert error.location == "line 5"


def test_a_quoted_field_over_two_lines_counts_both_lines(write_file: WriteFile) -> None:
    path = write_file(
        "multiline.csv",
        _csv(
            'ENERGIEK,EN-1,Zoë van den Berg,consumer,"Kerkstraat 12\n3511 LX Utrecht",'
            ",,F-1,2026-01-05,2026-01-19,10.00,,",
            "ENERGIEK,EN-2,Anouk Ĳzerman,consumer,,,,F-2,2026-01-05,2026-01-19,x,,",
        ),
    )

    error = _error(path)

    assert error.location == "line 4"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "bad_date.csv",
            "line 3, field 'invoice_date': got '31-01-2026', expected a date as "
            "YYYY-MM-DD, such as 2026-01-31.",
        ),
        (
            "three_decimals.csv",
            "line 2, field 'principal': got '12.345', expected an amount in whole "
            "cents (at most two decimals).",
        ),
        (
            "usd.csv",
            "line 2, field 'currency': got 'USD', expected EUR: faircasso collects "
            "in EUR only.",
        ),
        (
            "due_before_invoice.csv",
            "line 2, field 'due_date': got '2026-02-01', expected a date on or after "
            "the invoice date 2026-02-10.",
        ),
        (
            "missing_column.csv",
            "line 1, field 'principal': got None, expected a column named "
            "'principal' in the header.",
        ),
        (
            "missing_field.csv",
            "line 2, field 'debtor_name': got '', expected a non-empty text.",
        ),
        (
            "split_case.csv",
            "line 4, field 'reference': got 'EN-2026-0105', expected the rows of "
            "case 'EN-2026-0105' of client 'ENERGIEK' next to each other; the case "
            "already appeared earlier in the file.",
        ),
        (
            "latin1.csv",
            "line 2, field 'encoding': got b'\\xeb', expected UTF-8 text.",
        ),
    ],
)
def test_a_malformed_file_names_file_line_field_value_and_expectation(
    name: str, message: str
) -> None:
    path = data_file(name)

    error = _error(path)

    assert str(error) == f"{path}, {message}"


def test_the_error_keeps_its_parts_as_attributes() -> None:
    path = data_file("bad_date.csv")

    error = _error(path)

    assert (error.file, error.location, error.field) == (path, "line 3", "invoice_date")
    assert (error.value, error.expected) == (
        "31-01-2026",
        "a date as YYYY-MM-DD, such as 2026-01-31",
    )


@pytest.mark.parametrize(
    ("invoice_columns", "field", "value", "expected"),
    [
        (
            'F-1,2026-01-05,2026-01-19,"1234,56",,',
            "principal",
            "1234,56",
            "an amount with a dot for decimals and at most 13 digits before it, "
            "such as 1234.56",
        ),
        (
            "F-1,2026-01-05,2026-01-19,0.00,,",
            "principal",
            "0.00",
            "an amount more than 0.00",
        ),
        (
            "F-1,2026-01-05,2026-01-19,-5.00,,",
            "principal",
            "-5.00",
            "an amount with a dot for decimals and at most 13 digits before it, "
            "such as 1234.56",
        ),
        (
            "F-1,2026-02-30,2026-03-19,5.00,,",
            "invoice_date",
            "2026-02-30",
            "a date as YYYY-MM-DD, such as 2026-01-31",
        ),
        ("F-1,2026-01-05,2026-01-19,5.00,,ja", "consumer_sale", "ja", "yes or no"),
        (
            "F-1,2026-01-05,2026-01-19,5.00,eur,",
            "currency",
            "eur",
            "EUR: faircasso collects in EUR only",
        ),
        (" ,2026-01-05,2026-01-19,5.00,,", "invoice_number", " ", "a non-empty text"),
        (
            "F-" + "1" * 63 + ",2026-01-05,2026-01-19,5.00,,",
            "invoice_number",
            "F-" + "1" * 63,
            "at most 64 characters",
        ),
    ],
)
def test_a_bad_invoice_field_is_refused_with_what_was_expected(
    write_file: WriteFile, invoice_columns: str, field: str, value: str, expected: str
) -> None:
    path = write_file("bad.csv", _csv(f"{ZOE},{invoice_columns}"))

    error = _error(path)

    assert (error.location, error.field, error.value, error.expected) == (
        "line 2",
        field,
        value,
        expected,
    )


@pytest.mark.parametrize(
    ("case_columns", "field", "value", "expected"),
    [
        ("ENERGIEK,EN-1,Zoë,klant,,,", "debtor_kind", "klant", "consumer or business"),
        (
            "ENERGIEK,EN-1,Zoë,consumer,,zoe-at-voorbeeld.nl,",
            "debtor_email",
            "zoe-at-voorbeeld.nl",
            "an e-mail address such as naam@voorbeeld.nl, or nothing",
        ),
        (",EN-1,Zoë,consumer,,,", "client", "", "a non-empty text"),
    ],
)
def test_a_bad_case_field_is_refused_with_what_was_expected(
    write_file: WriteFile, case_columns: str, field: str, value: str, expected: str
) -> None:
    path = write_file(
        "bad.csv", _csv(f"{case_columns},F-1,2026-01-05,2026-01-19,5.00,,")
    )

    error = _error(path)

    assert (error.field, error.value, error.expected) == (field, value, expected)


def test_rows_of_one_case_must_agree_about_the_debtor(write_file: WriteFile) -> None:
    path = write_file(
        "differs.csv",
        _csv(
            f"{ZOE},F-1,2026-01-05,2026-01-19,10.00,,",
            ZOE.replace("06-12345678", "06-87654321")
            + ",F-2,2026-01-05,2026-01-19,5.00,,",
        ),
    )

    error = _error(path)

    assert str(error) == (
        f"{path}, line 3, field 'debtor_phone': got '06-87654321', expected the "
        "same value as line 2 of this case ('06-12345678')."
    )


def test_an_invoice_number_appears_once_in_a_case(write_file: WriteFile) -> None:
    path = write_file(
        "twice.csv",
        _csv(
            f"{ZOE},F-1,2026-01-05,2026-01-19,10.00,,",
            f"{ZOE},F-1,2026-02-05,2026-02-19,10.00,,",
        ),
    )

    error = _error(path)

    assert str(error) == (
        f"{path}, line 3, field 'invoice_number': got 'F-1', expected an invoice "
        "number not used before in this case (line 2)."
    )


def test_a_row_with_a_missing_field_is_refused(write_file: WriteFile) -> None:
    path = write_file("short.csv", _csv(f"{ZOE},F-1,2026-01-05,2026-01-19,10.00"))

    error = _error(path)

    assert str(error) == (
        f"{path}, line 2, field 'row': got '11 fields', expected 13 fields, as in "
        "the header."
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            CSV_HEADER + ",notes",
            "line 1, field 'notes': got 'notes', expected one of the columns client, "
            "reference, debtor_name, debtor_kind, debtor_address, debtor_email, "
            "debtor_phone, invoice_number, invoice_date, due_date, principal, "
            "currency, consumer_sale.",
        ),
        (
            CSV_HEADER + ",principal",
            "line 1, field 'principal': got 'principal', expected each column once.",
        ),
        (
            "",
            "line 1, field 'client': got None, expected a column named 'client' in "
            "the header.",
        ),
    ],
)
def test_a_header_with_unknown_repeated_or_missing_columns_is_refused(
    write_file: WriteFile, header: str, message: str
) -> None:
    path = write_file("header.csv", header + "\n")

    error = _error(path)

    assert str(error) == f"{path}, {message}"


def test_column_names_are_read_in_any_order_and_letter_case(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "order.csv",
        "Principal,Due_Date,Invoice_Date,Invoice_Number,Debtor_Kind,Debtor_Name,"
        "Reference,Client\n"
        "12.50,2026-01-19,2026-01-05,F-1,business,Ĳsbaan B.V.,R-1,C\n",
    )

    (case,) = read_batch_csv(path)

    assert (case.client, case.debtor.name, case.invoices[0].principal) == (
        "C",
        "Ĳsbaan B.V.",
        Money("12.50"),
    )


def test_strict_reading_yields_the_cases_before_the_first_error() -> None:
    path = data_file("mixed.csv")
    read: list[CaseSubmission] = []

    with pytest.raises(InputFileError) as raised:
        read.extend(read_batch_csv(path))

    assert [case.reference for case in read] == ["EN-2026-0201"]
    assert raised.value.location == "line 4"


def test_collecting_yields_the_good_cases_and_keeps_the_bad_ones() -> None:
    path = data_file("mixed.csv")
    stream = read_batch_csv(path, errors="collect")

    cases = list(stream)

    assert [case.reference for case in cases] == ["EN-2026-0201", "TW-90002"]
    assert [r.record_location for r in stream.rejected] == [
        f"{path}:lines 3-5",
        f"{path}:line 7",
    ]
    assert stream.rejected[0].reason == (
        f"{path}, line 4, field 'principal': got '1.234', expected an amount in "
        "whole cents (at most two decimals)."
    )
    assert stream.rejected[0].raw.splitlines()[1] == (
        'ENERGIEK,EN-2026-0202,Anouk Ĳzerman,consumer,"Oudegracht 45bis, 3511 AB '
        'Utrecht",,,F2026-0103,2026-01-05,2026-01-19,1.234,EUR,no'
    )


def test_rejects_are_written_to_a_csv_file_with_the_reason(tmp_path: Path) -> None:
    stream = read_batch_csv(data_file("mixed.csv"), errors="collect")
    list(stream)
    target = tmp_path / "rejects.csv"

    written = write_rejects(target, stream.rejected)

    with open(target, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert written == 2
    assert [row["reason"] for row in rows] == [r.reason for r in stream.rejected]
    assert [row["raw"] for row in rows] == [r.raw for r in stream.rejected]
    assert list(rows[0]) == ["location", "reason", "raw"]


def test_a_record_stream_is_read_once() -> None:
    stream = read_batch_csv(sample_file("cases.csv"))
    list(stream)

    with pytest.raises(RuntimeError) as raised:
        list(stream)

    assert str(raised.value) == "A record stream is read once; open the file again."


def test_an_unknown_error_mode_is_refused() -> None:
    with pytest.raises(InvalidValueError) as raised:
        read_batch_csv(sample_file("cases.csv"), errors="skip")  # type: ignore[arg-type]

    assert str(raised.value) == "Invalid errors 'skip': expected 'raise' or 'collect'."


def test_rejected_records_compare_by_value() -> None:
    first = Rejected("a.csv:line 2", "x", "bad")

    second = Rejected("a.csv:line 2", "x", "bad")

    assert first == second
