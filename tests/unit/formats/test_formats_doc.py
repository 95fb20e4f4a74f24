"""The examples in docs/formats.md run, and its sample batches read cleanly."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from format_files import TESTS_FOLDER

from faircasso.formats import read_batch_csv, read_batch_json

DOC = TESTS_FOLDER.parent / "docs" / "formats.md"
WriteFile = Callable[[str, str], str]


def _blocks(language: str) -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


@pytest.mark.parametrize("code", _blocks("python"))
def test_each_python_example_in_the_formats_doc_runs(code: str) -> None:
    namespace: dict[str, object] = {}

    exec(compile(code, str(DOC), "exec"), namespace)

    assert namespace


def test_the_csv_example_in_the_formats_doc_is_a_valid_batch(
    write_file: WriteFile,
) -> None:
    (block,) = _blocks("csv")
    path = write_file("doc.csv", block)

    stream = read_batch_csv(Path(path), errors="collect")
    cases = list(stream)

    assert [case.reference for case in cases] == ["EN-2026-0001", "TW-88213"]
    assert stream.rejected == []


def test_the_json_example_in_the_formats_doc_is_a_valid_batch(
    write_file: WriteFile,
) -> None:
    (block,) = _blocks("json")
    path = write_file("doc.json", block)

    (case,) = read_batch_json(path)

    assert case.debtor.name == "Hoveniersbedrijf Ruïne & Zn."
