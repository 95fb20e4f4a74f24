"""Benchmark: the engine's command cycle against a bare eventsourcing app.

Run by hand: ``python bench/engine_cycle.py [--commands N] [--rounds R]``.

In one run, on SQLite files in a fresh temporary folder, it measures:

1. a bare ``eventsourcing`` Application on the library's own sqlite module:
   get an aggregate, trigger one event, save; N times;
2. the faircasso engine doing the same number of one-event commands
   (``record_contact``) on as many cases, with the views kept in the same
   transaction; and the same without views (``views="external"``);
3. loading one case with 1,000 events: the engine's way (snapshots, cache
   bypassed, its own replay) and the library's default replay.

Each figure is the median of R rounds; ratios are of medians measured side
by side in this run. Targets: engine >= 0.8 x bare; views add <= 30 %;
loading a 1,000-event case <= 5 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from uuid import UUID

from eventsourcing.application import Application, project_aggregate
from eventsourcing.domain import Aggregate, event

from faircasso.domain.case import replay
from faircasso.domain.clock import VirtualClock
from faircasso.engine import Engine


class Counter(Aggregate):
    """A bare aggregate with one event."""

    def __init__(self) -> None:
        self.count = 0

    @event("Counted")
    def count_one(self, note: str) -> None:
        self.count += 1


def bare_rate(folder: Path, commands: int) -> float:
    app: Application[UUID] = Application(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(folder / "bare.db"),
        }
    )
    ids = []
    for _ in range(commands):
        counter = Counter()
        app.save(counter)
        ids.append(counter.id)
    started = time.perf_counter()
    for aggregate_id in ids:
        counter = app.repository.get(aggregate_id)
        counter.count_one("phone call")
        app.save(counter)
    elapsed = time.perf_counter() - started
    app.close()
    return commands / elapsed


def engine_rate(folder: Path, commands: int, views: str) -> float:
    clock = VirtualClock(date(2026, 1, 5))
    with Engine(f"sqlite:///{folder / f'engine-{views}.db'}", clock=clock) as engine:
        engine.register_client("ACME", "Acme", agreement={"handling_fee": "25.00"})
    with Engine(
        f"sqlite:///{folder / f'engine-{views}.db'}", clock=clock, views=views
    ) as engine:
        ids = [_open(engine, n) for n in range(commands)]
        started = time.perf_counter()
        for case_id in ids:
            engine.record_contact(case_id, "phone", "debtor called back")
        elapsed = time.perf_counter() - started
    return commands / elapsed


def _open(engine: Engine, n: int) -> UUID:
    return engine.open_case(
        client="ACME",
        reference=f"B-{n}",
        debtor={"name": "Bench Debtor", "kind": "consumer"},
        invoices=[
            {
                "number": "F-1",
                "invoice_date": "2025-11-01",
                "due_date": "2025-12-01",
                "principal": "100.00",
            }
        ],
    )


def load_times(folder: Path, events: int) -> tuple[float, float, float]:
    """Load one case of ``events`` events three ways; medians in ms.

    The case gets 49 events past its last snapshot, the worst case with
    snapshots every 50 events. Returns: the engine's load (snapshot plus
    the rest, own replay), a full replay with the engine's replay, and a
    full replay with the library's default projector.
    """
    clock = VirtualClock(date(2026, 1, 5))
    with Engine(f"sqlite:///{folder / 'long.db'}", clock=clock) as engine:
        engine.register_client("ACME", "Acme", agreement={"handling_fee": "25.00"})
        case_id = _open(engine, 0)
        while engine.case(case_id).version < events + 49:
            engine.record_contact(case_id, "phone", "again")
        store = engine.store
        repository = store.repository
        engine_ms = _median_ms(
            lambda: repository._reconstruct_aggregate(case_id, None, replay)
        )
        stored = list(store.events.get(case_id))
        own_ms = _median_ms(lambda: replay(None, list(store.events.get(case_id))))
        library_ms = _median_ms(
            lambda: project_aggregate(None, list(store.events.get(case_id)))
        )
        assert len(stored) == events + 49
    return engine_ms, own_ms, library_ms


def _median_ms(action: object, repeat: int = 21) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    bare, inline, external = [], [], []
    for round_ in range(args.rounds):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            bare.append(bare_rate(folder, args.commands))
            inline.append(engine_rate(folder, args.commands, "inline"))
            external.append(engine_rate(folder, args.commands, "external"))
        print(
            f"round {round_ + 1}: bare {bare[-1]:,.0f}/s, engine {inline[-1]:,.0f}/s, "
            f"engine without views {external[-1]:,.0f}/s"
        )
    b, i, e = (statistics.median(x) for x in (bare, inline, external))
    print()
    print(f"commands per second (median of {args.rounds}, {args.commands} commands):")
    print(f"  bare eventsourcing app (sqlite)   {b:10,.0f}")
    print(
        f"  engine, views in the transaction  {i:10,.0f}   "
        f"ratio {i / b:.2f} x bare (target >= 0.80)"
    )
    print(f"  engine, views kept elsewhere      {e:10,.0f}   ratio {e / b:.2f} x bare")
    cost = (e / i - 1) * 100
    print(f"  cost of keeping views current     {cost:9.1f} %  (target <= 30 %)")
    with tempfile.TemporaryDirectory() as name:
        engine_ms, own_ms, library_ms = load_times(Path(name), 1000)
    print()
    print("loading a case with 1,049 events (median of 21):")
    print(f"  engine: snapshot + 49 events      {engine_ms:8.2f} ms   (target <= 5 ms)")
    print(f"  full replay, engine's replay      {own_ms:8.2f} ms")
    print(
        f"  full replay, library default      {library_ms:8.2f} ms   "
        f"ratio {library_ms / own_ms:.2f} x the engine's replay"
    )


if __name__ == "__main__":
    main()
