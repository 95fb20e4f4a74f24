"""Benchmark: a full catch-up of the views against bare reading of the events.

Run by hand: ``python bench/projections.py [--cases N] [--rounds R]
[--profile]``.

On an SQLite file in a fresh temporary folder it stores the events of N
cases (default 20,000: opened, half sent the fourteen-day letter, a
quarter paid in part; about five and a half events a case) through an engine with
``views="external"``, so nothing is projected while writing. Then, side by
side in one run, each the median of R rounds:

a. bare reading: every event, in batches of 1,000, from the recorder
   (``select_notifications``) and decoded by the mapper
   (``to_domain_event``), doing nothing with it;
b. a full catch-up into every view table from position 0
   (``Views.rebuild``: a new version, filled batch by batch, switched to).

It prints events per second of both and their ratio. Target: catch-up at
least 20,000 events/s. ``--profile`` runs one more catch-up under cProfile
and prints the 25 most expensive functions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from faircasso.domain.case import Case
from faircasso.domain.clock import VirtualClock, using_clock
from faircasso.domain.money import Money
from faircasso.domain.values import Debtor, DebtorKind, Invoice
from faircasso.engine import Engine
from faircasso.formats.references import reference_for_case

START = date(2026, 1, 5)
TARGET = 20_000
CHUNK = 500


def new_case(engine: Engine, client: Any, number: int) -> Case:
    """A case as ``Engine.open_case`` makes it, carried on without saving."""
    due = date(2025, 6, 1) + timedelta(days=number % 150)
    case_id = engine.case_id("ACME", f"C-{number}")
    case = Case.open(
        case_id=case_id,
        client_id=client.id,
        client_code=client.code,
        agreement=client.require_agreement(),
        reference=f"C-{number}",
        debtor=Debtor(name=f"Debtor {number}", kind=DebtorKind.CONSUMER),
        invoices=[
            Invoice(
                number=f"F-{number}",
                invoice_date=due - timedelta(days=30),
                due_date=due,
                principal=Money.from_cents(10_000 + number % 90_000),
            )
        ],
        payment_reference=reference_for_case(case_id, "nl"),
        on=START,
    )
    if number % 2 == 0:
        case.send_letter(START)
    if number % 4 == 1:
        case.record_payment(
            START + timedelta(days=3), Money("25.00"), payment_id=f"bank:{number}"
        )
    return case


def write_store(url: str, cases: int) -> int:
    """Store the events of ``cases`` cases; returns how many events."""
    clock = VirtualClock(START)
    with Engine(url, clock=clock, views="external") as engine:
        engine.register_client(
            "ACME", "Acme", agreement={"handling_fee": "25.00", "can_deduct_vat": True}
        )
        client = engine.client("ACME")
        with using_clock(clock):
            for first in range(0, cases, CHUNK):
                last = min(first + CHUNK, cases)
                chunk = [new_case(engine, client, n) for n in range(first, last)]
                engine.store.save(*chunk)
        return int(engine.store.recorder.max_notification_id())


def bare_read(engine: Engine) -> int:
    """Read and decode every event, 1,000 at a time; returns how many."""
    recorder: Any = engine.store.recorder
    mapper = engine.store.mapper
    count, start = 0, 1
    while True:
        batch = recorder.select_notifications(start, limit=1000)
        if not batch:
            return count
        for notification in batch:
            mapper.to_domain_event(notification)
        count += len(batch)
        start = batch[-1].id + 1


def catch_up(engine: Engine) -> int:
    """Fill a new version of the views from the first event; returns how many."""
    views = engine.views
    version = views.rebuild()
    return views.position(version)


def timed(action: Any, engine: Engine, rounds: int) -> tuple[float, int]:
    """Median seconds of ``rounds`` runs, and what the action returned."""
    seconds, result = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        result = action(engine)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        started = time.perf_counter()
        events = write_store(url, args.cases)
        print(
            f"stored {events:,} events of {args.cases:,} cases "
            f"in {time.perf_counter() - started:.1f} s"
        )
        with Engine(url, views="external") as engine:
            read_s, read_n = timed(bare_read, engine, args.rounds)
            fold_s, fold_n = timed(catch_up, engine, args.rounds)
            if args.profile:
                profiler = cProfile.Profile()
                profiler.runcall(catch_up, engine)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)

    read_rate, fold_rate = read_n / read_s, fold_n / fold_s
    print(f"(a) bare read:       {read_rate:>10,.0f} events/s ({read_s:.2f} s)")
    print(f"(b) full catch-up:   {fold_rate:>10,.0f} events/s ({fold_s:.2f} s)")
    print(f"catch-up / bare read: {fold_rate / read_rate:.2f}")
    verdict = "meets" if fold_rate >= TARGET else "misses"
    print(f"catch-up {verdict} the target of {TARGET:,} events/s")


if __name__ == "__main__":
    main()
