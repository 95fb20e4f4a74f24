"""camt.053 bank statements, versions 001.02 to 001.08."""

from __future__ import annotations

import logging
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from format_files import data_file, sample_file

from faircasso.domain.errors import (
    InputFileError,
    InputTooLargeError,
    UnsupportedFormatVersionError,
)
from faircasso.domain.money import Money
from faircasso.formats.camt053 import read_camt053
from faircasso.formats.records import BankEntry

WriteFile = Callable[[str, str], str]
VERSIONS = ["02", "03", "04", "05", "06", "07", "08"]
ACCOUNT = "NL93RABO0315762481"
STMT = "/Document/BkToCstmrStmt/Stmt[1]"
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"

# amount, credit, reversal, creditor reference, unstructured, payer, payer's
# IBAN, end-to-end id, return reason: what every sample version holds.
EXPECTED = [
    ("184.50", True, False, "RF78EN20260001", "", "Zoë van den Berg",
     "NL17INGB0007581234", "ZVDB-20260202-01", None),
    ("212.75", True, False, "3002026000000002", "", "Anouk Ĳzerman",
     "NL71ABNA0548213697", None, None),
    ("649.00", True, False, None, "Betaling factuur WEB-55120 G. 't Hart",
     "Geneviève 't Hart", "NL63TRIO0212345678", "GTH-WEB-55120", None),
    ("318.40", True, False, "RF79DZ7781", "", "Bakkerij Van 't Hoff B.V.",
     "NL45SNSB0923481155", "BPN-BATCH-7781-1", None),
    ("87.12", True, False, "8002026000000021", "Factuur 2026-0061",
     "Café De Gouden Leeuw V.O.F.", "NL59ASNB0707134562", "BPN-BATCH-7781-2", None),
    ("96.20", False, True, "RF78EN20260001", "", "Zoë van den Berg",
     "NL17INGB0007581234", "ZVDB-20260128-02",
     "FOCR: Teruggeboekt op verzoek van betaler"),
    ("25.00", False, False, None, "Terugbetaling teveel betaald EN-2026-0001",
     None, None, "FC-REFUND-0042", None),
]  # fmt: skip


def _summary(entry: BankEntry) -> tuple[object, ...]:
    return (
        str(entry.amount.amount),
        entry.credit,
        entry.reversal,
        entry.creditor_reference,
        entry.unstructured,
        entry.debtor_name,
        entry.debtor_iban,
        entry.end_to_end_id,
        entry.return_reason,
    )


def _sample(version: str) -> str:
    return sample_file(f"camt053_v{version}.xml")


def _statement(*entries: str) -> str:
    return (
        f'<?xml version="1.0"?>\n<Document xmlns="{NAMESPACE}"><BkToCstmrStmt>'
        f"<Stmt><Id>S-1</Id><Acct><Id><IBAN>{ACCOUNT}</IBAN></Id></Acct>"
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>\n"
    )


def _entry(amount: str = "10.00", reference: str = "RF78EN20260001") -> str:
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-02-03</Dt></BookgDt>"
        "<NtryDtls><TxDtls><RmtInf><Strd><CdtrRefInf>"
        f"<Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls>"
        "</Ntry>"
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_every_supported_version_gives_the_same_booked_entries(version: str) -> None:
    path = _sample(version)

    entries = list(read_camt053(path))

    assert [_summary(entry) for entry in entries] == EXPECTED
    assert {entry.account_iban for entry in entries} == {ACCOUNT}
    assert {entry.booking_date for entry in entries} == {date(2026, 2, 3)}
    assert {entry.value_date for entry in entries} == {date(2026, 2, 3)}


@pytest.mark.parametrize("version", VERSIONS)
def test_amounts_are_positive_euro_money(version: str) -> None:
    path = _sample(version)

    amounts = [entry.amount for entry in read_camt053(path)]

    assert all(amount.currency == "EUR" and amount.is_positive() for amount in amounts)
    assert amounts[0] == Money("184.50")


def test_the_bank_reference_makes_the_entry_id() -> None:
    path = _sample("08")

    first = next(iter(read_camt053(path)))

    assert first.entry_id == f"{ACCOUNT}/20260203000801"
    assert first.source == f"{path}:{STMT}/Ntry[1]"


def test_a_batched_entry_gives_one_record_per_transaction() -> None:
    path = _sample("05")

    batch = [
        e
        for e in read_camt053(path)
        if e.entry_id.startswith(f"{ACCOUNT}/20260203000504")
    ]

    assert [(e.entry_id, e.amount) for e in batch] == [
        (f"{ACCOUNT}/20260203000504/1", Money("318.40")),
        (f"{ACCOUNT}/20260203000504/2", Money("87.12")),
    ]
    assert batch[1].source == f"{path}:{STMT}/Ntry[4]/NtryDtls[1]/TxDtls[2]"


def test_an_entry_without_bank_reference_gets_a_stable_hashed_id() -> None:
    path = _sample("03")

    first = [e.entry_id for e in read_camt053(path)]
    again = [e.entry_id for e in read_camt053(path)]

    assert first == again
    assert first[1].startswith(f"{ACCOUNT}/h")
    assert len(first[1]) == len(ACCOUNT) + 2 + 24


def test_identical_entries_without_bank_reference_keep_apart(
    write_file: WriteFile,
) -> None:
    path = write_file("twice.xml", _statement(_entry(), _entry()))

    entries = list(read_camt053(path))

    assert entries[0].entry_id != entries[1].entry_id
    assert _summary(entries[0]) == _summary(entries[1])


def test_a_booking_date_and_time_counts_by_its_date() -> None:
    path = _sample("08")

    first = next(iter(read_camt053(path)))

    assert first.booking_date == date(2026, 2, 3)


def test_a_pending_entry_is_skipped_with_a_warning_without_personal_data(
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = _sample("07")

    with caplog.at_level(logging.INFO, logger="faircasso.formats"):
        entries = list(read_camt053(path))

    assert len(entries) == 7
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"Skipped the entry at {STMT}/Ntry[7] in camt053_v07.xml: status PDNG is "
        "not booked"
    ]
    logged = " ".join(r.getMessage() for r in caplog.records)
    for personal in ("Bakkerij", "Zoë", "NL45SNSB0923481155", "RF79DZ7781"):
        assert personal not in logged


def test_a_later_camt053_version_is_not_supported() -> None:
    path = data_file("camt053_v09.xml")

    with pytest.raises(UnsupportedFormatVersionError) as raised:
        list(read_camt053(path))

    supported = ", ".join(
        f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.0{n}" for n in range(2, 9)
    )
    assert isinstance(raised.value, NotImplementedError)
    assert str(raised.value) == (
        f"Cannot read {path}: the namespace "
        "urn:iso:std:iso:20022:tech:xsd:camt.053.001.09 is not supported; "
        f"faircasso reads {supported}."
    )


def test_another_message_than_camt053_is_refused() -> None:
    path = data_file("camt052.xml")

    with pytest.raises(InputFileError) as raised:
        list(read_camt053(path))

    assert (raised.value.location, raised.value.field, raised.value.value) == (
        "/Document",
        "xmlns",
        "urn:iso:std:iso:20022:tech:xsd:camt.052.001.08",
    )
    assert raised.value.expected.startswith("a camt.053 Document in one of the ")


def test_a_statement_without_account_iban_is_refused() -> None:
    path = data_file("camt053_no_iban.xml")

    with pytest.raises(InputFileError) as raised:
        list(read_camt053(path, errors="collect"))

    assert str(raised.value) == (
        f"{path}, {STMT}/Acct/Id/IBAN, field 'IBAN': got None, expected the IBAN "
        "of the statement's account."
    )


def test_a_truncated_file_raises_after_the_entries_before_the_cut() -> None:
    path = data_file("camt053_truncated.xml")
    read: list[BankEntry] = []

    with pytest.raises(InputFileError) as raised:
        read.extend(read_camt053(path, errors="collect"))

    assert len(read) == 2
    assert str(raised.value) == (
        f"{path}, line 169, column 8, field 'xml': got 'unclosed token', "
        "expected well-formed XML."
    )


def test_strict_reading_raises_at_the_first_bad_entry() -> None:
    path = data_file("camt053_bad_entries.xml")

    with pytest.raises(InputFileError) as raised:
        list(read_camt053(path))

    assert str(raised.value) == (
        f"{path}, {STMT}/Ntry[2]/Amt, field 'Ccy': got 'USD', expected EUR: "
        "faircasso collects in EUR only."
    )


def test_collecting_keeps_each_bad_entry_with_its_reason() -> None:
    path = data_file("camt053_bad_entries.xml")
    stream = read_camt053(path, errors="collect")

    entries = list(stream)

    assert [e.entry_id for e in entries] == [f"{ACCOUNT}/BAD-01", f"{ACCOUNT}/BAD-07"]
    assert [r.record_location for r in stream.rejected] == [
        f"{path}:{STMT}/Ntry[{n}]" for n in (2, 3, 4, 5, 6)
    ]
    assert [r.reason.removeprefix(f"{path}, ") for r in stream.rejected] == [
        f"{STMT}/Ntry[2]/Amt, field 'Ccy': got 'USD', expected EUR: faircasso "
        "collects in EUR only.",
        f"{STMT}/Ntry[3]/Amt, field 'Amt': got '12.345', expected an amount in "
        "whole cents (at most two decimals).",
        f"{STMT}/Ntry[4]/BookgDt, field 'BookgDt': got None, expected a date "
        "(Dt or DtTm).",
        f"{STMT}/Ntry[5]/CdtDbtInd, field 'CdtDbtInd': got 'CRED', expected CRDT "
        "or DBIT.",
        f"{STMT}/Ntry[6]/Amt, field 'Amt': got '100.00', expected the sum of its "
        "2 transaction amounts (90.00).",
    ]
    assert stream.rejected[0].raw.startswith("<ns0:Ntry ")


@pytest.mark.parametrize(
    ("entry", "location", "field", "value", "expected"),
    [
        (
            _entry().replace("<Sts><Cd>BOOK</Cd></Sts>", ""),
            "Ntry[1]/Sts", "Sts", None, "an entry status",
        ),
        (
            _entry().replace("<CdtDbtInd>CRDT</CdtDbtInd>",
                             "<CdtDbtInd>CRDT</CdtDbtInd><RvslInd>yes</RvslInd>"),
            "Ntry[1]/RvslInd", "RvslInd", "yes", "true or false",
        ),
        (
            _entry().replace("<Dt>2026-02-03</Dt>", "<DtTm>3 februari</DtTm>"),
            "Ntry[1]/BookgDt/DtTm", "DtTm", "3 februari",
            "a date and time such as 2026-01-31T10:15:00",
        ),
        (
            _entry().replace('<Amt Ccy="EUR">10.00</Amt>', ""),
            "Ntry[1]/Amt", "Amt", None, "an amount",
        ),
        (_entry("0.00"), "Ntry[1]/Amt", "Amt", "0.00", "an amount more than 0.00"),
    ],
)  # fmt: skip
def test_a_bad_entry_field_names_its_element(
    write_file: WriteFile,
    entry: str,
    location: str,
    field: str,
    value: object,
    expected: str,
) -> None:
    path = write_file("bad.xml", _statement(entry))

    with pytest.raises(InputFileError) as raised:
        list(read_camt053(path))

    error = raised.value
    assert (error.location, error.field, error.value, error.expected) == (
        f"{STMT}/{location}",
        field,
        value,
        expected,
    )


def test_references_are_read_without_spaces_in_upper_case(
    write_file: WriteFile,
) -> None:
    path = write_file("spaces.xml", _statement(_entry(reference="rf78 en20 2600 01")))

    (entry,) = read_camt053(path)

    assert entry.creditor_reference == "RF78EN20260001"


def test_a_file_over_the_size_limit_is_refused() -> None:
    path = _sample("02")

    with pytest.raises(InputTooLargeError) as raised:
        list(read_camt053(path, max_bytes=1000))

    size = Path(path).stat().st_size
    assert str(raised.value) == (
        f"Refused {path}: it has more than 1000 bytes (at least {size}); split the "
        "file or raise the limit."
    )


def test_a_long_statement_is_read_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "long.xml"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(_statement().split("</Stmt>")[0])
        for _ in range(5_000):
            handle.write(_entry())
        handle.write("</Stmt></BkToCstmrStmt></Document>\n")

    tracemalloc.start()
    count = sum(1 for _ in read_camt053(path))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert count == 5_000
    assert path.stat().st_size > 1_000_000
    assert peak < 500_000
