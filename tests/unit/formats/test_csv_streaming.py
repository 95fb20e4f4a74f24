"""A CSV batch is read row by row: memory does not grow with the file.

tracemalloc makes every allocation several times slower, so tracing all of
a 200,000-row read would take many seconds. One test traces the tail of a
200,000-row read, where any growth per row would show; the other traces a
whole 30,000-row read, where a file read at once or a list of every row
would show.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from faircasso.formats.batch import read_batch_csv


def _write_batch(path: Path, rows: int) -> None:
    """A batch of ``rows`` invoices, two per case."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(
            "client,reference,debtor_name,debtor_kind,invoice_number,invoice_date,"
            "due_date,principal\n"
        )
        for row in range(rows):
            handle.write(
                f"ENERGIEK,EN-{row // 2:07d},Zoë van den Berg,consumer,F-{row:08d},"
                "2026-01-05,2026-01-19,184.50\n"
            )


def test_memory_does_not_grow_over_the_rows_of_a_200000_row_batch(
    tmp_path: Path,
) -> None:
    path = tmp_path / "large.csv"
    _write_batch(path, 200_000)

    invoices = 0
    for number, case in enumerate(read_batch_csv(path), 1):
        invoices += len(case.invoices)
        if number == 90_000:
            tracemalloc.start()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert invoices == 200_000
    assert path.stat().st_size > 15_000_000
    assert peak < 200_000


def test_the_peak_memory_of_a_whole_read_is_far_below_the_file_size(
    tmp_path: Path,
) -> None:
    path = tmp_path / "batch.csv"
    _write_batch(path, 30_000)

    tracemalloc.start()
    invoices = sum(len(case.invoices) for case in read_batch_csv(path))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert invoices == 30_000
    assert path.stat().st_size > 2_500_000
    assert peak < 1_000_000
