"""What each ``faircasso`` subcommand does, on an opened engine."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from faircasso.cli.output import euros, table
from faircasso.demo import run_demo
from faircasso.domain.books import InvoiceBook
from faircasso.domain.case import Case
from faircasso.domain.client import client_id_for
from faircasso.domain.errors import InvalidValueError
from faircasso.engine import Engine
from faircasso.projections.case_status import CaseStatus, all_cases, client_cases

SIMPLE_CASE_COMMANDS = {
    "accept": "accept a case waiting at intake",
    "reject": "reject a case at intake",
    "letter": "record the fourteen-day letter sent",
    "reminder": "record a written reminder sent",
    "agree": "record the debtor's agreement to the proposed arrangement",
    "propose-legal": "propose the legal track to the client",
    "approve-legal": "record the client's approval of the legal track",
    "decline-legal": "record that the client declined the legal track",
    "withdraw": "the client withdraws the case",
}

_ENGINE_METHODS = {
    "accept": "accept_case",
    "reject": "reject_case",
    "letter": "send_letter",
    "reminder": "send_reminder",
    "agree": "agree_arrangement",
    "propose-legal": "propose_legal",
    "approve-legal": "approve_legal",
    "decline-legal": "decline_legal",
    "withdraw": "withdraw",
}


@contextmanager
def opened(args: argparse.Namespace, *, views: str = "inline") -> Iterator[Engine]:
    """The engine on the store the arguments name.

    The projection commands pass ``views="external"``: they keep the views
    themselves, and an engine keeping them live would catch up on opening.
    """
    engine = Engine(args.db, views=views)
    try:
        yield engine
    finally:
        engine.close()


def init(args: argparse.Namespace) -> int:
    """Create the tables; with ``--today`` the store keeps its own calendar."""
    with opened(args) as engine:
        if args.today is not None:
            engine.start_calendar(args.today)
        print(f"store ready at {engine.url.describe()}; today is {engine.today()}")
    return 0


def client_add(args: argparse.Namespace) -> int:
    """Register a client with its agreement."""
    with opened(args) as engine:
        engine.register_client(
            args.code,
            args.name,
            agreement={
                "handling_fee": args.handling_fee,
                "can_deduct_vat": not args.no_vat_deduction,
                "portfolio": args.portfolio,
                "legal_threshold": args.legal_threshold,
                "private_individual": args.private_individual,
                "instalment_tolerance": args.instalment_tolerance,
                "business_costs": args.business_costs,
            },
        )
        print(f"client {args.code} registered")
    return 0


def _invoice(text: str) -> dict[str, str]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise InvalidValueError(
            "--invoice", text, "NUMBER,INVOICE_DATE,DUE_DATE,AMOUNT"
        )
    number, invoice_date, due_date, amount = parts
    return {
        "number": number,
        "invoice_date": invoice_date,
        "due_date": due_date,
        "principal": amount,
    }


def case_open(args: argparse.Namespace) -> int:
    """Take in one case from the arguments."""
    with opened(args) as engine:
        case_id = engine.open_case(
            client=args.client,
            reference=args.reference,
            debtor={"name": args.debtor, "kind": args.kind, "address": args.address},
            invoices=[_invoice(text) for text in args.invoice],
        )
        case = engine.case(case_id)
        print(
            f"case {case.reference} opened ({case_id}): {case.state}, "
            f"balance {case.balance}, payment reference {case.payment_reference}"
        )
    return 0


def case_show(args: argparse.Namespace) -> int:
    """Print one case: phase, balances per invoice and pending deadlines."""
    with opened(args) as engine:
        case = engine.case(engine.case_id(args.client, args.reference))
        print(describe(case, args.on or engine.today()))
    return 0


def describe(case: Case, day: date) -> str:
    """A case in a few lines of text."""
    step = f" / {case.step}" if case.step else ""
    surplus = f" (surplus {case.surplus})" if case.surplus.is_positive() else ""
    lines = [
        f"Case {case.reference} of {case.client_code} ({case.id})",
        f"  debtor      {case.debtor.name} ({case.debtor.kind.value})",
        f"  phase       {case.phase.value}{step}",
        f"  principal   {case.principal}",
        f"  costs       {case.costs_charged} charged, {case.costs_open} open",
        f"  interest    {case.interest_on(day)} open on {day}",
        f"  paid        {case.paid}{surplus}",
        f"  balance     {case.balance_on(day)} on {day}",
        f"  pay with    reference {case.payment_reference}",
    ]
    if case.close_reason is not None:
        lines.append(f"  closed      {case.closed_on} ({case.close_reason.value})")
    rows = [_invoice_row(book) for book in case.books.values()]
    headers = [
        "invoice",
        "due",
        "principal",
        "open",
        "costs",
        "interest",
        "time-barred on",
    ]
    lines += ["", table(headers, rows)]
    if case.deadlines:
        lines += ["", "Deadlines:"]
        for deadline in sorted(case.deadlines.values(), key=lambda d: d.due_on):
            lines.append(
                f"  {deadline.due_on}  {deadline.kind.value} {deadline.subject}"
            )
    return "\n".join(lines)


def _invoice_row(book: InvoiceBook) -> list[object]:
    return [
        book.number,
        book.invoice.due_date,
        euros(book.invoice.principal),
        euros(book.principal_open),
        euros(book.costs_open),
        euros(book.interest_open),
        book.limitation_date or "",
    ]


def case_simple(args: argparse.Namespace) -> int:
    """Run a case command that takes only the case and a date."""
    with opened(args) as engine:
        case_id = engine.case_id(args.client, args.reference)
        method = getattr(engine, _ENGINE_METHODS[args.action])
        case: Case = method(case_id, on=args.on)
        print(f"case {case.reference}: {case.state}, balance {case.balance}")
    return 0


def case_pay(args: argparse.Namespace) -> int:
    """Record a payment."""
    with opened(args) as engine:
        case_id = engine.case_id(args.client, args.reference)
        new = engine.record_payment(
            case_id, args.amount, on=args.on, payment_id=args.payment_id
        )
        case = engine.case(case_id)
        verb = "recorded" if new else "already recorded"
        print(
            f"payment {verb}; case {case.reference}: {case.state}, "
            f"balance {case.balance}"
        )
    return 0


def advance(args: argparse.Namespace) -> int:
    """Move the business date and fire the deadlines that came due."""
    with opened(args) as engine:
        report = engine.advance_to(args.day)
        print(
            f"today is {report.today}: {report.deadlines_fired} deadlines fired "
            f"on {report.cases} cases"
        )
    return 0


def status(args: argparse.Namespace) -> int:
    """Print the status view as a table."""
    with opened(args) as engine:
        day = args.on or engine.today()
        if args.client:
            engine.client(args.client)
            rows = client_cases(
                engine.views, client_id_for(args.client), day, phase=args.phase
            )
        else:
            rows = all_cases(engine.views, day, phase=args.phase)
        print(status_table(rows))
    return 0


_STATUS_HEADERS = (
    "client",
    "case",
    "phase",
    "principal",
    "costs",
    "interest",
    "paid",
    "balance",
    "next deadline",
    "closed as",
)


def status_table(rows: list[CaseStatus]) -> str:
    """The status rows as a terminal table."""
    body = [
        [
            s.client_code,
            s.reference,
            s.phase + (f"/{s.step}" if s.step else ""),
            euros(s.principal),
            euros(s.costs),
            euros(s.interest),
            euros(s.paid),
            euros(s.balance),
            s.next_deadline_on or "",
            s.close_reason,
        ]
        for s in rows
    ]
    return table(_STATUS_HEADERS, body)


def demo(args: argparse.Namespace) -> int:
    """Run the sample story on a fresh SQLite file and print the cases."""
    path: object = args.file
    for suffix in ("", "-wal", "-shm"):
        target = args.file.with_name(args.file.name + suffix)
        if target.exists():
            target.unlink()
    with Engine(f"sqlite:///{path}") as engine:
        case_ids = run_demo(engine)
        print(f"Demo store: {args.file} (business date {engine.today()})\n")
        for case_id in case_ids:
            print(describe(engine.case(case_id), engine.today()))
            print()
        print(status_table(all_cases(engine.views, engine.today())))
    return 0
