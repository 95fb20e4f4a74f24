"""XML from outside is parsed without entities, DTDs or network access."""

from __future__ import annotations

import socket
import time
import tracemalloc
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from format_files import data_file, sample_file

from faircasso.domain.errors import InputFileError, InputTooLargeError, UnsafeXmlError
from faircasso.formats import safexml
from faircasso.formats.camt053 import read_camt053
from faircasso.formats.detect import detect_format
from faircasso.formats.ubl import read_ubl

WriteFile = Callable[[str, str], str]


def _refusal(path: str) -> str:
    return (
        f"Refused {path}: it declares a DOCTYPE. faircasso reads XML without DTDs, "
        "entities or external references; export the file without a DOCTYPE."
    )


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record every attempt to open a connection, and let none through."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError("the XML parser tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return attempts


def test_an_external_entity_pointing_at_a_local_file_is_refused() -> None:
    path = data_file("xxe_file.xml")

    with pytest.raises(UnsafeXmlError) as raised:
        read_ubl(path)

    assert str(raised.value) == _refusal(path)
    assert "root:" not in str(raised.value)


def test_an_external_entity_pointing_at_a_url_is_refused_without_a_request(
    no_network: list[object],
) -> None:
    path = data_file("xxe_http.xml")

    with pytest.raises(UnsafeXmlError) as raised:
        list(read_camt053(path))

    assert str(raised.value) == _refusal(path)
    assert no_network == []


def test_an_external_dtd_is_refused_without_a_request(
    no_network: list[object],
) -> None:
    path = data_file("xxe_external_dtd.xml")

    with pytest.raises(UnsafeXmlError) as raised:
        list(read_camt053(path))

    assert str(raised.value) == _refusal(path)
    assert no_network == []


def test_an_entity_expansion_bomb_is_refused_before_it_expands() -> None:
    path = data_file("billion_laughs.xml")
    tracemalloc.start()
    started = time.perf_counter()

    with pytest.raises(UnsafeXmlError) as raised:
        read_ubl(path)

    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert str(raised.value) == _refusal(path)
    assert elapsed < 1.0
    assert peak < 5_000_000


def test_even_a_harmless_doctype_is_refused(write_file: WriteFile) -> None:
    path = write_file(
        "doctype.xml",
        '<?xml version="1.0"?>\n<!DOCTYPE Invoice>\n'
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>\n',
    )

    with pytest.raises(UnsafeXmlError) as raised:
        safexml.parse(path)

    assert raised.value.reason == "it declares a DOCTYPE"


def test_an_entity_never_declared_is_malformed_xml() -> None:
    path = data_file("undeclared_entity.xml")

    with pytest.raises(InputFileError) as raised:
        read_ubl(path)

    assert str(raised.value) == (
        f"{path}, line 2, column 72, field 'xml': got 'undefined entity', "
        "expected well-formed XML."
    )


def test_format_detection_refuses_a_doctype_too() -> None:
    path = data_file("xxe_file.xml")

    with pytest.raises(UnsafeXmlError) as raised:
        detect_format(path)

    assert str(raised.value) == _refusal(path)


def test_a_file_larger_than_the_limit_is_refused_before_parsing() -> None:
    path = sample_file("ubl_invoice_consumer.xml")
    size = Path(path).stat().st_size

    with pytest.raises(InputTooLargeError) as raised:
        read_ubl(path, max_bytes=size - 1)

    assert (raised.value.size, raised.value.limit) == (size, size - 1)


def test_a_file_that_grows_past_the_limit_while_read_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = sample_file("camt053_v02.xml")
    monkeypatch.setattr(safexml, "check_size", lambda path, max_bytes: None)

    with pytest.raises(InputTooLargeError) as raised:
        safexml.parse(path, max_bytes=100)

    assert raised.value.limit == 100
    assert raised.value.size > 100


def test_the_default_limit_is_50_megabytes() -> None:
    limit = safexml.DEFAULT_MAX_BYTES

    assert limit == 50 * 1024 * 1024
