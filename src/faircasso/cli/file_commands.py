"""``faircasso intake``, ``payments`` and ``suspense``: files in, money matched."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from faircasso.cli.commands import opened
from faircasso.cli.output import euros, table
from faircasso.intake import take_in
from faircasso.payments import import_statements, open_suspense


def add_parsers(sub: Any) -> None:
    """Add the file commands to the command line."""
    intake = sub.add_parser(
        "intake", help="take in cases from CSV or JSON batches, or UBL invoices"
    )
    intake.add_argument("files", nargs="+", type=Path, metavar="FILE")
    intake.add_argument(
        "--skip-invalid",
        action="store_true",
        help="take in the valid cases; write the rejected ones to FILE.rejects.csv",
    )
    intake.add_argument(
        "--client", help="the client the UBL invoices are from (default: matched)"
    )
    intake.set_defaults(run=run_intake)

    payments = sub.add_parser("payments", help="take in camt.053 bank statements")
    payments.add_argument("files", nargs="+", type=Path, metavar="FILE")
    payments.add_argument(
        "--skip-invalid",
        action="store_true",
        help="take in the valid entries; write the rejected ones to a rejects file",
    )
    payments.set_defaults(run=run_payments)

    suspense = sub.add_parser("suspense", help="money that matched no case")
    suspense_sub = suspense.add_subparsers(dest="suspense_command", required=True)
    listing = suspense_sub.add_parser("list", help="money held and not yet assigned")
    listing.set_defaults(run=list_suspense)
    assign = suspense_sub.add_parser("assign", help="book held money on a case")
    assign.add_argument("entry_id", metavar="ENTRY")
    assign.add_argument("--client", required=True)
    assign.add_argument("--reference", required=True)
    assign.set_defaults(run=assign_suspense)


def run_intake(args: argparse.Namespace) -> int:
    """Take in case files."""
    with opened(args) as engine:
        results = take_in(
            engine, args.files, skip_invalid=args.skip_invalid, client=args.client
        )
        for result in results:
            print(result.summary())
    return 0


def run_payments(args: argparse.Namespace) -> int:
    """Take in bank statements."""
    with opened(args) as engine:
        for result in import_statements(
            engine, args.files, skip_invalid=args.skip_invalid
        ):
            print(result.summary())
    return 0


def list_suspense(args: argparse.Namespace) -> int:
    """Print the money held in suspense."""
    with opened(args) as engine:
        items = open_suspense(engine)
        rows = [
            [
                item.entry_id,
                item.booked_on,
                item.kind,
                euros(item.amount),
                item.reference or item.description[:30],
                "; ".join(p.reason for p in item.proposals),
            ]
            for item in items
        ]
        headers = ("entry", "booked", "kind", "amount", "reference", "proposals")
        print(table(headers, rows) if rows else "nothing held in suspense")
    return 0


def assign_suspense(args: argparse.Namespace) -> int:
    """Book held money on a case."""
    with opened(args) as engine:
        case_id = engine.case_id(args.client, args.reference)
        case = engine.assign_suspense(args.entry_id, case_id)
        print(f"booked on case {case.reference}: {case.state}, balance {case.balance}")
    return 0
