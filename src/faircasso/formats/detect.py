"""Telling the input formats apart by their first bytes.

XML files are told apart by the root element's name and namespace, read
with the same hardened parser as everything else (a DOCTYPE is refused
here too). JSON starts with ``{``; a CSV batch has a header naming at
least ``client`` and ``reference``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Final

from faircasso.domain.errors import InputFileError
from faircasso.formats import safexml
from faircasso.formats._xmlnode import local_name, namespace_of
from faircasso.formats.ubl import CREDIT_NOTE_NAMESPACE, INVOICE_NAMESPACE

_PEEK: Final = 4096
_CAMT053_FAMILY: Final = "urn:iso:std:iso:20022:tech:xsd:camt.053."
_EXPECTED: Final = (
    "a faircasso CSV or JSON batch, a UBL 2.1 Invoice or CreditNote, or a "
    "camt.053 statement"
)


class FileFormat(StrEnum):
    """The input formats faircasso reads."""

    CSV = "csv"
    JSON = "json"
    UBL_INVOICE = "ubl-invoice"
    UBL_CREDIT_NOTE = "ubl-credit-note"
    CAMT053 = "camt053"


def detect_format(path: str | Path) -> FileFormat:
    """Say which input format ``path`` is in, or refuse it.

    A camt.053 file of a version the reader does not support is still
    reported as camt.053; the reader then says which versions it reads.
    """
    with open(path, "rb") as handle:
        head = handle.read(_PEEK).removeprefix(b"\xef\xbb\xbf").lstrip()

    if head.startswith(b"<"):
        return _xml_format(path)
    if head.startswith(b"{"):
        return FileFormat.JSON
    if _looks_like_batch_header(head):
        return FileFormat.CSV
    shown = head[:40].decode("utf-8", errors="replace")
    raise InputFileError(str(path), "start of file", "format", shown, _EXPECTED)


def _xml_format(path: str | Path) -> FileFormat:
    events = safexml.iterparse(path, ("start",))
    _, root = next(events)
    events.close()

    name, namespace = local_name(root.tag), namespace_of(root.tag)
    if (name, namespace) == ("Invoice", INVOICE_NAMESPACE):
        return FileFormat.UBL_INVOICE
    if (name, namespace) == ("CreditNote", CREDIT_NOTE_NAMESPACE):
        return FileFormat.UBL_CREDIT_NOTE
    if namespace.startswith(_CAMT053_FAMILY):
        return FileFormat.CAMT053
    shown = f"{{{namespace}}}{name}" if namespace else name
    raise InputFileError(str(path), f"/{name}", "root element", shown, _EXPECTED)


def _looks_like_batch_header(head: bytes) -> bool:
    first_line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    names = {
        name.strip().strip('"').lower()
        for name in first_line.replace(";", ",").split(",")
    }
    return {"client", "reference"} <= names
