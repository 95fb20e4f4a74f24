"""Taking in camt.053 statements: matching, booking, suspense, reversals.

Every test that imports a statement checks afterwards that each case in
the store still conserves money: received = paid off + surplus.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from faircasso.domain import case_events as ev
from faircasso.domain.clock import VirtualClock
from faircasso.domain.errors import InputFileError, InvalidValueError
from faircasso.domain.money import Money
from faircasso.domain.suspense import Proposal
from faircasso.engine import Engine
from faircasso.formats.camt053_writer import StatementLine
from faircasso.intake import take_in
from faircasso.payments import PaymentsResult, import_statement, open_suspense
from faircasso.projections.case_status import all_cases
from file_checks import (
    TODAY,
    assert_cases_conserve_money,
    copy_data,
    copy_sample,
    credit,
    ledger_rows,
    read_rejects,
    register_sample_clients,
    reversal,
    statement,
    status_row,
    stored_events,
    views_now,
)

ZOE = ("ENERGIEK", "EN-2026-0001")
ANOUK = ("ENERGIEK", "EN-2026-0002")
GENEVIEVE = ("TUINWINKEL", "TW-88213")
CAFE = ("DRUKKERIJ-ZON", "DZ-7790")
ACCOUNT_PREFIX = "NL93RABO0315762481/"
"""Entry ids are the account's IBAN and the bank's reference."""


def open_store(url: str, folder: Path) -> Engine:
    engine = Engine(url, clock=VirtualClock(TODAY))
    register_sample_clients(engine)
    take_in(engine, [copy_sample("cases.csv", folder)])
    return engine


@pytest.fixture
def store(backend_url: str, tmp_path: Path) -> Iterator[Engine]:
    """The CSV sample's cases on each backend."""
    with open_store(backend_url, tmp_path) as engine:
        yield engine


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """The CSV sample's cases on a memory store."""
    with open_store("memory://", tmp_path) as engine:
        yield engine


def case_id(engine: Engine, case: tuple[str, str]) -> UUID:
    return engine.case_id(*case)


def reference(engine: Engine, case: tuple[str, str]) -> str:
    return engine.case(case_id(engine, case)).payment_reference


def spaced(text: str) -> str:
    """A Dutch payment reference as people type it: in groups of four."""
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def every_case(engine: Engine) -> list[UUID]:
    return [status.case_id for status in all_cases(engine.views, TODAY)]


def take(engine: Engine, path: Path, *, skip_invalid: bool = False) -> PaymentsResult:
    """Import a statement, then check every case still conserves money."""
    result = import_statement(engine, path, skip_invalid=skip_invalid)
    assert_cases_conserve_money(engine, every_case(engine))
    return result


def payments_of(engine: Engine, case: tuple[str, str]) -> list[Any]:
    return [
        e
        for e in engine.events(case_id(engine, case))
        if isinstance(e, ev.PaymentReceived)
    ]


# -- matching and booking --------------------------------------------------------


def test_credits_are_booked_on_the_cases_their_references_name(
    store: Engine, tmp_path: Path
) -> None:
    path = statement(
        tmp_path,
        "statement.xml",
        [
            credit("100.00", reference=reference(store, ZOE), bank_reference="A-1"),
            credit(
                "50.00",
                description=f"betaling kenmerk {spaced(reference(store, ANOUK))}",
                bank_reference="A-2",
            ),
        ],
    )

    result = take(store, path)

    assert result.summary() == (
        f"{path}: 2 entries; 2 booked on 2 cases, 0 booked before, 0 held in "
        "suspense, 0 reversed, 0 outgoing left alone"
    )
    assert store.case(case_id(store, ZOE)).received == Money("100.00")
    assert store.case(case_id(store, ANOUK)).received == Money("50.00")
    (payment,) = payments_of(store, ZOE)
    assert payment.payment_id == f"{ACCOUNT_PREFIX}A-1"
    assert status_row(store, case_id(store, ANOUK))["paid_cents"] == 5000


def test_a_payment_pays_costs_first_then_interest_then_principal(
    store: Engine, tmp_path: Path
) -> None:
    cafe = store.case(case_id(store, CAFE))
    path = statement(
        tmp_path,
        "statement.xml",
        [credit("60.00", reference=cafe.payment_reference, bank_reference="C")],
    )

    take(store, path)

    (payment,) = payments_of(store, CAFE)
    (share,) = payment.shares
    assert share.costs == cafe.costs_open == Money("40.00")
    assert share.interest == cafe.interest_on(TODAY)
    assert share.principal == Money("20.00") - share.interest
    after = store.case(case_id(store, CAFE))
    assert after.costs_open.is_zero()
    assert after.principal_open == Money("87.12") - share.principal


def test_an_overpayment_clears_the_case_and_keeps_the_rest_as_surplus(
    engine: Engine, tmp_path: Path
) -> None:
    owed = engine.case(case_id(engine, ANOUK)).balance_on(TODAY)
    path = statement(
        tmp_path,
        "statement.xml",
        [credit("300.00", reference=reference(engine, ANOUK), bank_reference="S")],
    )

    take(engine, path)

    case = engine.case(case_id(engine, ANOUK))
    assert case.state == "closed"
    assert case.surplus == Money("300.00") - owed
    assert case.received == Money("300.00")


def test_the_same_statement_twice_changes_nothing_and_says_so(
    store: Engine, tmp_path: Path
) -> None:
    path = statement(
        tmp_path,
        "statement.xml",
        [credit("10.00", reference=reference(store, ZOE), bank_reference="T-1")],
    )
    take(store, path)
    events, views = stored_events(store), views_now(store)

    again = take(store, path)

    assert again.summary() == (
        f"{path}: already taken in on 2026-03-02; nothing changed"
    )
    assert stored_events(store) == events
    assert views_now(store) == views


def test_an_overlapping_statement_books_repeated_entries_once(
    store: Engine, tmp_path: Path
) -> None:
    ref = reference(store, ZOE)
    first = statement(
        tmp_path,
        "monday.xml",
        [
            credit("10.00", reference=ref, bank_reference="O-1"),
            credit("20.00", reference=ref, bank_reference="O-2"),
        ],
    )
    overlapping = statement(
        tmp_path,
        "monday-to-tuesday.xml",
        [
            credit("20.00", reference=ref, bank_reference="O-2"),
            credit("40.00", reference=ref, bank_reference="O-3"),
        ],
        statement_id="STMT-2",
    )
    take(store, first)

    result = take(store, overlapping)

    assert (result.booked, result.booked_before) == (1, 1)
    assert store.case(case_id(store, ZOE)).received == Money("70.00")
    assert len(ledger_rows(store, case_id(store, ZOE))) == 3


def test_a_refused_statement_leaves_the_cases_as_they_were(
    engine: Engine, tmp_path: Path
) -> None:
    ref = reference(engine, ZOE)
    good = credit("10.00", reference=ref, bank_reference="R-1")
    bad = statement(tmp_path, "bad.xml", [good, credit("5.00", bank_reference="R-2")])
    bad.write_text(bad.read_text("utf-8").replace("5.00", "5.001"), "utf-8")
    with pytest.raises(InputFileError):
        take(engine, bad)

    result = take(engine, statement(tmp_path, "good.xml", [good]))

    assert result.booked == 1
    assert engine.case(case_id(engine, ZOE)).received == Money("10.00")


# -- suspense --------------------------------------------------------------------


def test_unmatched_credits_are_held_with_proposals_and_not_booked(
    store: Engine, tmp_path: Path
) -> None:
    tw = case_id(store, GENEVIEVE)
    events = len(store.events(tw))
    path = statement(
        tmp_path,
        "statement.xml",
        [
            credit("649.00", description="factuur WEB-55120", bank_reference="H-1"),
            credit("12.00", description="gift", bank_reference="H-2"),
        ],
    )

    result = take(store, path)

    assert (result.booked, result.held) == (0, 2)
    held = {item.entry_id: item for item in open_suspense(store)}
    proposed = held[f"{ACCOUNT_PREFIX}H-1"]
    assert proposed.amount == Money("649.00")
    assert proposed.proposals == (
        Proposal(tw, "invoice number WEB-55120 in the description"),
    )
    assert held[f"{ACCOUNT_PREFIX}H-2"].proposals == ()
    assert len(store.events(tw)) == events
    assert store.case(tw).received.is_zero()


def test_assigning_a_held_credit_books_it_once(engine: Engine, tmp_path: Path) -> None:
    tw = case_id(engine, GENEVIEVE)
    take(
        engine,
        statement(
            tmp_path,
            "statement.xml",
            [credit("100.00", description="WEB-55120", bank_reference="H-1")],
        ),
    )
    entry = f"{ACCOUNT_PREFIX}H-1"

    engine.assign_suspense(entry, tw)

    assert engine.case(tw).received == Money("100.00")
    assert open_suspense(engine) == []
    with pytest.raises(InvalidValueError) as refused:
        engine.assign_suspense(entry, tw)
    assert str(refused.value) == (
        f"Invalid suspense item '{entry}': expected an item not yet assigned; it "
        f"went to case {tw}."
    )
    assert engine.case(tw).received == Money("100.00")
    assert_cases_conserve_money(engine, [tw])


def test_a_held_credit_in_an_overlapping_statement_is_held_once(
    engine: Engine, tmp_path: Path
) -> None:
    line = credit("12.00", description="gift", bank_reference="H-2")
    take(engine, statement(tmp_path, "one.xml", [line]))

    result = take(engine, statement(tmp_path, "two.xml", [line], statement_id="S2"))

    assert (result.held, result.booked_before) == (0, 1)
    assert len(open_suspense(engine)) == 1


# -- reversals and debits --------------------------------------------------------


def test_a_reversal_undoes_the_payment_its_end_to_end_id_names(
    store: Engine, tmp_path: Path
) -> None:
    zoe = case_id(store, ZOE)
    ref = reference(store, ZOE)
    take(
        store,
        statement(
            tmp_path,
            "paid.xml",
            [
                credit(
                    "40.00", reference=ref, bank_reference="P-1", end_to_end_id="E-1"
                ),
                credit(
                    "40.00", reference=ref, bank_reference="P-2", end_to_end_id="E-2"
                ),
            ],
        ),
    )
    balance = store.case(zoe).balance

    result = take(
        store,
        statement(
            tmp_path,
            "returned.xml",
            [reversal("40.00", reference=ref, bank_reference="V", end_to_end_id="E-1")],
            statement_id="S2",
        ),
    )

    case = store.case(zoe)
    assert result.reversed == 1
    assert case.payments[f"{ACCOUNT_PREFIX}P-1"].reversed
    assert not case.payments[f"{ACCOUNT_PREFIX}P-2"].reversed
    assert case.received == Money("40.00")
    assert case.balance == balance + Money("40.00")
    row = status_row(store, zoe)
    assert row["paid_cents"] == 4000
    assert row["balance_cents"] == case.balance.cents


def test_a_reversal_without_end_to_end_id_undoes_the_latest_payment_of_its_amount(
    engine: Engine, tmp_path: Path
) -> None:
    anouk = case_id(engine, ANOUK)
    ref = reference(engine, ANOUK)
    take(
        engine,
        statement(
            tmp_path,
            "paid.xml",
            [
                credit("30.00", reference=ref, bank_reference="P-1"),
                credit("25.00", reference=ref, bank_reference="P-2"),
                credit("30.00", reference=ref, bank_reference="P-3"),
            ],
        ),
    )

    take(
        engine,
        statement(
            tmp_path,
            "returned.xml",
            [reversal("30.00", reference=ref, bank_reference="V")],
            statement_id="S2",
        ),
    )

    payments = engine.case(anouk).payments
    reversed_ids = sorted(p for p, record in payments.items() if record.reversed)
    assert reversed_ids == [f"{ACCOUNT_PREFIX}P-3"]
    assert engine.case(anouk).received == Money("55.00")


def test_a_reversal_that_clears_a_paid_case_leaves_the_balance_owed_again(
    engine: Engine, tmp_path: Path
) -> None:
    anouk = case_id(engine, ANOUK)
    ref = reference(engine, ANOUK)
    owed = engine.case(anouk).balance_on(TODAY)
    take(
        engine,
        statement(
            tmp_path,
            "paid.xml",
            [credit(str(owed.amount), reference=ref, bank_reference="P-1")],
        ),
    )
    assert engine.case(anouk).balance.is_zero()

    take(
        engine,
        statement(
            tmp_path,
            "returned.xml",
            [reversal(str(owed.amount), reference=ref, bank_reference="V")],
            statement_id="S2",
        ),
    )

    case = engine.case(anouk)
    assert case.received.is_zero()
    assert case.balance == owed
    assert status_row(engine, anouk)["balance_cents"] == owed.cents


def test_a_reversal_repeated_in_an_overlapping_statement_is_undone_once(
    engine: Engine, tmp_path: Path
) -> None:
    anouk = case_id(engine, ANOUK)
    ref = reference(engine, ANOUK)
    paid = [
        credit("30.00", reference=ref, bank_reference="P-1"),
        credit("30.00", reference=ref, bank_reference="P-2"),
    ]
    returned = reversal("30.00", reference=ref, bank_reference="V")
    take(engine, statement(tmp_path, "paid.xml", paid))
    take(engine, statement(tmp_path, "one.xml", [returned], statement_id="S2"))

    result = take(
        engine,
        statement(
            tmp_path,
            "two.xml",
            [returned, credit("5.00", reference=ref, bank_reference="P-3")],
            statement_id="S3",
        ),
    )

    assert (result.reversed, result.booked_before, result.held) == (0, 1, 0)
    assert engine.case(anouk).received == Money("35.00")


def test_an_outgoing_debit_is_left_alone(engine: Engine, tmp_path: Path) -> None:
    events = stored_events(engine)
    path = statement(
        tmp_path,
        "statement.xml",
        [
            StatementLine(
                amount=Money("75.00"),
                booked_on=TODAY,
                reference=reference(engine, ZOE),
                bank_reference="D",
                credit=False,
            )
        ],
    )

    result = take(engine, path)

    assert (result.entries, result.ignored, result.booked, result.held) == (1, 1, 0, 0)
    assert engine.case(case_id(engine, ZOE)).received.is_zero()
    assert open_suspense(engine) == []
    assert stored_events(engine) == events + 1  # the import record only


# -- sample statements and bad entries -------------------------------------------


@pytest.mark.parametrize("version", ["02", "03", "04", "05", "06", "07", "08"])
def test_every_camt_sample_version_is_taken_in(
    engine: Engine, tmp_path: Path, version: str
) -> None:
    path = copy_sample(f"camt053_v{version}.xml", tmp_path)

    result = take(engine, path)

    # The samples' references name no case here: every credit is held.
    assert result.summary() == (
        f"{path}: 7 entries; 0 booked on 0 cases, 0 booked before, 6 held in "
        "suspense, 0 reversed, 1 outgoing left alone"
    )
    kinds = sorted(item.kind for item in open_suspense(engine))
    assert kinds == ["credit"] * 5 + ["reversal"]


def test_a_statement_with_a_malformed_entry_is_refused_whole(
    store: Engine, tmp_path: Path
) -> None:
    path = copy_data("camt053_bad_entries.xml", tmp_path)
    events = stored_events(store)

    with pytest.raises(InputFileError) as refused:
        take(store, path)

    assert str(refused.value) == (
        f"{path}, /Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt, field 'Ccy': got "
        "'USD', expected EUR: faircasso collects in EUR only."
    )
    assert stored_events(store) == events
    assert open_suspense(store) == []


def test_a_malformed_entry_is_rejected_to_a_rejects_file_when_skipping(
    store: Engine, tmp_path: Path
) -> None:
    path = copy_data("camt053_bad_entries.xml", tmp_path)

    result = take(store, path, skip_invalid=True)

    rejects = tmp_path / "camt053_bad_entries.xml.rejects.csv"
    assert result.rejects_file == str(rejects)
    rows = read_rejects(rejects)
    assert len(rows) == result.rejected == 5
    assert rows[0]["reason"] == (
        f"{path}, /Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt, field 'Ccy': got "
        "'USD', expected EUR: faircasso collects in EUR only."
    )
    assert sorted(item.amount for item in open_suspense(store)) == [
        Money("10.00"),
        Money("20.00"),
    ]
