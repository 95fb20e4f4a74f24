"""The shipped sample files read cleanly and carry valid bank data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from format_files import SAMPLES

from faircasso.domain.errors import InvalidValueError
from faircasso.formats import (
    FileFormat,
    RecordStream,
    detect_format,
    is_valid_dutch_payment_reference,
    is_valid_iban,
    is_valid_rf,
    read_batch_csv,
    read_batch_json,
    read_camt053,
    read_ubl,
    sample_path,
)
from faircasso.formats.samples import sample_names

ALL = sorted(SAMPLES.iterdir())


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_every_sample_reads_without_rejects(path: Path) -> None:
    kind = detect_format(path)

    stream: RecordStream[Any]
    if kind is FileFormat.CSV:
        stream = read_batch_csv(path, errors="collect")
    elif kind is FileFormat.JSON:
        stream = read_batch_json(path, errors="collect")
    elif kind is FileFormat.CAMT053:
        stream = read_camt053(path, errors="collect")
    else:
        assert read_ubl(path).source.startswith(f"{path}:/")
        return
    assert list(stream)
    assert stream.rejected == []


def test_there_is_a_statement_sample_for_every_camt053_version() -> None:
    names = sample_names()

    assert [n for n in names if n.startswith("camt053_")] == [
        f"camt053_v0{n}.xml" for n in range(2, 9)
    ]


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_every_iban_in_the_samples_passes_its_checksum(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    ibans = set(re.findall(r"\bNL\d{2}[A-Z]{4}\d{10}\b", text))

    assert all(is_valid_iban(iban) for iban in ibans)


def test_the_statement_samples_hold_both_kinds_of_payment_reference() -> None:
    entries = list(read_camt053(sample_path("camt053_v06.xml")))

    references = [e.creditor_reference for e in entries if e.creditor_reference]

    assert any(is_valid_rf(ref) for ref in references)
    assert any(is_valid_dutch_payment_reference(ref) for ref in references)
    assert all(
        is_valid_rf(ref) or is_valid_dutch_payment_reference(ref) for ref in references
    )


def test_an_unknown_sample_is_refused_with_the_names_there_are() -> None:
    with pytest.raises(InvalidValueError) as raised:
        sample_path("cases.xlsx")

    assert str(raised.value) == (
        f"Invalid sample file 'cases.xlsx': expected {', '.join(sample_names())}."
    )
