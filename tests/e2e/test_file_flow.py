"""Whole flows through files: a UBL invoice in, a bank payment back, the views.

Once through the Python API on every store, once through the command
line on an SQLite file, as an operator would run it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from faircasso.cli.main import main
from faircasso.domain.clock import VirtualClock
from faircasso.domain.money import Money
from faircasso.engine import Engine
from faircasso.intake import take_in
from faircasso.payments import import_statement
from file_checks import (
    BUSINESS_TERMS,
    TODAY,
    assert_cases_conserve_money,
    copy_sample,
    credit,
    ledger_rows,
    statement,
    status_row,
    write_csv,
)

INVOICE = "I-2026-0017"
ENTRY_PREFIX = "NL93RABO0315762481/"


@pytest.fixture
def store(backend_url: str) -> Iterator[Engine]:
    """An engine on each backend with the consumer invoice's supplier."""
    with Engine(backend_url, clock=VirtualClock(TODAY)) as engine:
        engine.register_client(
            "INSTALLATIE",
            "Installatiebedrijf Ĳsselmonde",
            agreement=BUSINESS_TERMS,
            identifiers=["kvk:24345678"],
        )
        yield engine


def test_a_ubl_invoice_paid_through_the_bank_shows_in_the_case_and_the_views(
    store: Engine, tmp_path: Path
) -> None:
    take_in(store, [copy_sample("ubl_invoice_consumer.xml", tmp_path)])
    case_id = store.case_id("INSTALLATIE", INVOICE)
    opened = store.case(case_id)
    owed = opened.balance_on(TODAY)
    path = statement(
        tmp_path,
        "statement.xml",
        [
            credit(
                str(owed.amount), reference=opened.payment_reference, bank_reference="1"
            )
        ],
    )

    result = import_statement(store, path)

    case = store.case(case_id)
    assert result.booked_cases == {case_id}
    assert (case.state, case.received, case.balance) == ("closed", owed, Money.zero())
    row = status_row(store, case_id)
    assert (row["phase"], row["paid_cents"], row["balance_cents"]) == (
        "closed",
        owed.cents,
        0,
    )
    (line,) = ledger_rows(store, case_id)
    assert line["payment_id"] == f"{ENTRY_PREFIX}1"
    assert line["amount_cents"] == owed.cents
    assert line["principal_cents"] == Money("459.80").cents
    assert line["interest_cents"] == owed.cents - Money("459.80").cents
    assert_cases_conserve_money(store, [case_id])


# -- the command line ----------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``faircasso`` with ``argv``; the exit status, stdout and stderr."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out.strip(), err.strip()


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """An SQLite store on its own calendar with one client, set up by the CLI."""
    url = f"sqlite:///{tmp_path / 'faircasso.db'}"
    assert run(capsys, "--db", url, "init", "--today", TODAY.isoformat())[0] == 0
    added = run(capsys, "--db", url, "client", "add", "INSTALLATIE", "Ĳsselmonde")
    assert added == (0, "client INSTALLATIE registered", "")
    return url


def shown(capsys: pytest.CaptureFixture[str], db: str) -> tuple[str, Money]:
    """The payment reference and balance ``case show`` prints."""
    status, out, _ = run(
        capsys, "--db", db, "case", "show", INVOICE, "--client", "INSTALLATIE"
    )
    assert status == 0
    reference = re.search(r"pay with\s+reference (\d{16})", out)
    balance = re.search(r"balance\s+EUR ([\d,.]+) on", out)
    assert reference is not None, out
    assert balance is not None, out
    return reference.group(1), Money(balance.group(1).replace(",", ""))


def test_the_command_line_takes_in_an_invoice_and_books_its_payment(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoice = copy_sample("ubl_invoice_consumer.xml", tmp_path)
    taken = run(capsys, "--db", db, "intake", str(invoice), "--client", "INSTALLATIE")
    again = run(capsys, "--db", db, "intake", str(invoice), "--client", "INSTALLATIE")
    reference, owed = shown(capsys, db)
    path = statement(
        tmp_path,
        "statement.xml",
        [credit(str(owed.amount), reference=reference, bank_reference="1")],
    )

    paid = run(capsys, "--db", db, "payments", str(path))

    assert taken == (0, f"{invoice}: 1 cases, 1 invoices taken in", "")
    assert again[1] == f"{invoice}: already taken in on {TODAY}; nothing changed"
    assert paid == (
        0,
        f"{path}: 1 entries; 1 booked on 1 cases, 0 booked before, 0 held in "
        "suspense, 0 reversed, 0 outgoing left alone",
        "",
    )
    with Engine(db) as engine:
        case_id = engine.case_id("INSTALLATIE", INVOICE)
        row = status_row(engine, case_id)
        assert (row["phase"], row["paid_cents"], row["balance_cents"]) == (
            "closed",
            owed.cents,
            0,
        )
        assert [r["amount_cents"] for r in ledger_rows(engine, case_id)] == [owed.cents]


def test_the_command_line_holds_unmatched_money_until_it_is_assigned(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoice = copy_sample("ubl_invoice_consumer.xml", tmp_path)
    run(capsys, "--db", db, "intake", str(invoice), "--client", "INSTALLATIE")
    path = statement(
        tmp_path,
        "statement.xml",
        [credit("100.00", description=f"factuur {INVOICE}", bank_reference="9")],
    )
    run(capsys, "--db", db, "payments", str(path))
    entry = f"{ENTRY_PREFIX}9"

    listed = run(capsys, "--db", db, "suspense", "list")
    assigned = run(
        capsys, "--db", db, "suspense", "assign", entry,
        "--client", "INSTALLATIE", "--reference", INVOICE,
    )  # fmt: skip
    twice = run(
        capsys, "--db", db, "suspense", "assign", entry,
        "--client", "INSTALLATIE", "--reference", INVOICE,
    )  # fmt: skip
    empty = run(capsys, "--db", db, "suspense", "list")

    assert entry in listed[1]
    assert f"invoice number {INVOICE} in the description" in listed[1]
    assert assigned[0] == 0
    assert assigned[1].startswith(f"booked on case {INVOICE}: amicable.new, balance")
    with Engine(db) as engine:
        case_id = engine.case_id("INSTALLATIE", INVOICE)
        assert engine.case(case_id).received == Money("100.00")
    assert twice == (
        2,
        "",
        f"faircasso: Invalid suspense item '{entry}': expected an item not yet "
        f"assigned; it went to case {case_id}.",
    )
    assert empty == (0, "nothing held in suspense", "")


def test_the_command_line_refuses_a_bad_file_naming_row_and_field(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(
        tmp_path,
        "batch.csv",
        "INSTALLATIE,K-1,Jan Jansen,consumer,F-1,2026-01-05,2026-01-19,12.345",
    )

    refused = run(capsys, "--db", db, "intake", str(path))
    skipped = run(capsys, "--db", db, "intake", str(path), "--skip-invalid")

    assert refused == (
        2,
        "",
        f"faircasso: {path}, line 2, field 'principal': got '12.345', expected an "
        "amount in whole cents (at most two decimals).",
    )
    rejects = tmp_path / "batch.csv.rejects.csv"
    assert skipped == (
        0,
        f"{path}: 0 cases, 0 invoices taken in; 1 rejected, see {rejects}",
        "",
    )
    assert rejects.exists()
