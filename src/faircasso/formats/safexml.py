"""Reading XML that other parties send, without trusting it.

UBL invoices and camt.053 statements come from outside. An XML file can
ask the parser to read local files or URLs (external entities), or to
expand a few bytes into gigabytes (entity expansion, "billion laughs").
Neither UBL nor camt.053 needs a DTD or entities, so this module refuses
any document that has a DOCTYPE at all, and any entity declaration or
external reference, before anything is expanded or fetched. It never opens
a network connection. Files are also refused past a size limit (50 MB by
default), checked before parsing and again while reading.

The parser is the standard library's expat, set up by ``defusedxml``.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import BinaryIO, Final, cast
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as DefusedElementTree

from faircasso.domain.errors import InputFileError, InputTooLargeError, UnsafeXmlError

DEFAULT_MAX_BYTES: Final = 50 * 1024 * 1024
_CHUNK: Final = 64 * 1024


class _LimitedReader:
    """A binary file that refuses to give more than ``limit`` bytes."""

    def __init__(self, handle: BinaryIO, file: str, limit: int) -> None:
        self._handle = handle
        self._file = file
        self._limit = limit
        self._read = 0

    def read(self, size: int = _CHUNK) -> bytes:
        data = self._handle.read(size)
        self._read += len(data)
        if self._read > self._limit:
            raise InputTooLargeError(self._file, self._read, self._limit)
        return data


def check_size(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse ``path`` when it is larger than ``max_bytes``."""
    size = os.stat(path).st_size
    if size > max_bytes:
        raise InputTooLargeError(str(path), size, max_bytes)


def _translated(file: str, error: Exception) -> Exception:
    """The faircasso error for what the XML parser refused."""
    if isinstance(error, DTDForbidden):
        return UnsafeXmlError(file, "it declares a DOCTYPE")
    if isinstance(error, EntitiesForbidden):
        return UnsafeXmlError(file, f"it declares the entity {error.name!r}")
    if isinstance(error, ExternalReferenceForbidden):
        return UnsafeXmlError(file, "it refers to an external resource")
    if isinstance(error, ParseError):
        line, column = error.position
        detail = str(error).split(":")[0]
        return InputFileError(
            file, f"line {line}, column {column}", "xml", detail, "well-formed XML"
        )
    return error


def iterparse(
    path: str | Path,
    events: Sequence[str] = ("end",),
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Generator[tuple[str, Element], None, None]:
    """Parse ``path`` incrementally, yielding ``(event, element)`` pairs.

    The caller clears elements it has used, so memory stays flat however
    long the file is.
    """
    file = str(path)
    check_size(path, max_bytes)
    with open(path, "rb") as handle:
        source = _LimitedReader(handle, file, max_bytes)
        try:
            yield from DefusedElementTree.iterparse(
                source, events=events, forbid_dtd=True
            )
        except (
            ParseError,
            DTDForbidden,
            EntitiesForbidden,
            ExternalReferenceForbidden,
        ) as error:
            raise _translated(file, error) from None


def parse(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Element:
    """Parse ``path`` whole and return its root element."""
    root: Element | None = None
    for _, element in iterparse(path, ("end",), max_bytes=max_bytes):
        root = element
    return cast(Element, root)
