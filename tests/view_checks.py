"""Checks on the read models shared by several tests: rows of a version, and
whether the views kept so far equal the views rebuilt from every event."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from faircasso.projections.schema import view_tables
from faircasso.projections.views import Views


def view_rows(views: Views, version: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every view table of ``version``, sorted, by table kind.

    A portfolio counter at zero says the same as no counter: a live update
    writes a phase move in and out in two transactions (a row that ends at
    0), a rebuild may fold both into one batch (no row). Zeros are left out.
    """
    tables = view_tables(views.metadata, version)
    kinds = {
        "case_status": tables.case_status,
        "deadlines": tables.deadlines,
        "payments": tables.payments,
        "portfolio": tables.portfolio,
    }
    found = {}
    with views.connect() as conn:
        for kind, table in kinds.items():
            rows = [tuple(row) for row in conn.execute(select(table))]
            if kind == "portfolio":
                rows = [row for row in rows if row[-1] != 0]
            found[kind] = sorted(rows)
    return found


def assert_views_equal_a_rebuild(views: Views) -> None:
    """Rebuild the views and compare every row with the version kept so far.

    ``rebuild`` switches readers to the new version and drops only versions
    before the previous one, so both are still there to compare.
    """
    kept_version = views.current_version()
    kept = view_rows(views, kept_version)

    rebuilt_version = views.rebuild()

    assert rebuilt_version == kept_version + 1
    rebuilt = view_rows(views, rebuilt_version)
    for kind in kept:
        assert rebuilt[kind] == kept[kind], kind


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.05)
