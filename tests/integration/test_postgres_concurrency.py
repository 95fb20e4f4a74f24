"""Two processes writing to one PostgreSQL store at the same time.

Each process opens its own engine, waits at a barrier so both start
together, and runs its commands; the test then reads the store. Processes
are started with "spawn", as a service would start its workers.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select

from case_checks import assert_money_conserved
from faircasso.domain import case_events as ev
from faircasso.domain.clock import VirtualClock
from faircasso.domain.money import Money, total_of
from faircasso.engine import Engine
from stores import (
    POSTGRES_VARIABLE,
    START,
    add_client,
    drop_schema,
    fresh_postgres_url,
    open_consumer_case,
    postgres_url,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        postgres_url() is None,
        reason=f"no PostgreSQL server: set {POSTGRES_VARIABLE} to run this",
    ),
]

PAYMENTS_EACH = 25
CASES = 8
COSTS_DUE = date(2026, 1, 22)
WAIT_SECONDS = 120


# -- what each process does ----------------------------------------------------------


def amount_of(worker: int, number: int) -> Money:
    """A different amount for every payment, so a lost one shows in the total."""
    return Money.from_cents(100 + worker * 1000 + number)


def record_payments(url: str, case_hex: str, worker: int, start: Any) -> int:
    with Engine(url, clock=VirtualClock(START), create_tables=False) as engine:
        start.wait(WAIT_SECONDS)
        for number in range(PAYMENTS_EACH):
            engine.record_payment(
                UUID(case_hex),
                amount_of(worker, number),
                payment_id=f"worker{worker}:{number}",
            )
    return PAYMENTS_EACH


def advance(url: str, day: date, start: Any) -> int:
    with Engine(url, clock=VirtualClock(START), create_tables=False) as engine:
        start.wait(WAIT_SECONDS)
        return engine.advance_to(day).deadlines_fired


def open_and_register(url: str, code: str, start: Any) -> str:
    start.wait(WAIT_SECONDS)
    with Engine(url, clock=VirtualClock(START)) as engine:
        engine.register_client(
            code, f"{code} B.V.", agreement={"handling_fee": "25.00"}
        )
        return engine.client(code).code


def _run(job: Callable[..., Any], args: tuple[Any, ...], start: Any, out: Any) -> None:
    try:
        out.put(("done", job(*args, start)))
    except BaseException as error:  # reported to the test, which fails
        out.put(("failed", f"{type(error).__name__}: {error}"))


def together(job: Callable[..., Any], *arguments: tuple[Any, ...]) -> list[Any]:
    """Run ``job`` once per argument tuple, each in its own process, at once."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(len(arguments))
    out = context.Queue()
    processes = [
        context.Process(target=_run, args=(job, args, start, out)) for args in arguments
    ]
    for process in processes:
        process.start()
    outcomes = [out.get(timeout=WAIT_SECONDS) for _ in processes]
    for process in processes:
        process.join(WAIT_SECONDS)
    failures = [detail for status, detail in outcomes if status == "failed"]
    assert failures == []
    assert [process.exitcode for process in processes] == [0] * len(processes)
    return [detail for _, detail in outcomes]


# -- the tests ---------------------------------------------------------------------


@pytest.fixture
def url() -> Iterator[str]:
    fresh = fresh_postgres_url()
    yield fresh
    drop_schema(fresh)


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    with Engine(url, clock=VirtualClock(START)) as engine:
        add_client(engine)
        yield engine


def test_payments_from_two_processes_at_once_are_all_recorded(
    url: str, engine: Engine
) -> None:
    case_id = UUID(str(open_consumer_case(engine)))

    together(record_payments, (url, case_id.hex, 1), (url, case_id.hex, 2))

    case = engine.case(case_id)
    history = engine.events(case_id)
    payments = [e for e in history if isinstance(e, ev.PaymentReceived)]
    expected = [amount_of(w, n) for w in (1, 2) for n in range(PAYMENTS_EACH)]
    assert len(payments) == 2 * PAYMENTS_EACH
    assert len(case.payment_ids) == 2 * PAYMENTS_EACH
    assert sorted(p.amount.cents for p in payments) == sorted(a.cents for a in expected)
    assert case.received == total_of(expected)
    assert_money_conserved(case, history)
    ledger = engine.views.tables().payments
    with engine.views.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(ledger)).scalar()
    assert rows == 2 * PAYMENTS_EACH


def test_two_processes_advancing_to_the_same_day_fire_each_deadline_once(
    url: str, engine: Engine
) -> None:
    case_ids = [
        UUID(str(open_consumer_case(engine, f"C-{number}"))) for number in range(CASES)
    ]
    for case_id in case_ids:
        engine.send_letter(case_id)

    fired = together(advance, (url, COSTS_DUE), (url, COSTS_DUE))

    for case_id in case_ids:
        names = [type(e).__name__ for e in engine.events(case_id)]
        assert names.count("DeadlineFired") == 1
        assert names.count("CostsCharged") == 1
        assert engine.case(case_id).costs_open == Money("150.00")
    assert sum(fired) == CASES


def test_engines_starting_at_once_on_a_new_store_create_its_tables_once(
    url: str,
) -> None:
    codes = together(open_and_register, (url, "A"), (url, "B"), (url, "C"))

    with Engine(url, clock=VirtualClock(START), create_tables=False) as engine:
        found = sorted(engine.client(code).code for code in ("A", "B", "C"))
    assert sorted(codes) == found == ["A", "B", "C"]
