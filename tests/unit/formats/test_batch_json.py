"""The JSON batch: one object per case, amounts never read as floats."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from format_files import data_file, sample_file

from faircasso.domain.errors import InputFileError, UnsupportedFormatVersionError
from faircasso.domain.money import Money
from faircasso.domain.values import Debtor, DebtorKind, Invoice
from faircasso.formats.batch import read_batch_json
from faircasso.formats.records import CaseSubmission

WriteFile = Callable[[str, str], str]


def _batch(*cases: dict[str, Any]) -> str:
    return json.dumps({"format": "faircasso-batch", "version": 1, "cases": cases})


def _case(**invoice: Any) -> dict[str, Any]:
    return {
        "client": "ENERGIEK",
        "reference": "EN-1",
        "debtor": {"name": "Zoë van den Berg", "kind": "consumer"},
        "invoices": [
            {
                "number": "F-1",
                "invoice_date": "2026-01-05",
                "due_date": "2026-01-19",
                "principal": "10.00",
                **invoice,
            }
        ],
    }


def _error(path: str) -> InputFileError:
    with pytest.raises(InputFileError) as raised:
        list(read_batch_json(path))
    return raised.value


def test_the_sample_batch_gives_one_case_per_object() -> None:
    path = sample_file("cases.json")

    cases = list(read_batch_json(path))

    assert cases[1] == CaseSubmission(
        client="TUINWINKEL",
        reference="TW-88240",
        debtor=Debtor(
            "René 't Lam", DebtorKind.CONSUMER, "Havenstraat 5a, 1211 KG Hilversum"
        ),
        invoices=(
            Invoice(
                "WEB-55187",
                date(2025, 12, 9),
                date(2025, 12, 23),
                Money("1189.00"),
                consumer_sale=True,
            ),
        ),
        source=f"{path}:$.cases[1]",
    )
    assert [case.debtor.name for case in cases] == [
        "Chloë Ĳsbrandts",
        "René 't Lam",
        "Hoveniersbedrijf Ruïne & Zn.",
    ]


def test_a_json_number_amount_is_read_exactly() -> None:
    path = sample_file("cases.json")

    first = next(iter(read_batch_json(path)))

    assert first.invoices[1].principal == Money("98.45")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "float_amount.json",
            "$.cases[0].invoices[1].principal, field 'principal': got '12.345', "
            "expected an amount in whole cents (at most two decimals).",
        ),
        (
            "missing_field.json",
            "$.cases[0].invoices[0].due_date, field 'due_date': got None, expected "
            "a value; the field is required.",
        ),
        (
            "usd.json",
            "$.cases[0].invoices[0].currency, field 'currency': got 'USD', expected "
            "EUR: faircasso collects in EUR only.",
        ),
        (
            "wrong_format.json",
            "$.format, field 'format': got 'incasso-export', expected "
            "'faircasso-batch'.",
        ),
        (
            "broken.json",
            "line 6, column 1, field 'json': got 'Expecting property name enclosed "
            "in double quotes', expected valid JSON.",
        ),
    ],
)
def test_a_malformed_file_names_file_json_path_field_value_and_expectation(
    name: str, message: str
) -> None:
    path = data_file(name)

    error = _error(path)

    assert str(error) == f"{path}, {message}"


def test_another_batch_version_is_not_supported() -> None:
    path = data_file("unsupported_version.json")

    with pytest.raises(UnsupportedFormatVersionError) as raised:
        list(read_batch_json(path))

    assert isinstance(raised.value, NotImplementedError)
    assert str(raised.value) == (
        f"Cannot read {path}: faircasso-batch version 2 is not supported; "
        "faircasso reads faircasso-batch version 1."
    )


@pytest.mark.parametrize(
    ("document", "location", "field", "value", "expected"),
    [
        ([], "$", "$", [], "an object"),
        (
            {"format": "faircasso-batch", "version": "1", "cases": []},
            "$.version",
            "version",
            "1",
            "the number 1",
        ),
        (
            {"format": "faircasso-batch", "version": 1},
            "$.cases",
            "cases",
            None,
            "a value; the field is required",
        ),
        (
            {"format": "faircasso-batch", "version": 1, "cases": [], "extra": 1},
            "$.extra",
            "extra",
            1,
            "no such field",
        ),
        (
            {"format": "faircasso-batch", "version": 1, "cases": {}},
            "$.cases",
            "cases",
            {},
            "a list",
        ),
    ],
)
def test_a_wrong_batch_envelope_is_refused(
    write_file: WriteFile,
    document: object,
    location: str,
    field: str,
    value: object,
    expected: str,
) -> None:
    path = write_file("envelope.json", json.dumps(document))

    error = _error(path)

    assert (error.location, error.field, error.value, error.expected) == (
        location,
        field,
        value,
        expected,
    )


@pytest.mark.parametrize(
    ("invoice", "location", "value", "expected"),
    [
        (
            {"principal": True},
            "principal",
            True,
            "an amount with a dot for decimals and at most 13 digits before it, "
            "such as 1234.56",
        ),
        (
            {"principal": "10,50"},
            "principal",
            "10,50",
            "an amount with a dot for decimals and at most 13 digits before it, "
            "such as 1234.56",
        ),
        ({"consumer_sale": "misschien"}, "consumer_sale", "misschien", "yes or no"),
        (
            {"invoice_date": 20260105},
            "invoice_date",
            20260105,
            "a date as YYYY-MM-DD, such as 2026-01-31",
        ),
        ({"number": 17}, "number", 17, "a text"),
        (
            {"due_date": "2026-01-04"},
            "due_date",
            "2026-01-04",
            "a date on or after the invoice date 2026-01-05",
        ),
        ({"note": "x"}, "note", "x", "no such field"),
    ],
)
def test_invoice_fields_are_checked_at_their_json_path(
    write_file: WriteFile,
    invoice: dict[str, Any],
    location: str,
    value: object,
    expected: str,
) -> None:
    path = write_file("invoice.json", _batch(_case(**invoice)))

    stream = read_batch_json(path, errors="collect")
    list(stream)

    (rejected,) = stream.rejected
    assert rejected.reason == (
        f"{path}, $.cases[0].invoices[0].{location}, field {location!r}: got "
        f"{value!r}, expected {expected}."
    )


@pytest.mark.parametrize(
    ("number", "principal"),
    [("10.5", Money("10.50")), ("1e3", Money("1000.00")), ("7", Money("7.00"))],
)
def test_json_numbers_are_read_as_exact_decimals(
    write_file: WriteFile, number: str, principal: Money
) -> None:
    text = _batch(_case(principal="PRINCIPAL")).replace('"PRINCIPAL"', number)
    path = write_file("numbers.json", text)

    (case,) = read_batch_json(path)

    assert case.invoices[0].principal == principal


def test_a_case_without_invoices_is_refused(write_file: WriteFile) -> None:
    case = _case()
    case["invoices"] = []
    path = write_file("none.json", _batch(case))

    error = _error(path)

    assert str(error) == (
        f"{path}, $.cases[0].invoices, field 'invoices': got [], expected at least "
        "one item."
    )


def test_a_case_that_is_not_an_object_is_refused(write_file: WriteFile) -> None:
    path = write_file("list.json", _batch(["EN-1"]))  # type: ignore[arg-type]

    error = _error(path)

    assert str(error) == (
        f"{path}, $.cases[0], field 'case': got ['EN-1'], expected an object."
    )


def test_a_reference_appears_once_per_client_in_a_batch(write_file: WriteFile) -> None:
    path = write_file("twice.json", _batch(_case(), _case(number="F-2")))

    error = _error(path)

    assert str(error) == (
        f"{path}, $.cases[1].reference, field 'reference': got 'EN-1', expected a "
        "reference not used before in this batch for client 'ENERGIEK' (first at "
        "$.cases[0])."
    )


def test_an_invoice_number_appears_once_in_a_case(write_file: WriteFile) -> None:
    case = _case()
    case["invoices"] = case["invoices"] * 2
    path = write_file("numbers.json", _batch(case))

    error = _error(path)

    assert str(error) == (
        f"{path}, $.cases[0].invoices[1].number, field 'number': got 'F-1', "
        "expected an invoice number not used before in this case (first at "
        "$.cases[0].invoices[0])."
    )


def test_collecting_yields_the_good_cases_and_keeps_the_bad_ones() -> None:
    path = data_file("mixed.json")
    stream = read_batch_json(path, errors="collect")

    cases = list(stream)

    assert [case.reference for case in cases] == ["EN-2026-0401", "TW-90201"]
    assert [(r.record_location, r.reason) for r in stream.rejected] == [
        (
            f"{path}:$.cases[1]",
            f"{path}, $.cases[1].debtor.kind, field 'kind': got 'klant', expected "
            "consumer or business.",
        ),
        (
            f"{path}:$.cases[3]",
            f"{path}, $.cases[3].reference, field 'reference': got 'EN-2026-0401', "
            "expected a reference not used before in this batch for client "
            "'ENERGIEK' (first at $.cases[0]).",
        ),
    ]
    assert json.loads(stream.rejected[0].raw)["debtor"]["name"] == "Anouk Ĳzerman"
