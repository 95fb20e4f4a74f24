"""Files taken in: each recorded once, by the hash of its content.

Taking in a file writes a :class:`FileImported` event in the same
transaction as what the file brought, under an id made from the file's
SHA-256. The same file a second time finds that record and changes
nothing; a renamed copy is the same file.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from faircasso.domain.clock import current_clock

_NAMESPACE = uuid5(NAMESPACE_URL, "https://faircasso.nl/ids/imports")


def import_id_for(kind: str, sha256: str) -> UUID:
    """The id under which a file of ``kind`` with this content is recorded."""
    return uuid5(_NAMESPACE, f"{kind}:{sha256}")


def _recording_time() -> datetime:
    return current_clock().now()


class FileImported(Aggregate.Created):
    """A file was taken in; ``counts`` says what it brought."""

    on: date
    kind: str
    file_name: str
    sha256: str
    file_format: str
    counts: dict[str, int]

    create_timestamp = staticmethod(_recording_time)

    def apply(self, record: ImportRecord) -> None:
        record.on = self.on
        record.kind = self.kind
        record.file_name = self.file_name
        record.sha256 = self.sha256
        record.file_format = self.file_format
        record.counts = dict(self.counts)


class ImportRecord(Aggregate):
    """That a file was taken in, when, and what it brought."""

    on: date
    kind: str
    file_name: str
    sha256: str
    file_format: str
    counts: dict[str, int]

    def __init__(self) -> None:
        """State comes from the event; see :meth:`record`."""

    @classmethod
    def record(
        cls,
        *,
        kind: str,
        file_name: str,
        sha256: str,
        file_format: str,
        counts: dict[str, int],
        on: date,
    ) -> ImportRecord:
        """Record that a file was taken in."""
        return cls._create(
            FileImported,
            id=import_id_for(kind, sha256),
            on=on,
            kind=kind,
            file_name=file_name,
            sha256=sha256,
            file_format=file_format,
            counts=dict(counts),
        )
