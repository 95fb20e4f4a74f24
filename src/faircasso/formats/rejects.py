"""What a reader does with a bad record: raise at once, or set it aside.

Every reader in :mod:`faircasso.formats` returns a :class:`RecordStream`.
With ``errors="raise"`` (the default) the first bad record raises its
:class:`~faircasso.domain.errors.InputFileError`. With ``errors="collect"``
the stream yields the good records and keeps each bad one as a
:class:`Rejected`, which :func:`write_rejects` writes to a CSV file so the
sender can correct and resend it. Rejects are never dropped.

Errors that make the whole file unreadable (unsafe or truncated XML, an
unknown format version, a missing header) raise in both modes.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, TypeVar

from faircasso.domain.errors import FaircassoError, InvalidValueError

logger = logging.getLogger(__name__)

ErrorMode = Literal["raise", "collect"]
T = TypeVar("T")

REJECTS_COLUMNS = ("location", "reason", "raw")


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record a reader set aside, with where it was and why.

    ``record_location`` is ``file:location`` of the whole record (a case's
    lines, a bank entry's element); ``raw`` is its text as it stood in the
    file; ``reason`` is the message of the error that rejected it, which
    names the exact row or element and field.
    """

    record_location: str
    raw: str
    reason: str


class Collector:
    """Raises a bad record's error, or keeps it as a :class:`Rejected`."""

    def __init__(self, errors: ErrorMode) -> None:
        if errors not in ("raise", "collect"):
            raise InvalidValueError("errors", errors, "'raise' or 'collect'")
        self.errors = errors
        self.rejected: list[Rejected] = []

    def reject(self, record_location: str, raw: str, error: FaircassoError) -> None:
        """Raise ``error`` when raising, else remember the record."""
        if self.errors == "raise":
            raise error

        logger.warning(
            "Rejected the record at %s: %s",
            record_location,
            type(error).__name__,
        )
        self.rejected.append(Rejected(record_location, raw, str(error)))


class RecordStream(Generic[T]):
    """The records of one file, read lazily, once.

    Iterate it to get the records; after (or during) the iteration,
    :attr:`rejected` holds what was set aside in collecting mode.
    """

    def __init__(
        self, produce: Callable[[Collector], Iterator[T]], errors: ErrorMode
    ) -> None:
        self._collector = Collector(errors)
        self._produce = produce
        self._started = False

    @property
    def errors(self) -> ErrorMode:
        """``"raise"`` or ``"collect"``: what happens to a bad record."""
        return self._collector.errors

    @property
    def rejected(self) -> list[Rejected]:
        """The records set aside so far, in file order."""
        return self._collector.rejected

    def __iter__(self) -> Iterator[T]:
        if self._started:
            raise RuntimeError("A record stream is read once; open the file again.")
        self._started = True
        return self._produce(self._collector)


def write_rejects(path: str | Path, rejected: Iterable[Rejected]) -> int:
    """Write ``rejected`` to a UTF-8 CSV file and return how many were written.

    The columns are ``location``, ``reason`` and ``raw``; the file is
    written even when there is nothing to reject, so its absence never
    means "no rejects".
    """
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REJECTS_COLUMNS)
        for item in rejected:
            writer.writerow((item.record_location, item.reason, item.raw))
            count += 1

    logger.info("Wrote %d rejected records to %s", count, Path(path).name)
    return count
