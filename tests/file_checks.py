"""Helpers for the tests of files in: samples, statements, what the store holds.

Plain functions, importable from any test folder (``from file_checks import
copy_sample``), like ``stores.py``.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import select

from case_checks import assert_money_conserved
from faircasso.domain.money import Money
from faircasso.engine import Engine
from faircasso.formats import sample_path
from faircasso.formats.camt053_writer import StatementLine, write_statement
from view_checks import view_rows

TODAY = date(2026, 3, 2)
"""A Monday after every due date in the samples."""

ACCOUNT = "NL93RABO0315762481"
DATA = Path(__file__).resolve().parent / "data" / "formats"
SAMPLE_CLIENTS = ("ENERGIEK", "TUINWINKEL", "DRUKKERIJ-ZON")
SUPPLIER_KVK = "34217865"
"""The KvK number of the supplier of the Peppol and SI-UBL samples."""

CSV_HEADER = (
    "client,reference,debtor_name,debtor_kind,invoice_number,invoice_date,"
    "due_date,principal\n"
)

BUSINESS_TERMS = {
    "handling_fee": "25.00",
    "can_deduct_vat": True,
    "portfolio": "business",
    "legal_threshold": "500.00",
}


def copy_sample(name: str, folder: Path, as_name: str | None = None) -> Path:
    """A copy of a shipped sample in ``folder``, so rejects land there."""
    target = folder / (as_name or name)
    shutil.copyfile(sample_path(name), target)
    return target


def copy_data(name: str, folder: Path) -> Path:
    """A copy of a malformed test file in ``folder``."""
    target = folder / name
    shutil.copyfile(DATA / name, target)
    return target


def write_csv(folder: Path, name: str, *rows: str) -> Path:
    """A CSV batch with the required columns and ``rows``."""
    path = folder / name
    path.write_text(CSV_HEADER + "".join(f"{row}\n" for row in rows), "utf-8")
    return path


def register_sample_clients(engine: Engine) -> None:
    """The three clients of the CSV and JSON samples, with agreements."""
    for code in SAMPLE_CLIENTS:
        engine.register_client(code, f"{code} B.V.", agreement=BUSINESS_TERMS)


def stored_events(engine: Engine) -> int:
    """How many events the store holds."""
    recorder: Any = engine.store.recorder
    return len(recorder.select_notifications(start=1, limit=10**6))


def views_now(engine: Engine) -> tuple[int, dict[str, list[tuple[Any, ...]]]]:
    """The views' position and every row of the current version."""
    views = engine.views
    version = views.current_version()
    return views.position(version), view_rows(views, version)


def status_row(engine: Engine, case_id: UUID) -> dict[str, Any]:
    """The case-status row of a case."""
    table = engine.views.tables().case_status
    query = select(table).where(table.c.case_id == case_id.hex)
    with engine.views.connect() as conn:
        return dict(conn.execute(query).mappings().one())


def ledger_rows(engine: Engine, case_id: UUID) -> list[dict[str, Any]]:
    """The payments-ledger rows of a case, in the order they were recorded."""
    table = engine.views.tables().payments
    query = (
        select(table)
        .where(table.c.case_id == case_id.hex)
        .order_by(table.c.notification_id)
    )
    with engine.views.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def read_rejects(path: str | Path) -> list[dict[str, str]]:
    """The rows of a rejects file."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def credit(
    amount: str,
    *,
    reference: str = "",
    description: str = "",
    bank_reference: str = "",
    end_to_end_id: str = "",
    booked_on: date = TODAY,
) -> StatementLine:
    """An incoming payment."""
    return StatementLine(
        amount=Money(amount),
        booked_on=booked_on,
        reference=reference,
        description=description,
        payer_name="J. de Vries",
        payer_iban="NL91ABNA0417164300",
        end_to_end_id=end_to_end_id,
        bank_reference=bank_reference,
    )


def reversal(
    amount: str,
    *,
    reference: str = "",
    bank_reference: str = "",
    end_to_end_id: str = "",
) -> StatementLine:
    """The bank taking back a payment (a returned direct transfer)."""
    return StatementLine(
        amount=Money(amount),
        booked_on=TODAY,
        reference=reference,
        end_to_end_id=end_to_end_id,
        bank_reference=bank_reference,
        credit=False,
        reversal=True,
    )


def statement(
    folder: Path,
    name: str,
    lines: Sequence[StatementLine],
    *,
    statement_id: str = "STMT-1",
    version: str = "08",
) -> Path:
    """A camt.053 statement of the agency's account with ``lines``."""
    return write_statement(
        folder / name,
        account_iban=ACCOUNT,
        statement_id=statement_id,
        lines=lines,
        version=version,
    )


def assert_cases_conserve_money(engine: Engine, case_ids: Iterable[UUID]) -> None:
    """received == paid off + surplus, per invoice and per case, for each case."""
    for case_id in case_ids:
        case = engine.case(case_id)
        assert_money_conserved(case, engine.events(case_id))
