"""Benchmark: taking in a large CSV batch, against a bare eventsourcing app.

Run by hand: ``python bench/intake.py [--invoices N] [--small M] [--rounds R]``.

It writes a realistic CSV batch of N invoices (1 to 3 invoices a case, so
about N/2 cases; five clients, consumers and businesses, Dutch names, due
dates before the engine's date) into a fresh temporary folder, and then,
side by side, R rounds of:

1. faircasso ``take_in`` into a fresh SQLite file with the views kept in
   the same transaction (the engine's default), end to end: hashing,
   reading and checking the file, opening the cases, events and views;
2. a bare ``eventsourcing`` Application on the library's sqlite module
   storing as many events as faircasso wrote, 100 aggregates per save.

Each round runs in a subprocess of its own, so its peak memory is the
process's ``ru_maxrss``; the growth over the memory in use before taking
in is reported too. The same is measured for a batch of M invoices: peak
memory that does not grow from M to N invoices shows the intake streams.

Figures are medians of R rounds. Targets: >= 10,000 invoices a second end
to end with the views current; peak memory not growing with the file.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

TODAY = date(2026, 3, 2)
CLIENTS = {
    "WONEN": "consumer",
    "ENERGIEK": "consumer",
    "TUINWINKEL": "consumer",
    "DRUKKERIJ-ZON": "business",
    "GROOTHANDEL": "business",
}
FIRST = [
    "Zoë", "Anouk", "Geneviève", "Chloë", "René", "Joël", "Fatma", "Sven",
    "Ĳsbrand", "Noël", "Daan", "Sanne", "Thijs", "Eline", "Mehmet", "Priya",
]  # fmt: skip
PREFIX = ["", "", "van", "de", "van den", "van der", "'t", "ter"]
LAST = [
    "Berg", "Ĳzerman", "Hart", "Jansen", "Bakker", "Visser", "Smit", "Meijer",
    "Hoff", "Yılmaz", "Dijkstra", "Mulder", "Brouwer", "Kuipers", "Çelik",
]  # fmt: skip
COMPANY = [
    "Bakkerij", "Café", "Hoveniersbedrijf", "Drukkerij", "Installatiebedrijf",
    "Kapsalon", "Bouwbedrijf", "Transport",
]  # fmt: skip
FORM = ["B.V.", "V.O.F.", "& Zn.", ""]
TOWNS = [
    ("3511 LX", "Utrecht"), ("5038 CL", "Tilburg"), ("9711 HV", "Groningen"),
    ("5201 AC", "'s-Hertogenbosch"), ("6871 AL", "Renkum"), ("1211 KG", "Hilversum"),
]  # fmt: skip
HEADER = [
    "client", "reference", "debtor_name", "debtor_kind", "debtor_address",
    "debtor_email", "debtor_phone", "invoice_number", "invoice_date",
    "due_date", "principal", "currency", "consumer_sale",
]  # fmt: skip
AGREEMENT = {
    "consumer": {
        "handling_fee": "25.00",
        "can_deduct_vat": False,
        "portfolio": "consumer",
        "legal_threshold": "500.00",
    },
    "business": {
        "handling_fee": "50.00",
        "can_deduct_vat": True,
        "portfolio": "business",
        "legal_threshold": "1000.00",
    },
}


# -- the batch -------------------------------------------------------------------


def write_batch(path: Path, invoices: int, seed: int = 20260302) -> int:
    """Write a CSV batch of ``invoices`` rows; returns the number of cases."""
    rng = random.Random(seed)
    clients = list(CLIENTS)
    cases = written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        while written < invoices:
            count = min(rng.choice((1, 2, 3)), invoices - written)
            client = rng.choice(clients)
            out.writerows(_case_rows(rng, client, cases, count))
            cases += 1
            written += count
    return cases


def _case_rows(
    rng: random.Random, client: str, number: int, count: int
) -> list[list[str]]:
    kind = "business" if rng.random() < 0.3 else "consumer"
    name = _company(rng) if kind == "business" else _person(rng)
    postcode, town = rng.choice(TOWNS)
    address = f"{rng.choice(LAST)}straat {rng.randint(1, 240)}, {postcode} {town}"
    email = f"debiteur{number}@voorbeeld.nl" if rng.random() < 0.6 else ""
    phone = f"06-{rng.randint(10000000, 99999999)}" if rng.random() < 0.5 else ""
    sale = "yes" if kind == "consumer" and rng.random() < 0.2 else ""
    rows = []
    for line in range(count):
        due = TODAY - timedelta(days=rng.randint(5, 700))
        issued = due - timedelta(days=rng.choice((14, 30)))
        cents = rng.randint(1_500, 500_000)
        rows.append(
            [
                client,
                f"{client[:2]}-{number:07d}",
                name,
                kind,
                address,
                email,
                phone,
                f"F{issued.year}-{number:07d}-{line + 1}",
                issued.isoformat(),
                due.isoformat(),
                f"{cents // 100}.{cents % 100:02d}",
                "EUR",
                sale,
            ]
        )
    return rows


def _person(rng: random.Random) -> str:
    prefix = rng.choice(PREFIX)
    middle = f" {prefix}" if prefix else ""
    return f"{rng.choice(FIRST)}{middle} {rng.choice(LAST)}"


def _company(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY)} {rng.choice(LAST)} {rng.choice(FORM)}".strip()


# -- one round, in a subprocess ------------------------------------------------------


def _rss_kb() -> int:
    """The current resident set size of this process, in KiB."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() // 1024


def child_faircasso(batch: Path, db: Path) -> dict[str, Any]:
    """Take the batch in on a fresh store; time and memory."""
    from faircasso.domain.clock import VirtualClock
    from faircasso.engine import Engine
    from faircasso.intake import take_in

    with Engine(f"sqlite:///{db}", clock=VirtualClock(TODAY)) as engine:
        for code, kind in CLIENTS.items():
            engine.register_client(code, code.title(), agreement=AGREEMENT[kind])
        before_events = engine.store.recorder.max_notification_id() or 0
        before = _rss_kb()
        cpu, started = time.process_time(), time.perf_counter()
        (result,) = take_in(engine, [batch])
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        events = (engine.store.recorder.max_notification_id() or 0) - before_events
        rows = engine.views.position()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "cases": result.cases,
        "invoices": result.invoices,
        "rejected": result.rejected,
        "events": events,
        "views_position": rows,
        "rss_before_kb": before,
        "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def child_bare(db: Path, aggregates: int, events: int) -> dict[str, Any]:
    """Store ``events`` events of ``aggregates`` bare aggregates, 100 a save."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Dossier(Aggregate):
        def __init__(self, reference: str) -> None:
            self.reference = reference
            self.notes: list[str] = []

        @event("Noted")
        def note(self, text: str) -> None:
            self.notes.append(text)

    app: Application[UUID] = Application(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(db)}
    )
    extra = events - aggregates
    before = _rss_kb()
    cpu, started = time.process_time(), time.perf_counter()
    batch = []
    for number in range(aggregates):
        dossier = Dossier(f"R-{number}")
        notes = extra // aggregates + (1 if number < extra % aggregates else 0)
        for n in range(notes):
            dossier.note(f"note {n}")
        batch.append(dossier)
        if len(batch) == 100:
            app.save(*batch)
            batch = []
    if batch:
        app.save(*batch)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    stored = app.recorder.max_notification_id()
    app.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "events": stored,
        "rss_before_kb": before,
        "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


def _in_subprocess(*argv: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *argv],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the run -------------------------------------------------------------------------


def _median(rounds: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def measure(folder: Path, invoices: int, rounds: int) -> dict[str, Any]:
    """R rounds of faircasso and the bare app on a batch of ``invoices``."""
    batch = folder / f"batch-{invoices}.csv"
    cases = write_batch(batch, invoices)
    ours, bare = [], []
    for number in range(rounds):
        db = folder / f"faircasso-{invoices}-{number}.db"
        ours.append(_in_subprocess("faircasso", str(batch), str(db)))
        events = ours[-1]["events"]
        db = folder / f"bare-{invoices}-{number}.db"
        bare.append(_in_subprocess("bare", str(db), str(cases), str(events)))
    return {"invoices": invoices, "cases": cases, "ours": ours, "bare": bare}


def report(figures: dict[str, Any]) -> None:
    """Print the medians of one batch size."""
    ours, bare = figures["ours"], figures["bare"]
    invoices, events = figures["invoices"], ours[0]["events"]
    seconds, bare_seconds = _median(ours, "seconds"), _median(bare, "seconds")
    cpu, bare_cpu = _median(ours, "cpu_seconds"), _median(bare, "cpu_seconds")
    peak, base = _median(ours, "peak_kb"), _median(ours, "rss_before_kb")
    print(
        f"\n{invoices:,} invoices, {figures['cases']:,} cases, {events:,} events "
        f"(median of {len(ours)} rounds; rounds: "
        + ", ".join(f"{r['seconds']:.2f}" for r in ours)
        + " s)"
    )
    print(
        f"  faircasso take_in, views current: {seconds:6.2f} s "
        f"({cpu:5.2f} s CPU) {invoices / seconds:8,.0f} invoices/s "
        f"({invoices / cpu:,.0f} by CPU)  {events / seconds:8,.0f} events/s"
    )
    print(
        f"  bare eventsourcing, 100 a save:   {bare_seconds:6.2f} s "
        f"({bare_cpu:5.2f} s CPU) {'':>8}               "
        f"{'':>14} {events / bare_seconds:8,.0f} events/s"
    )
    print(
        f"  ratio faircasso / bare:           {seconds / bare_seconds:6.2f} x "
        f"wall, {cpu / bare_cpu:.2f} x CPU"
    )
    print(
        f"  faircasso peak RSS {peak / 1024:7.1f} MiB, before taking in "
        f"{base / 1024:7.1f} MiB, growth {(peak - base) / 1024:6.1f} MiB"
    )
    bare_peak = _median(bare, "peak_kb") - _median(bare, "rss_before_kb")
    print(f"  bare peak RSS growth {bare_peak / 1024:6.1f} MiB")


def main() -> None:
    """Parse the arguments and run the benchmark (or one child round)."""
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, *args = sys.argv[2:]
        if kind == "faircasso":
            result = child_faircasso(Path(args[0]), Path(args[1]))
        else:
            result = child_bare(Path(args[0]), int(args[1]), int(args[2]))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="faircasso-intake-") as folder:
        small = measure(Path(folder), args.small, args.rounds)
        large = measure(Path(folder), args.invoices, args.rounds)
    report(small)
    report(large)
    target = args.invoices / _median(large["ours"], "seconds")
    growth = (
        _median(large["ours"], "peak_kb")
        - _median(large["ours"], "rss_before_kb")
        - (_median(small["ours"], "peak_kb") - _median(small["ours"], "rss_before_kb"))
    )
    print(
        f"\ntarget >= 10,000 invoices/s: {target:,.0f} "
        f"({'met' if target >= 10_000 else 'NOT met'}); peak growth from "
        f"{args.small:,} to {args.invoices:,} invoices: {growth / 1024:+.1f} MiB"
    )


if __name__ == "__main__":
    main()
