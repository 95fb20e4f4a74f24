"""Taking in cases from files: CSV and JSON batches, and UBL invoices.

A file is taken in whole or not at all: its cases are written in one
transaction, a chunk at a time, so a large file never sits in memory
whole. With ``skip_invalid`` the valid cases are taken in and every
rejected one is written to a rejects file with its reason; nothing is
dropped. Taking in the same file again (by content, whatever its name)
changes nothing and says so; a file that brought no case is not recorded,
so it can come again once the reason is gone (a client registered).

UBL invoices given together are one batch: the invoices of one debtor
become one case, credit notes reduce the invoice they refer to, and the
supplier is matched to a client by its KvK number, VAT number or
electronic address (see :meth:`Engine.register_client`).

Logging: one INFO line per file taken in (``faircasso.intake``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from faircasso.domain.client import Client, case_id_for
from faircasso.domain.clock import VirtualClock, using_clock
from faircasso.domain.errors import FaircassoError, InputFileError
from faircasso.domain.imports import ImportRecord, import_id_for
from faircasso.engine import Engine
from faircasso.formats import (
    CaseSubmission,
    FileFormat,
    Rejected,
    detect_format,
    group_invoices,
    read_batch_csv,
    read_batch_json,
    read_ubl_files,
    write_rejects,
)
from faircasso.formats.rejects import ErrorMode
from faircasso.intake_workers import (
    Opened,
    Prepared,
    Ready,
    Workers,
    located_error,
    open_cases,
    use_workers,
)
from faircasso.storage.bulk import BulkSaver, bulk_transaction

logger = logging.getLogger(__name__)

CHUNK = 500


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What taking in one file (or one set of UBL files) did."""

    file: str
    file_format: str
    cases: int
    invoices: int
    rejected: int
    rejects_file: str | None
    taken_in_before_on: date | None = None

    def summary(self) -> str:
        """One line for the terminal."""
        if self.taken_in_before_on is not None:
            return (
                f"{self.file}: already taken in on {self.taken_in_before_on}; "
                "nothing changed"
            )
        line = f"{self.file}: {self.cases} cases, {self.invoices} invoices taken in"
        if self.rejected:
            line += f"; {self.rejected} rejected, see {self.rejects_file}"
        return line


@dataclass
class _Tally:
    cases: int = 0
    invoices: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    # Each client is looked up once per file, not once per chunk.
    clients: dict[str, Client | FaircassoError] = field(default_factory=dict)


def take_in(
    engine: Engine,
    paths: Sequence[str | Path],
    *,
    skip_invalid: bool = False,
    client: str | None = None,
    workers: bool | None = None,
) -> list[IntakeResult]:
    """Take in case files; UBL files among them are taken in as one batch.

    ``workers`` opens the cases of a CSV or JSON batch in a second process:
    None decides by the file's size, False never, True always.
    """
    files = [Path(p) for p in paths]
    formats = {path: detect_format(path) for path in files}
    ubl = [
        p
        for p in files
        if formats[p] in (FileFormat.UBL_INVOICE, FileFormat.UBL_CREDIT_NOTE)
    ]
    results = [
        _take_in_batch(engine, path, formats[path], skip_invalid, workers)
        for path in files
        if path not in ubl
    ]
    if ubl:
        results.append(_take_in_ubl(engine, ubl, skip_invalid, client))
    return results


def file_sha256(paths: Iterable[Path]) -> str:
    """SHA-256 over the files' contents, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _take_in_batch(
    engine: Engine,
    path: Path,
    file_format: FileFormat,
    skip: bool,
    workers: bool | None = None,
) -> IntakeResult:
    if file_format not in (FileFormat.CSV, FileFormat.JSON):
        raise InputFileError(
            str(path),
            "file",
            "format",
            file_format.value,
            "a case batch (CSV or JSON) or UBL invoices; bank statements go to "
            "'faircasso payments'",
        )
    read = read_batch_csv if file_format is FileFormat.CSV else read_batch_json
    mode: ErrorMode = "collect" if skip else "raise"
    return _run(
        engine,
        [path],
        file_format.value,
        skip,
        lambda: read(path, errors=mode),
        workers,
    )


def _take_in_ubl(
    engine: Engine, paths: list[Path], skip: bool, client: str | None
) -> IntakeResult:
    mode: ErrorMode = "collect" if skip else "raise"

    def submissions() -> _Submissions:
        documents = read_ubl_files(paths, errors=mode)
        grouping = group_invoices(documents, errors=mode)
        rejected = [*documents.rejected, *grouping.rejected]
        cases = []
        for group in grouping:
            try:
                cases.append(group.to_case(_ubl_client(engine, group, client)))
            except FaircassoError as error:
                if not skip:
                    raise
                rejected.append(Rejected("; ".join(group.sources), "", str(error)))
        return _Submissions(cases, rejected)

    return _run(engine, paths, "ubl", skip, submissions, parallel=False)


class _Submissions:
    """Cases from UBL grouping, with the documents set aside on the way."""

    def __init__(self, cases: list[CaseSubmission], rejected: list[Rejected]) -> None:
        self._cases = cases
        self.rejected = rejected

    def __iter__(self) -> Iterator[CaseSubmission]:
        return iter(self._cases)


def _ubl_client(engine: Engine, group: Any, client: str | None) -> str:
    if client is not None:
        return client
    supplier = group.supplier
    for identifier in (
        f"kvk:{supplier.kvk}" if supplier.kvk else None,
        f"vat:{supplier.vat_id}" if supplier.vat_id else None,
        f"endpoint:{supplier.endpoint_id}" if supplier.endpoint_id else None,
    ):
        found = engine.client_for_identifier(identifier) if identifier else None
        if found is not None:
            return found.code
    file, _, _ = group.sources[0].partition(":/")
    raise InputFileError(
        file,
        "/Invoice/cac:AccountingSupplierParty",
        "supplier",
        supplier.name,
        "a registered client with this KvK number, VAT number or electronic "
        "address; register it with its identifiers, or pass --client",
    )


def _run(
    engine: Engine,
    paths: list[Path],
    file_format: str,
    skip: bool,
    read: Any,
    parallel: bool | None = None,
) -> IntakeResult:
    name = ", ".join(str(p) for p in paths)
    sha = file_sha256(paths)
    before = taken_in_before(engine, "cases", sha)
    if before is not None:
        logger.info("file %s taken in before; nothing changed", name)
        return IntakeResult(name, file_format, 0, 0, 0, None, before)
    tally = _Tally()
    with using_clock(engine.clock):
        stream = read()
        hooks = engine.views.after_insert if engine.views_inline else None
        workers = _workers(engine, paths, skip, parallel)
        try:
            with bulk_transaction(
                engine.store, hooks, postgres=engine.url.is_postgres
            ) as saver:
                for chunk in _chunks(stream, CHUNK):
                    ready = _screen(engine, saver, chunk, skip, tally)
                    if workers is None:
                        opened = open_cases(ready, engine.today(), skip=skip)
                        _save_opened(saver, opened, tally)
                        continue
                    workers.submit(ready, engine.today())
                    for prepared in workers.ready_results():
                        _save_prepared(engine, saver, prepared, tally)
                for prepared in workers.ready_results(keep=0) if workers else ():
                    _save_prepared(engine, saver, prepared, tally)
                tally.rejected[:0] = list(stream.rejected)
                # A file that brought no case may come again once the reason
                # is gone (a client registered, --client given).
                if tally.cases:
                    saver.save(_import_record(engine, name, sha, file_format, tally))
        finally:
            engine.views.rolled_back()
            if workers is not None:
                workers.close()
    rejects = _write_rejects(paths[0], tally.rejected)
    logger.info(
        "took in %s: %d cases, %d rejected", name, tally.cases, len(tally.rejected)
    )
    return IntakeResult(
        name, file_format, tally.cases, tally.invoices, len(tally.rejected), rejects
    )


def _import_record(
    engine: Engine, name: str, sha: str, file_format: str, tally: _Tally
) -> ImportRecord:
    counts = {
        "cases": tally.cases,
        "invoices": tally.invoices,
        "rejected": len(tally.rejected),
    }
    return ImportRecord.record(
        kind="cases",
        file_name=name,
        sha256=sha,
        file_format=file_format,
        counts=counts,
        on=engine.today(),
    )


def taken_in_before(engine: Engine, kind: str, sha: str) -> date | None:
    """The day a file of ``kind`` with this content was taken in, if ever."""
    record: ImportRecord | None = engine.store.load(import_id_for(kind, sha))
    return record.on if record is not None else None


def _chunks(
    items: Iterable[CaseSubmission], size: int
) -> Iterator[list[CaseSubmission]]:
    chunk: list[CaseSubmission] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _screen(
    engine: Engine,
    saver: BulkSaver,
    chunk: list[CaseSubmission],
    skip: bool,
    tally: _Tally,
) -> list[Ready]:
    """The submissions of a chunk that may open: known client, new reference."""
    clients = tally.clients
    for code in {s.client for s in chunk} - clients.keys():
        clients[code] = _find_client(engine, code)
    # Two clients may use the same reference: a case is its client's reference.
    ids = {
        (s.client, s.reference): case_id_for(client.id, s.reference)
        for s in chunk
        if isinstance(client := clients[s.client], Client)
    }
    existing = saver.existing(list(ids.values()))
    ready = []
    for submission in chunk:
        try:
            client = _client(clients[submission.client], submission)
            case_id = ids[(submission.client, submission.reference)]
            _refuse_known(client, submission, case_id in existing)
        except FaircassoError as error:
            located = located_error(submission, error)
            if not skip:
                raise located from None
            tally.rejected.append(Rejected(submission.source, "", str(located)))
            continue
        agreement = client.require_agreement()
        ready.append(Ready(submission, case_id, client.id, client.code, agreement))
    return ready


def _save_opened(saver: BulkSaver, opened: Opened, tally: _Tally) -> None:
    saver.save(*opened.cases)
    tally.cases += len(opened.cases)
    tally.invoices += opened.invoices
    tally.rejected += opened.rejected


def _save_prepared(
    engine: Engine, saver: BulkSaver, prepared: Prepared, tally: _Tally
) -> None:
    saver.insert(prepared.stored)
    if prepared.changes is not None:
        engine.views.flush_prepared(saver.cursor, prepared.changes)
    tally.cases += prepared.cases
    tally.invoices += prepared.invoices
    tally.rejected += prepared.rejected


def _workers(
    engine: Engine, paths: list[Path], skip: bool, parallel: bool | None
) -> Workers | None:
    if parallel is False or (parallel is None and not use_workers(paths)):
        return None
    virtual = isinstance(engine.clock, VirtualClock)
    return Workers(virtual=virtual, skip=skip, views=engine.views_inline)


def _find_client(engine: Engine, code: str) -> Client | FaircassoError:
    """The client with an agreement, or why cases cannot be taken in for it."""
    try:
        client = engine.client(code)
        client.require_agreement()
    except FaircassoError as error:
        return error
    return client


def _client(found: Client | FaircassoError, submission: CaseSubmission) -> Client:
    if isinstance(found, Client):
        return found
    file, _, where = submission.source.partition(":")
    raise InputFileError(
        file,
        where,
        "client",
        submission.client,
        f"a registered client with a recorded agreement ({found})",
    )


# Limitation: invoice numbers are not looked up in other cases; a case is
# known by its client's reference only (see docs/limitations.md).
def _refuse_known(client: Client, submission: CaseSubmission, exists: bool) -> None:
    if exists:
        file, _, where = submission.source.partition(":")
        raise InputFileError(
            file,
            where,
            "reference",
            submission.reference,
            f"a case reference client {client.code} has not handed in before",
        )


def _write_rejects(path: Path, rejected: list[Rejected]) -> str | None:
    if not rejected:
        return None
    target = path.with_name(path.name + ".rejects.csv")
    write_rejects(target, rejected)
    return str(target)
