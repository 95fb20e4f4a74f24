"""ISO 20022 camt.053 bank statements, versions 001.02 to 001.08.

A statement (``Stmt``) lists entries (``Ntry``) booked on one account. The
reader streams: it parses entry by entry and drops each entry's elements
once read, so a statement of any length is read in flat memory.

Each booked entry becomes one :class:`~faircasso.formats.records.BankEntry`;
a batched entry (several ``TxDtls``) becomes one per transaction, each with
its own amount and an ``entry_id`` ending in ``/1``, ``/2``, .... Entries
not yet booked (pending, information only) are skipped with a warning.

Where the versions differ, the reader accepts both forms in every version:
the entry status is a plain code up to 001.06 and ``Sts/Cd`` from 001.07;
a related party's name is ``Dbtr/Nm`` up to 001.07 and ``Dbtr/Pty/Nm`` in
001.08.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Final
from xml.etree.ElementTree import tostring

from faircasso.domain.errors import InputFileError
from faircasso.domain.money import Money, total_of
from faircasso.formats import _fields as f
from faircasso.formats import safexml
from faircasso.formats._camt_walk import StatementWalker
from faircasso.formats._xmlnode import Node
from faircasso.formats.records import BankEntry, source_of
from faircasso.formats.references import normalise_reference
from faircasso.formats.rejects import Collector, ErrorMode, RecordStream

logger = logging.getLogger(__name__)

BOOKED: Final = "BOOK"
_NOT_PROVIDED: Final = "NOTPROVIDED"


@dataclass(frozen=True, slots=True)
class _Head:
    """What an entry says about all of its transactions."""

    account_iban: str
    entry_id: str
    booking_date: date
    value_date: date | None
    amount: Money
    credit: bool
    reversal: bool


@dataclass(frozen=True, slots=True)
class _Details:
    """What one transaction of an entry adds: who paid, and what for."""

    end_to_end_id: str | None = None
    creditor_reference: str | None = None
    unstructured: str = ""
    debtor_name: str | None = None
    debtor_iban: str | None = None
    return_reason: str | None = None


def read_camt053(
    path: str | Path,
    *,
    errors: ErrorMode = "raise",
    max_bytes: int = safexml.DEFAULT_MAX_BYTES,
) -> RecordStream[BankEntry]:
    """Read the booked entries of a camt.053 file, lazily, in file order."""
    file = str(path)
    return RecordStream(
        lambda collector: _bank_entries(file, collector, max_bytes), errors
    )


def _bank_entries(
    file: str, collector: Collector, max_bytes: int
) -> Iterator[BankEntry]:
    walker = StatementWalker(file)
    count = skipped = 0
    for ntry, statement in walker.entries(max_bytes):
        try:
            records = _entry(file, ntry, statement.iban, statement.position(ntry))
        except InputFileError as error:
            raw = tostring(ntry.element, encoding="unicode")
            collector.reject(source_of(file, ntry.path), raw, error)
            continue

        skipped += not records
        count += len(records)
        yield from records

    logger.info(
        "Read %d bank entries from %s; %d not booked, %d rejected",
        count,
        Path(file).name,
        skipped,
        len(collector.rejected),
    )


def _entry(file: str, ntry: Node, iban: str, position: str) -> list[BankEntry]:
    """The records of one entry; none when it is not booked."""
    status = ntry.first_text(("Sts", "Cd"), ("Sts",))
    if status is None:
        raise InputFileError(file, ntry.where("Sts"), "Sts", None, "an entry status")
    if status != BOOKED:
        logger.warning(
            "Skipped the entry at %s in %s: status %s is not booked",
            ntry.path,
            Path(file).name,
            status,
        )
        return []

    transactions = [
        tx for details in ntry.children("NtryDtls") for tx in details.children("TxDtls")
    ]
    details = [_details(tx) for tx in transactions] or [_Details()]
    head = _head(file, ntry, iban, _entry_id(ntry, iban, position, details))
    if len(transactions) <= 1:
        return [_record(file, head, details[0], ntry.path)]
    return _batch(file, ntry, head, transactions, details)


def _head(file: str, ntry: Node, iban: str, entry_id: str) -> _Head:
    """Amount, direction, dates and identity of an entry."""
    return _Head(
        account_iban=iban,
        entry_id=entry_id,
        booking_date=_required_date(file, ntry, "BookgDt"),
        value_date=_date(file, ntry, "ValDt"),
        amount=_amount(file, ntry, ("Amt",)),
        credit=_credit(file, ntry),
        reversal=_reversal(file, ntry),
    )


def _batch(
    file: str,
    ntry: Node,
    head: _Head,
    transactions: list[Node],
    details: list[_Details],
) -> list[BankEntry]:
    """One record per transaction of a batched entry; their sum is checked."""
    amounts = [
        _amount(file, tx, ("AmtDtls", "TxAmt", "Amt"), ("Amt",)) for tx in transactions
    ]
    total = total_of(amounts)
    if total != head.amount:
        raise InputFileError(
            file,
            ntry.where("Amt"),
            "Amt",
            str(head.amount.amount),
            f"the sum of its {len(amounts)} transaction amounts ({total.amount})",
        )

    records = []
    for index, (tx, amount, detail) in enumerate(
        zip(transactions, amounts, details, strict=True), 1
    ):
        one = replace(head, amount=amount, entry_id=f"{head.entry_id}/{index}")
        records.append(_record(file, one, detail, tx.path))
    return records


def _record(file: str, head: _Head, detail: _Details, path: str) -> BankEntry:
    return BankEntry(
        entry_id=head.entry_id,
        account_iban=head.account_iban,
        booking_date=head.booking_date,
        value_date=head.value_date,
        amount=head.amount,
        credit=head.credit,
        reversal=head.reversal,
        creditor_reference=detail.creditor_reference,
        unstructured=detail.unstructured,
        debtor_name=detail.debtor_name,
        debtor_iban=detail.debtor_iban,
        end_to_end_id=detail.end_to_end_id,
        source=source_of(file, path),
        return_reason=detail.return_reason,
    )


def _details(tx: Node) -> _Details:
    """References, payer and return reason of one transaction."""
    end_to_end = tx.text("Refs", "EndToEndId")
    remittance = tx.child("RmtInf")
    structured = [] if remittance is None else list(remittance.children("Strd"))
    lines = [] if remittance is None else list(remittance.children("Ustrd"))
    references = [r for s in structured if (r := s.text("CdtrRefInf", "Ref"))]
    reference = references[0] if references else None
    unstructured = " ".join(text for line in lines if (text := line.text()))
    return _Details(
        end_to_end_id=None if end_to_end == _NOT_PROVIDED else end_to_end,
        creditor_reference=normalise_reference(reference) if reference else None,
        unstructured=unstructured,
        # Limitation: only the paying party is kept; the payee of a debit is not.
        debtor_name=tx.first_text(
            ("RltdPties", "Dbtr", "Nm"), ("RltdPties", "Dbtr", "Pty", "Nm")
        ),
        debtor_iban=tx.text("RltdPties", "DbtrAcct", "Id", "IBAN"),
        return_reason=_return_reason(tx),
    )


def _return_reason(tx: Node) -> str | None:
    """``AC04`` or ``AC04: account closed`` from ``RtrInf``, if present."""
    info = tx.child("RtrInf")
    if info is None:
        return None
    code = info.first_text(("Rsn", "Cd"), ("Rsn", "Prtry"))
    extra = info.text("AddtlInf")
    return ": ".join(part for part in (code, extra) if part) or None


# Limitation: without a bank reference the id includes the entry's position,
# so the same entry in a statement cut differently gets another id.
def _entry_id(ntry: Node, iban: str, position: str, details: list[_Details]) -> str:
    """The bank's reference for the entry, else a hash of what the entry says.

    The bank's reference is unique per account, so the IBAN goes in front.
    In the hash, the position (statement and entry number) keeps two
    identical transfers on one day apart; the same statement imported again
    gives the same ids.
    """
    servicer_ref = ntry.text("AcctSvcrRef")
    if servicer_ref:
        return f"{iban}/{servicer_ref}"

    parts = [
        iban,
        ntry.text("BookgDt", "Dt") or ntry.text("BookgDt", "DtTm") or "",
        ntry.text("Amt") or "",
        ntry.text("CdtDbtInd") or "",
        ntry.text("RvslInd") or "",
        ntry.text("NtryRef") or "",
        *(
            f"{d.end_to_end_id}|{d.creditor_reference}|{d.unstructured}"
            for d in details
        ),
        position,
    ]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    return f"{iban}/h{digest[:24]}"


def _amount(file: str, node: Node, *paths: tuple[str, ...]) -> Money:
    """A positive EUR amount from the first of ``paths`` present."""
    found = next((n for p in paths if (n := node.child(*p)) is not None), None)
    if found is None:
        where = node.where(*paths[0])
        raise InputFileError(file, where, paths[0][-1], None, "an amount")

    name = found.path.rpartition("/")[2]
    currency = found.element.get("Ccy")
    if currency != "EUR":
        raise InputFileError(file, found.path, "Ccy", currency, f.CURRENCY_EXPECTED)
    try:
        return Money(f.parse_amount(found.text() or ""))
    except ValueError as problem:
        raise InputFileError(
            file, found.path, name, found.text(), str(problem)
        ) from None


def _credit(file: str, ntry: Node) -> bool:
    indicator = ntry.text("CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        where = ntry.where("CdtDbtInd")
        raise InputFileError(file, where, "CdtDbtInd", indicator, "CRDT or DBIT")
    return indicator == "CRDT"


def _reversal(file: str, ntry: Node) -> bool:
    flag = ntry.text("RvslInd")
    if flag in (None, "false", "0"):
        return False
    if flag in ("true", "1"):
        return True
    raise InputFileError(file, ntry.where("RvslInd"), "RvslInd", flag, "true or false")


def _date(file: str, ntry: Node, name: str) -> date | None:
    """``Dt``, or the date of ``DtTm``, inside ``name``; None when absent."""
    day = ntry.child(name, "Dt")
    if day is not None:
        try:
            return f.parse_iso_date(day.text() or "")
        except ValueError as problem:
            raise InputFileError(
                file, day.path, "Dt", day.text(), str(problem)
            ) from None

    moment = ntry.child(name, "DtTm")
    if moment is None:
        return None
    try:
        return datetime.fromisoformat(moment.text() or "").date()
    except ValueError:
        expected = "a date and time such as 2026-01-31T10:15:00"
        raise InputFileError(
            file, moment.path, "DtTm", moment.text(), expected
        ) from None


def _required_date(file: str, ntry: Node, name: str) -> date:
    found = _date(file, ntry, name)
    if found is None:
        raise InputFileError(file, ntry.where(name), name, None, "a date (Dt or DtTm)")
    return found
