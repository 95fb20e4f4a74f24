"""The work list, the payments ledger, and what one client may see of them.

Every query a client's staff or the client itself uses filters on the
client's id: client A never sees client B's cases, also when A asks with
the id of B's case, and also when both clients use the same reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest

from faircasso.demo import run_demo
from faircasso.domain.client import client_id_for
from faircasso.domain.clock import VirtualClock
from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money
from faircasso.engine import Engine
from faircasso.projections.case_status import client_case, client_cases
from faircasso.projections.ledger import LedgerLine, payments
from faircasso.projections.portfolio import monthly_report
from faircasso.projections.worklist import WorkItem, WorkKind, work_list
from stores import START, add_client, open_consumer_case

ACME = client_id_for("ACME")
OTHER = client_id_for("OTHER")


def open_old_claim(engine: Engine, reference: str) -> UUID:
    """A case whose invoice fell due on 15 February 2021: time-barred on
    16 February 2026, five years from the day after (art. 3:307 BW)."""
    return engine.open_case(
        client="ACME",
        reference=reference,
        debtor={"name": "Piet Smit", "kind": "consumer"},
        invoices=[
            {
                "number": "F-OLD",
                "invoice_date": "2021-01-15",
                "due_date": "2021-02-15",
                "principal": "300.00",
            },
            {
                "number": "F-NEW",
                "invoice_date": "2025-11-01",
                "due_date": "2025-12-01",
                "principal": "1000.00",
            },
        ],
    )


@pytest.fixture
def desk() -> Iterator[Engine]:
    """ACME's cases, each waiting for something different."""
    with Engine("memory://", clock=VirtualClock(START)) as engine:
        add_client(engine)
        engine.send_letter(open_consumer_case(engine, "C-TERM"))
        open_old_claim(engine, "C-OLD")
        engine.propose_legal(open_consumer_case(engine, "C-LEGAL"), on=date(2026, 1, 7))
        engine.propose_arrangement(
            open_consumer_case(engine, "C-PLAN"),
            instalments=3,
            first_due=date(2026, 2, 1),
            on=date(2026, 1, 6),
        )
        agreed = open_consumer_case(engine, "C-AGREED")
        engine.propose_arrangement(agreed, instalments=3, first_due=date(2026, 2, 1))
        engine.agree_arrangement(agreed)
        yield engine


def listed(items: list[WorkItem]) -> list[tuple[object, ...]]:
    return [(i.due_on, i.reference, i.kind, i.description) for i in items]


# -- work list ----------------------------------------------------------------------


def test_the_work_list_names_proposals_waiting_and_limitation_coming(
    desk: Engine,
) -> None:
    items = work_list(desk.views, date(2026, 1, 21))

    assert listed(items) == [
        (
            date(2026, 1, 6),
            "C-PLAN",
            WorkKind.ARRANGEMENT_PROPOSAL,
            "arrangement proposed: awaiting the debtor's agreement",
        ),
        (
            date(2026, 1, 7),
            "C-LEGAL",
            WorkKind.LEGAL_PROPOSAL,
            "legal track proposed: awaiting the client's decision",
        ),
        (
            date(2026, 2, 16),
            "C-OLD",
            WorkKind.LIMITATION,
            "invoice F-OLD becomes time-barred: interrupt or act before",
        ),
    ]
    assert {i.client_code for i in items} == {"ACME"}


def test_deadlines_appear_on_the_day_they_come_due(desk: Engine) -> None:
    items = work_list(desk.views, date(2026, 2, 2))

    due = [(i.due_on, i.reference, i.kind, i.subject) for i in items][2:4]
    assert due == [
        (date(2026, 1, 22), "C-TERM", WorkKind.LETTER_TERM, ""),
        (date(2026, 2, 2), "C-AGREED", WorkKind.INSTALMENT, "1"),
    ]
    assert items[2].description == (
        "fourteen-day term over: collection costs may be charged"
    )
    assert items[3].description == "instalment 1 due"


def test_a_limitation_date_beyond_the_horizon_is_not_listed(desk: Engine) -> None:
    items = work_list(desk.views, date(2026, 1, 5), horizon_days=30)

    assert WorkKind.LIMITATION not in {i.kind for i in items}


def test_an_invoice_paid_off_needs_no_action_before_its_limitation_date(
    desk: Engine,
) -> None:
    case_id = desk.case_id("ACME", "C-OLD")
    # F-OLD owes 300.00 and 71.11 interest; the rest goes to F-NEW.
    desk.record_payment(case_id, "400.00", designated_invoice="F-OLD")

    items = work_list(desk.views, date(2026, 1, 21))

    assert desk.case(case_id).is_open
    assert "C-OLD" not in {i.reference for i in items}


def test_handled_deadlines_leave_the_work_list(desk: Engine) -> None:
    desk.advance_to(date(2026, 2, 2))

    items = work_list(desk.views, date(2026, 2, 2))

    kinds = {i.kind for i in items}
    assert WorkKind.LETTER_TERM not in kinds
    assert WorkKind.INSTALMENT not in kinds


# -- ledger ---------------------------------------------------------------------------


def test_the_ledger_shows_each_receipt_with_its_allocation_and_remittance() -> None:
    with Engine("memory://") as engine:
        run_demo(engine)

        lines = payments(engine.views, client_id_for("WONEN"), month="2026-02")

    cents = [
        (
            line.reference,
            line.payment_id,
            line.booked_on,
            *(
                getattr(line, name).cents
                for name in (
                    "amount",
                    "costs",
                    "interest",
                    "principal",
                    "surplus",
                    "to_client",
                    "to_agency",
                )
            ),
        )
        for line in lines
    ]
    day = date(2026, 2, 1)
    assert cents == [
        ("C-1002", "demo-plan-1", day, 23836, 10890, 766, 12180, 0, 12946, 10890),
        ("C-1003", "demo-3-1", day, 20000, 14520, 627, 4853, 0, 5480, 14520),
    ]


def test_the_ledger_is_oldest_first_and_adds_up(desk: Engine) -> None:
    case_id = desk.case_id("ACME", "C-TERM")
    desk.record_payment(case_id, "10.00", payment_id="b", on=date(2026, 1, 9))
    desk.record_payment(case_id, "20.00", payment_id="a", on=date(2026, 1, 9))
    desk.record_payment(case_id, "30.00", payment_id="c", on=date(2026, 2, 3))

    lines = payments(desk.views, ACME, case_id=case_id)
    january = payments(desk.views, ACME, month="2026-01")

    assert [line.payment_id for line in lines] == ["b", "a", "c"]
    assert [line.payment_id for line in january] == ["b", "a"]
    assert all(balanced(line) for line in lines)


def balanced(line: LedgerLine) -> bool:
    allocated = line.costs + line.interest + line.principal + line.surplus
    settled = line.to_client + line.to_agency + line.surplus
    return allocated == line.amount == settled


def test_the_ledger_refuses_a_malformed_month(desk: Engine) -> None:
    with pytest.raises(InvalidValueError) as refused:
        payments(desk.views, ACME, month="2026/01")

    assert str(refused.value) == (
        "Invalid month '2026/01': expected YYYY-MM, for example 2026-03."
    )


# -- client isolation ---------------------------------------------------------------


@pytest.fixture
def two_clients() -> Iterator[tuple[Engine, UUID, UUID]]:
    """ACME and OTHER, each with a case C-1 (paid in part) and a case C-2
    with the legal track proposed; returns the engine and both C-1 ids."""
    with Engine("memory://", clock=VirtualClock(START)) as engine:
        ids = []
        for code, paid in (("ACME", "100.00"), ("OTHER", "777.00")):
            add_client(engine, code)
            case_id = open_consumer_case(engine, "C-1", client=code)
            engine.send_letter(case_id)
            engine.record_payment(case_id, paid, payment_id="bank:1")
            engine.propose_legal(open_consumer_case(engine, "C-2", client=code))
            ids.append(case_id)
        yield engine, ids[0], ids[1]


def test_client_queries_never_return_another_clients_cases(
    two_clients: tuple[Engine, UUID, UUID],
) -> None:
    engine, acme_case, _ = two_clients
    views = engine.views

    statuses = client_cases(views, ACME, START)
    report = monthly_report(views, ACME, "2026-01")
    lines = payments(views, ACME)
    items = work_list(views, date(2026, 2, 2), client_id=ACME)

    assert {s.client_code for s in statuses} == {"ACME"}
    assert len(statuses) == 2
    assert report.opened == 2
    assert report.collected == Money("100.00")
    assert [(line.case_id, line.amount) for line in lines] == [
        (acme_case, Money("100.00"))
    ]
    assert {i.client_code for i in items} == {"ACME"}
    assert len(items) == 2


def test_a_case_id_of_another_client_finds_nothing(
    two_clients: tuple[Engine, UUID, UUID],
) -> None:
    engine, acme_case, other_case = two_clients
    views = engine.views

    assert client_case(views, ACME, other_case, START) is None
    assert payments(views, ACME, case_id=other_case) == []
    assert client_case(views, ACME, acme_case, START) is not None
    assert len(payments(views, OTHER, case_id=other_case)) == 1


def test_the_agency_work_list_holds_every_clients_cases(
    two_clients: tuple[Engine, UUID, UUID],
) -> None:
    engine, _, _ = two_clients

    items = work_list(engine.views, date(2026, 2, 2))

    assert sorted((i.client_code, i.reference) for i in items) == [
        ("ACME", "C-1"),
        ("ACME", "C-2"),
        ("OTHER", "C-1"),
        ("OTHER", "C-2"),
    ]
