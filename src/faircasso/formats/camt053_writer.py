"""Writing camt.053 bank statements, for simulations, demonstrations and tests.

The agency's bank writes the statements faircasso reads; this module
writes small ones of the same shape (version 001.02 or 001.08), so a
simulated debtor's payment travels the same road as a real one: a file, a
reader, matching on the payment reference, booking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money

_VERSIONS = ("02", "08")


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One entry to write: a credit, or a debit; ``reversal`` for a return."""

    amount: Money
    booked_on: date
    reference: str = ""
    description: str = ""
    payer_name: str = ""
    payer_iban: str = ""
    end_to_end_id: str = ""
    bank_reference: str = ""
    credit: bool = True
    reversal: bool = False


def write_statement(
    path: str | Path,
    *,
    account_iban: str,
    statement_id: str,
    lines: Sequence[StatementLine],
    version: str = "08",
) -> Path:
    """Write a booked camt.053 statement with ``lines`` to ``path``."""
    if version not in _VERSIONS:
        raise InvalidValueError("camt.053 version", version, "'02' or '08'")
    namespace = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
    document = ET.Element("Document", xmlns=namespace)
    statement = ET.SubElement(ET.SubElement(document, "BkToCstmrStmt"), "Stmt")
    _text(statement, "Id", statement_id)
    account = ET.SubElement(ET.SubElement(statement, "Acct"), "Id")
    _text(account, "IBAN", account_iban)
    for number, line in enumerate(lines, start=1):
        _entry(statement, number, line, version)
    target = Path(path)
    ET.ElementTree(document).write(target, encoding="UTF-8", xml_declaration=True)
    return target


def _entry(
    statement: ET.Element, number: int, line: StatementLine, version: str
) -> None:
    entry = ET.SubElement(statement, "Ntry")
    amount = _text(entry, "Amt", f"{line.amount.amount:.2f}")
    amount.set("Ccy", line.amount.currency)
    _text(entry, "CdtDbtInd", "CRDT" if line.credit else "DBIT")
    if line.reversal:
        _text(entry, "RvslInd", "true")
    if version == "08":
        _text(ET.SubElement(entry, "Sts"), "Cd", "BOOK")
    else:
        _text(entry, "Sts", "BOOK")
    _text(ET.SubElement(entry, "BookgDt"), "Dt", line.booked_on.isoformat())
    _text(ET.SubElement(entry, "ValDt"), "Dt", line.booked_on.isoformat())
    _text(entry, "AcctSvcrRef", line.bank_reference or f"{number:06d}")
    details = ET.SubElement(ET.SubElement(entry, "NtryDtls"), "TxDtls")
    _text(
        ET.SubElement(details, "Refs"),
        "EndToEndId",
        line.end_to_end_id or "NOTPROVIDED",
    )
    _parties(details, line, version)
    _remittance(details, line)


def _parties(details: ET.Element, line: StatementLine, version: str) -> None:
    if not (line.payer_name or line.payer_iban):
        return
    parties = ET.SubElement(details, "RltdPties")
    debtor = ET.SubElement(parties, "Dbtr")
    if line.payer_name:
        holder = ET.SubElement(debtor, "Pty") if version == "08" else debtor
        _text(holder, "Nm", line.payer_name)
    if line.payer_iban:
        account = ET.SubElement(ET.SubElement(parties, "DbtrAcct"), "Id")
        _text(account, "IBAN", line.payer_iban)


def _remittance(details: ET.Element, line: StatementLine) -> None:
    if not (line.reference or line.description):
        return
    remittance = ET.SubElement(details, "RmtInf")
    if line.description:
        _text(remittance, "Ustrd", line.description)
    if line.reference:
        structured = ET.SubElement(ET.SubElement(remittance, "Strd"), "CdtrRefInf")
        _text(structured, "Ref", line.reference)


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element
