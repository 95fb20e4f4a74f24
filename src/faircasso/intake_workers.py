"""Opening the cases of a large batch in a second process.

Taking in a large file spends most of its time opening cases (checking
them, applying the rules, making their events), turning the events into
stored records and working out their view rows. None of that needs the
database, so for a large file it runs in two worker processes, chunks
ahead, while the main process reads the file and writes what the workers
made, in order, in the batch's one transaction. The result is the same as
in one process; only the work is spread over the cores.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    StoredEvent,
)

from faircasso.domain.case import Case
from faircasso.domain.clock import SystemClock, VirtualClock, using_clock
from faircasso.domain.errors import FaircassoError, InputFileError
from faircasso.domain.values import Agreement
from faircasso.formats import CaseSubmission, Rejected, reference_for_case
from faircasso.projections.fold import ViewChanges
from faircasso.storage.transcoding import FieldRestoringMapper, reading_mapper

LARGE_FILE = 2 * 1024 * 1024
"""Files at least this large are opened in a worker process."""


@dataclass(frozen=True, slots=True)
class Ready:
    """A submission that passed the checks needing the database."""

    submission: CaseSubmission
    case_id: UUID
    client_id: UUID
    client_code: str
    agreement: Agreement


@dataclass
class Opened:
    """What opening a chunk gave: the cases, or why some could not open."""

    cases: list[Case] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    invoices: int = 0


@dataclass
class Prepared:
    """A chunk opened in a worker: stored events and view changes to write."""

    stored: list[StoredEvent] = field(default_factory=list)
    changes: ViewChanges | None = None
    rejected: list[Rejected] = field(default_factory=list)
    cases: int = 0
    invoices: int = 0
    failure: tuple[str, str, str, object, str] | None = None


def open_cases(ready: Sequence[Ready], today: date, *, skip: bool) -> Opened:
    """Open the cases of a chunk; a refused one raises, or is rejected."""
    opened = Opened()
    for item in ready:
        try:
            opened.cases.append(_open(item, today))
        except FaircassoError as error:
            located = located_error(item.submission, error)
            if not skip:
                raise located from None
            opened.rejected.append(Rejected(item.submission.source, "", str(located)))
            continue
        opened.invoices += len(item.submission.invoices)
    return opened


def _open(item: Ready, today: date) -> Case:
    submission = item.submission
    return Case.open(
        case_id=item.case_id,
        client_id=item.client_id,
        client_code=item.client_code,
        agreement=item.agreement,
        reference=submission.reference,
        debtor=submission.debtor,
        invoices=submission.invoices,
        payment_reference=reference_for_case(item.case_id, "nl"),
        on=today,
    )


def located_error(submission: CaseSubmission, error: FaircassoError) -> InputFileError:
    """The error with the file and place of the case it is about."""
    if isinstance(error, InputFileError):
        return error
    file, _, where = submission.source.partition(":")
    return InputFileError(
        file,
        where,
        "case",
        submission.reference,
        f"a case that can be opened: {str(error).rstrip('.')}",
    )


# -- in the worker ---------------------------------------------------------------

_MAPPERS: dict[str, FieldRestoringMapper] = {}


def _mapper() -> FieldRestoringMapper:
    """The worker's mapper, made once per process."""
    mapper = _MAPPERS.get("events")
    if mapper is None:
        mapper = _MAPPERS["events"] = reading_mapper()
    return mapper


@dataclass(frozen=True, slots=True)
class _Job:
    ready: list[Ready]
    today: date
    virtual: bool
    ticks: int
    skip: bool
    views: bool


def prepare(job: _Job) -> Prepared:
    """Open a chunk, encode its events and fold its view rows (in a worker)."""
    clock = VirtualClock(job.today, ticks=job.ticks) if job.virtual else SystemClock()
    prepared = Prepared()
    with using_clock(clock):
        try:
            opened = open_cases(job.ready, job.today, skip=job.skip)
        except InputFileError as error:
            prepared.failure = (
                error.file,
                error.location,
                error.field,
                error.value,
                error.expected,
            )
            return prepared
    events = [event for case in opened.cases for event in case.collect_events()]
    mapper = _mapper()
    prepared.stored = [mapper.to_stored_event(event) for event in events]
    if job.views:
        prepared.changes = _fold(events)
    prepared.rejected = opened.rejected
    prepared.cases = len(opened.cases)
    prepared.invoices = opened.invoices
    return prepared


def _fold(events: list[Any]) -> ViewChanges:
    changes = ViewChanges(_no_rows)
    changes.prepare(events, new_cases_are_new=True)
    for event in events:
        changes.apply(0, event)
    changes.rows()
    changes.forget_loader()
    return changes


def _no_rows(keys: list[str]) -> dict[str, Any]:
    return {}


# -- in the main process -----------------------------------------------------------


class Workers:
    """Two worker processes opening chunks ahead; results come in order."""

    def __init__(self, *, virtual: bool, skip: bool, views: bool) -> None:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        self._pool = ProcessPoolExecutor(
            max_workers=2, mp_context=multiprocessing.get_context(method)
        )
        self._pending: deque[Future[Prepared]] = deque()
        self._virtual = virtual
        self._skip = skip
        self._views = views
        self._sent = 0

    def submit(self, ready: list[Ready], today: date) -> None:
        """Hand a chunk to the workers."""
        self._sent += 1
        job = _Job(
            ready, today, self._virtual, self._sent * 1_000_000, self._skip, self._views
        )
        self._pending.append(self._pool.submit(prepare, job))

    def ready_results(self, keep: int = 3) -> Iterator[Prepared]:
        """Results of the oldest chunks, leaving ``keep`` in flight."""
        while len(self._pending) > keep:
            yield _checked(self._pending.popleft().result())

    def close(self) -> None:
        """Stop the workers; chunks not collected are dropped."""
        for future in self._pending:
            future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)


def _checked(prepared: Prepared) -> Prepared:
    if prepared.failure is not None:
        raise InputFileError(*prepared.failure)
    return prepared


def use_workers(paths: Sequence[Any]) -> bool:
    """True for files large enough, on a machine with a second core."""
    size = sum(os.path.getsize(p) for p in paths)
    return size >= LARGE_FILE and (os.cpu_count() or 1) > 1
