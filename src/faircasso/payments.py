"""Taking in payments from ISO 20022 camt.053 bank statements.

Each incoming credit is matched on the case's payment reference: the
structured creditor reference, or a valid reference written in the
description. A match is booked on the case. Anything else goes to the
suspense list, with the cases it might belong to (an invoice number in
the description) as proposals, never booked by itself. A bank reversal
undoes the payment it reverses. Debits that reverse nothing are the
agency's own transfers and are left alone.

A statement is taken in whole or not at all, in one transaction; the same
statement twice changes nothing, and an entry that also appears in an
overlapping statement is booked once (each entry has a stable id, used as
the payment's id), and a reversal found again undoes nothing more.
Logging: one INFO line per statement (``faircasso.payments``), no names or
account numbers.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic
from sqlalchemy import select

from faircasso.domain.case import Case
from faircasso.domain.clock import using_clock
from faircasso.domain.errors import ConcurrencyConflictError, FaircassoError
from faircasso.domain.imports import ImportRecord
from faircasso.domain.suspense import (
    CreditHeld,
    Proposal,
    SuspenseItem,
    suspense_id_for,
)
from faircasso.engine import Engine
from faircasso.formats import (
    BankEntry,
    Rejected,
    is_valid_dutch_payment_reference,
    is_valid_rf,
    normalise_reference,
    read_camt053,
    write_rejects,
)
from faircasso.intake import file_sha256, taken_in_before
from faircasso.projections.case_status import case_by_payment_reference

logger = logging.getLogger(__name__)

_DUTCH = re.compile(r"(?<!\d)(?:\d[ .]?){15}\d(?!\d)")
_RF = re.compile(r"\bRF\d{2}[A-Z0-9]{1,21}\b", re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/_.]{3,}")


@dataclass
class PaymentsResult:
    """What taking in one statement did."""

    file: str
    entries: int = 0
    booked: int = 0
    booked_before: int = 0
    held: int = 0
    reversed: int = 0
    ignored: int = 0
    rejected: int = 0
    rejects_file: str | None = None
    taken_in_before_on: date | None = None
    booked_cases: set[UUID] = field(default_factory=set)

    def summary(self) -> str:
        """One line for the terminal."""
        if self.taken_in_before_on is not None:
            return (
                f"{self.file}: already taken in on {self.taken_in_before_on}; "
                "nothing changed"
            )
        line = (
            f"{self.file}: {self.entries} entries; {self.booked} booked on "
            f"{len(self.booked_cases)} cases, {self.booked_before} booked before, "
            f"{self.held} held in suspense, {self.reversed} reversed, "
            f"{self.ignored} outgoing left alone"
        )
        if self.rejected:
            line += f"; {self.rejected} rejected, see {self.rejects_file}"
        return line


def import_statements(
    engine: Engine, paths: Sequence[str | Path], *, skip_invalid: bool = False
) -> list[PaymentsResult]:
    """Take in camt.053 statements, each in one transaction."""
    return [import_statement(engine, Path(p), skip_invalid=skip_invalid) for p in paths]


def import_statement(
    engine: Engine, path: Path, *, skip_invalid: bool = False, attempts: int = 5
) -> PaymentsResult:
    """Take in one statement; retried whole when a case changed meanwhile."""
    sha = file_sha256([path])
    for _ in range(attempts):
        before = taken_in_before(engine, "payments", sha)
        if before is not None:
            return PaymentsResult(str(path), taken_in_before_on=before)
        try:
            return _import(engine, path, sha, skip_invalid)
        except IntegrityError:
            logger.debug("statement %s met a concurrent change; retrying", path)
    raise ConcurrencyConflictError(str(path), attempts)


class _Work:
    """The cases and held items one statement changes, saved together."""

    # Limitation: the cases one statement touches are held in memory together.

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cases: dict[UUID, Case] = {}
        self.held: list[SuspenseItem] = []

    def case(self, case_id: UUID) -> Case:
        found = self.cases.get(case_id)
        if found is None:
            found = self.cases[case_id] = self.engine.case(case_id)
        return found


def _import(engine: Engine, path: Path, sha: str, skip: bool) -> PaymentsResult:
    if not engine.views_inline:
        engine.views.catch_up()
    result = PaymentsResult(str(path))
    work = _Work(engine)
    with using_clock(engine.clock):
        stream = read_camt053(path, errors="collect" if skip else "raise")
        rejected: list[Rejected] = []
        for entry in stream:
            result.entries += 1
            try:
                _take(engine, work, entry, result)
            except FaircassoError as error:
                if not skip:
                    raise
                rejected.append(Rejected(entry.source, "", str(error)))
        rejected[:0] = list(stream.rejected)
        result.rejected = len(rejected)
        record = ImportRecord.record(
            kind="payments",
            file_name=str(path),
            sha256=sha,
            file_format="camt053",
            counts=_counts(result),
            on=engine.today(),
        )
        engine.save_together(*work.cases.values(), *work.held, record)
    if rejected:
        result.rejects_file = str(path.with_name(path.name + ".rejects.csv"))
        write_rejects(result.rejects_file, rejected)
    logger.info("took in statement %s: %s", path.name, _counts(result))
    return result


def _counts(result: PaymentsResult) -> dict[str, int]:
    return {
        "entries": result.entries,
        "booked": result.booked,
        "booked_before": result.booked_before,
        "held": result.held,
        "reversed": result.reversed,
        "ignored": result.ignored,
        "rejected": result.rejected,
    }


def _take(
    engine: Engine, work: _Work, entry: BankEntry, result: PaymentsResult
) -> None:
    if entry.credit and not entry.reversal:
        _credit(engine, work, entry, result)
    elif entry.reversal:
        _reversal(engine, work, entry, result)
    else:
        result.ignored += 1


def _credit(
    engine: Engine, work: _Work, entry: BankEntry, result: PaymentsResult
) -> None:
    case_id = match_case(engine, entry)
    if case_id is None:
        _hold(engine, work, entry, "credit", result)
        return
    booked = work.case(case_id).record_payment(
        entry.booking_date,
        entry.amount,
        payment_id=entry.entry_id,
        source=entry.source,
        bank_reference=entry.end_to_end_id or "",
    )
    if booked:
        result.booked += 1
        result.booked_cases.add(case_id)
    else:
        result.booked_before += 1


def _reversal(
    engine: Engine, work: _Work, entry: BankEntry, result: PaymentsResult
) -> None:
    case_id = match_case(engine, entry)
    case = work.case(case_id) if case_id is not None else None
    if case is not None and case.reversal_recorded(entry.entry_id):
        result.booked_before += 1
        return
    payment_id = case.find_payment(entry.end_to_end_id, entry.amount) if case else None
    if case is None or payment_id is None:
        _hold(engine, work, entry, "reversal", result)
        return
    reason = entry.return_reason or "reversed by the bank"
    if case.reverse_payment(
        entry.booking_date, payment_id, reason=reason, reversal_id=entry.entry_id
    ):
        result.reversed += 1
    else:
        result.booked_before += 1


def _hold(
    engine: Engine, work: _Work, entry: BankEntry, kind: str, result: PaymentsResult
) -> None:
    item_id = suspense_id_for(entry.entry_id)
    held = engine.store.load(item_id) is not None
    if held or any(h.id == item_id for h in work.held):
        result.booked_before += 1
        return
    work.held.append(
        SuspenseItem.hold(
            entry_id=entry.entry_id,
            kind=kind,
            amount=entry.amount,
            booked_on=entry.booking_date,
            reference=entry.creditor_reference or "",
            description=entry.unstructured,
            payer_name=entry.debtor_name or "",
            payer_iban=entry.debtor_iban or "",
            bank_reference=entry.end_to_end_id or "",
            source=entry.source,
            proposals=propose_cases(engine, entry),
            on=engine.today(),
        )
    )
    result.held += 1


def payment_references(entry: BankEntry) -> list[str]:
    """Valid payment references in an entry: structured first, then the text."""
    found: list[str] = []
    if entry.creditor_reference:
        found.append(normalise_reference(entry.creditor_reference))
    text = entry.unstructured or ""
    found += [normalise_reference(m.group(0)) for m in _RF.finditer(text)]
    found += [re.sub(r"[ .]", "", m.group(0)) for m in _DUTCH.finditer(text)]
    return [r for r in dict.fromkeys(found) if _is_reference(r)]


def _is_reference(text: str) -> bool:
    return is_valid_dutch_payment_reference(text) or is_valid_rf(text)


def match_case(engine: Engine, entry: BankEntry) -> UUID | None:
    """The case whose payment reference the entry carries, if any."""
    for reference in payment_references(entry):
        case_id = case_by_payment_reference(engine.views, reference)
        if case_id is not None:
            return case_id
    return None


def propose_cases(engine: Engine, entry: BankEntry) -> tuple[Proposal, ...]:
    """Cases the money may belong to: an invoice number in the description."""
    table = engine.views.tables().case_status
    proposals: dict[UUID, str] = {}
    tokens = [
        t
        for t in _TOKEN.findall(entry.unstructured or "")
        if any(c.isdigit() for c in t)
    ]
    with engine.views.connect() as conn:
        for token in tokens[:20]:
            pattern = f'%"number":{_json_text(token)}%'
            query = select(table.c.case_id).where(
                table.c.invoices.like(pattern, escape="\\")
            )
            for (case_hex,) in conn.execute(query):
                proposals.setdefault(
                    UUID(case_hex), f"invoice number {token} in the description"
                )
    return tuple(Proposal(case_id, reason) for case_id, reason in proposals.items())


def _json_text(token: str) -> str:
    return json.dumps(token).replace("%", "\\%").replace("_", "\\_")


def open_suspense(engine: Engine) -> list[SuspenseItem]:
    """Money held in suspense and not yet assigned, oldest first."""
    recorder: Any = engine.store.recorder
    items = []
    start = 1
    while True:
        batch = recorder.select_notifications(
            start, 500, topics=[get_topic(CreditHeld)]
        )
        if not batch:
            break
        for notification in batch:
            item: SuspenseItem = engine.store.repository.get(notification.originator_id)
            if item.is_open:
                items.append(item)
        start = batch[-1].id + 1
    return items
