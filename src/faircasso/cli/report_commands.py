"""The read-only ``faircasso`` commands: report, work list, ledger."""

from __future__ import annotations

import argparse
from pathlib import Path

from faircasso.cli.commands import opened
from faircasso.cli.output import euros, table
from faircasso.domain.client import client_id_for
from faircasso.domain.money import Money, total_of
from faircasso.projections.ledger import LedgerLine, payments
from faircasso.projections.portfolio import monthly_report
from faircasso.projections.report_files import report_text, write_report_files
from faircasso.projections.worklist import WorkItem, work_list


def report(args: argparse.Namespace) -> int:
    """Print a client's monthly report; with ``--csv`` also write CSV and chart."""
    with opened(args) as engine:
        engine.client(args.client)
        found = monthly_report(engine.views, client_id_for(args.client), args.month)
        print(report_text(found))
        if args.csv is not None:
            csv_path, png_path = write_report_files(found, Path(args.csv))
            print(f"\nwrote {csv_path} and {png_path}")
    return 0


def worklist(args: argparse.Namespace) -> int:
    """Print what is due on a day, for one client or all."""
    with opened(args) as engine:
        day = args.on or engine.today()
        client_id = None
        if args.client:
            client_id = engine.client(args.client).id
        items = work_list(engine.views, day, client_id=client_id)
        if not items:
            print(f"nothing due on {day}")
        else:
            print(worklist_table(items))
    return 0


def worklist_table(items: list[WorkItem]) -> str:
    """Work-list items as a terminal table."""
    rows = [[i.due_on, i.client_code, i.reference, i.description] for i in items]
    return table(["due on", "client", "case", "what"], rows)


def ledger(args: argparse.Namespace) -> int:
    """Print a client's payments ledger, optionally of one month."""
    with opened(args) as engine:
        client_id = engine.client(args.client).id
        lines = payments(engine.views, client_id, month=args.month)
        if not lines:
            period = f" in {args.month}" if args.month else ""
            print(f"no payments for {args.client}{period}")
        else:
            print(ledger_table(lines))
    return 0


_LEDGER_HEADERS = (
    "booked",
    "case",
    "payment",
    "amount",
    "costs",
    "interest",
    "principal",
    "surplus",
    "to client",
    "to agency",
)

_AMOUNTS = (
    "amount",
    "costs",
    "interest",
    "principal",
    "surplus",
    "to_client",
    "to_agency",
)


def ledger_table(lines: list[LedgerLine]) -> str:
    """Ledger lines as a terminal table, with a line of totals."""
    rows: list[list[object]] = [
        [
            line.booked_on,
            line.reference,
            line.payment_id,
            *(euros(getattr(line, name)) for name in _AMOUNTS),
        ]
        for line in lines
    ]
    totals: list[Money] = [
        total_of(getattr(line, name) for line in lines) for name in _AMOUNTS
    ]
    rows.append(["total", "", "", *(euros(amount) for amount in totals)])
    return table(_LEDGER_HEADERS, rows)
