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


def engine_rate(folder: Path, commands: int, views: str, *, cold: bool) -> float:
    """Commands per second on as many cases.

    Warm: the engine that opened the cases runs the commands, as a
    long-running service does with the cases it works on. Cold: a fresh
    engine keeping nothing in memory loads every case from the store.
    """
    clock = VirtualClock(date(2026, 1, 5))
    url = f"sqlite:///{folder / f'engine-{views}-{cold}.db'}"
    opener = Engine(url, clock=clock, views=views)
    opener.register_client("ACME", "Acme", agreement={"handling_fee": "25.00"})
    ids = [_open(opener, n) for n in range(commands)]
    engine = Engine(url, clock=clock, views=views, cache_size=0) if cold else opener
    started = time.perf_counter()
    for case_id in ids:
        engine.record_contact(case_id, "phone", "debtor called back")
    elapsed = time.perf_counter() - started
    engine.close()
    if cold:
        opener.close()
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

    kinds = [
        ("warm", "inline"),
        ("warm", "external"),
        ("cold", "inline"),
        ("cold", "external"),
    ]
    bare: list[float] = []
    rates: dict[tuple[str, str], list[float]] = {kind: [] for kind in kinds}
    for round_ in range(args.rounds):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            bare.append(bare_rate(folder, args.commands))
            for kind in kinds:
                cold = kind[0] == "cold"
                rates[kind].append(
                    engine_rate(folder, args.commands, kind[1], cold=cold)
                )
        line = ", ".join(f"{k[0]} {k[1]} {v[-1]:,.0f}/s" for k, v in rates.items())
        print(f"round {round_ + 1}: bare {bare[-1]:,.0f}/s, {line}")
    b = statistics.median(bare)
    m = {kind: statistics.median(values) for kind, values in rates.items()}
    print()
    print(f"commands per second (median of {args.rounds}, {args.commands} commands):")
    print(f"  bare eventsourcing app (sqlite, no cache)   {b:10,.0f}")
    labels = {
        "inline": "views in the transaction",
        "external": "views kept elsewhere    ",
    }
    for (temperature, views), rate in m.items():
        case_note = "cases in memory " if temperature == "warm" else "cases from store"
        print(
            f"  engine, {case_note}, {labels[views]} {rate:10,.0f}"
            f"   ratio {rate / b:.2f} x bare"
        )
    print("  target: engine >= 0.80 x bare")
    for temperature in ("warm", "cold"):
        cost = (m[(temperature, "external")] / m[(temperature, "inline")] - 1) * 100
        print(
            f"  cost of keeping views current ({temperature}):  {cost:5.1f} %"
            "  (target <= 30 %)"
        )
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
