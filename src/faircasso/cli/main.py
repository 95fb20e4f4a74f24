"""The ``faircasso`` command line.

Every command takes the store from ``--db URL`` or the environment
variable ``FAIRCASSO_DATABASE_URL`` (default ``sqlite:///faircasso.db`` in
the working directory). A refused command prints one line saying why and
exits with status 2; nothing is written.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from faircasso.cli import (
    commands,
    file_commands,
    projection_commands,
    report_commands,
)
from faircasso.domain.errors import FaircassoError

logger = logging.getLogger("faircasso")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}: expected YYYY-MM-DD"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="faircasso",
        description="Case workflow for socially responsible collection.",
    )
    parser.add_argument(
        "--db",
        help="database URL (default: $FAIRCASSO_DATABASE_URL or sqlite:///faircasso.db)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = sub.add_parser("init", help="create the store's tables")
    init.add_argument("--today", type=_date, help="run the store on its own calendar")
    init.set_defaults(run=commands.init)

    _client_parsers(sub)
    _case_parsers(sub)

    advance = sub.add_parser("advance", help="move to a date and fire due deadlines")
    advance.add_argument("--to", type=_date, required=True, dest="day")
    advance.set_defaults(run=commands.advance)

    status = sub.add_parser("status", help="status of cases as a table")
    status.add_argument("--client")
    status.add_argument("--phase")
    status.add_argument("--on", type=_date, help="interest as of this date")
    status.set_defaults(run=commands.status)

    _report_parsers(sub)
    _projection_parsers(sub)
    file_commands.add_parsers(sub)

    demo = sub.add_parser("demo", help="run a sample story on a fresh SQLite file")
    demo.add_argument("--file", type=Path, default=Path("faircasso-demo.db"))
    demo.set_defaults(run=commands.demo)
    return parser


def _client_parsers(sub: Any) -> None:
    client = sub.add_parser("client", help="clients and their agreements")
    client_sub = client.add_subparsers(dest="client_command", required=True)
    add = client_sub.add_parser("add", help="register a client with its agreement")
    add.add_argument("code")
    add.add_argument("name")
    add.add_argument("--handling-fee", default="25.00")
    add.add_argument(
        "--no-vat-deduction",
        action="store_true",
        help="the client cannot deduct VAT (VAT surcharge on costs)",
    )
    add.add_argument(
        "--portfolio", choices=["consumer", "business"], default="consumer"
    )
    add.add_argument("--legal-threshold", default="500.00")
    add.add_argument("--private-individual", action="store_true")
    add.add_argument("--instalment-tolerance", type=int, default=1)
    add.add_argument(
        "--business-costs",
        choices=["scale", "minimum", "none"],
        default="scale",
        help="costs charged to business debtors: the BIK scale, the flat "
        "commercial minimum, or none",
    )
    add.set_defaults(run=commands.client_add)


def _case_parsers(sub: Any) -> None:
    case = sub.add_parser("case", help="open and show cases")
    case_sub = case.add_subparsers(dest="case_command", required=True)
    open_ = case_sub.add_parser("open", help="take in one case")
    open_.add_argument("--client", required=True)
    open_.add_argument("--reference", required=True)
    open_.add_argument("--debtor", required=True, help="debtor name")
    open_.add_argument("--kind", choices=["consumer", "business"], default="consumer")
    open_.add_argument("--address", default="")
    open_.add_argument(
        "--invoice",
        action="append",
        required=True,
        metavar="NUMBER,INVOICE_DATE,DUE_DATE,AMOUNT",
        help="repeat for several invoices, e.g. F-1,2026-01-01,2026-01-31,150.00",
    )
    open_.set_defaults(run=commands.case_open)

    show = case_sub.add_parser("show", help="a case's phase, balances and deadlines")
    show.add_argument("reference")
    show.add_argument("--client", required=True)
    show.add_argument("--on", type=_date)
    show.set_defaults(run=commands.case_show)

    for name, help_text in commands.SIMPLE_CASE_COMMANDS.items():
        simple = case_sub.add_parser(name, help=help_text)
        simple.add_argument("reference")
        simple.add_argument("--client", required=True)
        simple.add_argument("--on", type=_date)
        simple.set_defaults(run=commands.case_simple, action=name)

    pay = case_sub.add_parser("pay", help="record money received for a case")
    pay.add_argument("reference")
    pay.add_argument("amount")
    pay.add_argument("--client", required=True)
    pay.add_argument("--on", type=_date)
    pay.add_argument("--payment-id")
    pay.set_defaults(run=commands.case_pay)


def _report_parsers(sub: Any) -> None:
    report = sub.add_parser("report", help="a client's monthly portfolio report")
    report.add_argument("--client", required=True)
    report.add_argument("--month", required=True, help="YYYY-MM")
    report.add_argument(
        "--csv",
        type=Path,
        metavar="FILE",
        help="also write the report as CSV to FILE and a chart beside it (.png)",
    )
    report.set_defaults(run=report_commands.report)

    worklist = sub.add_parser("worklist", help="what is due on a day")
    worklist.add_argument("--on", type=_date, help="the day (default: today)")
    worklist.add_argument("--client")
    worklist.set_defaults(run=report_commands.worklist)

    ledger = sub.add_parser("ledger", help="a client's payments and where they went")
    ledger.add_argument("--client", required=True)
    ledger.add_argument("--month", help="YYYY-MM: payments booked in that month")
    ledger.set_defaults(run=report_commands.ledger)


def _projection_parsers(sub: Any) -> None:
    projections = sub.add_parser("projections", help="keep, rebuild and inspect views")
    projections_sub = projections.add_subparsers(
        dest="projections_command", required=True
    )
    run = projections_sub.add_parser(
        "run", help="follow new events and keep the views caught up"
    )
    run.add_argument("--once", action="store_true", help="catch up once, then stop")
    run.add_argument(
        "--interval",
        type=float,
        default=0.5,
        help="seconds between looks for new events (default 0.5)",
    )
    run.set_defaults(run=projection_commands.projections_run)
    rebuild = projections_sub.add_parser(
        "rebuild", help="build the views anew from the first event"
    )
    rebuild.set_defaults(run=projection_commands.projections_rebuild)
    status = projections_sub.add_parser(
        "status", help="version, position and lag of the views"
    )
    status.set_defaults(run=projection_commands.projections_status)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except FaircassoError as error:
        print(f"faircasso: {error}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as error:
        print(f"faircasso: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
