"""Stores for the tests: URLs of every backend, and a sample client and case.

Plain functions, importable from any test folder (``from stores import
add_client``); ``conftest.py`` builds its fixtures on them. Test modules
should not import from ``conftest``: with several ``conftest.py`` files the
name stands for whichever was loaded last.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from uuid import uuid4

import pytest

from faircasso.engine import Engine

POSTGRES_VARIABLE = "FAIRCASSO_TEST_POSTGRES_URL"
START = date(2026, 1, 5)

BACKENDS = ["memory", "sqlite", "postgres"]


def postgres_url() -> str | None:
    """The PostgreSQL server the tests may use, if one is named."""
    return os.environ.get(POSTGRES_VARIABLE) or None


def fresh_postgres_url() -> str:
    """A URL with a schema of its own on the test server; skips without one."""
    base = postgres_url()
    if base is None:
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_VARIABLE} to run this")
    return f"{base}?schema=t_{uuid4().hex[:12]}"


def drop_schema(url: str) -> None:
    """Remove a test schema and everything in it."""
    import psycopg

    from faircasso.storage.urls import parse_url

    parsed = parse_url(url)
    with psycopg.connect(
        host=parsed.host, port=parsed.port, user=parsed.user, dbname=parsed.dbname,
        autocommit=True,
    ) as conn:  # fmt: skip
        conn.execute(f'DROP SCHEMA IF EXISTS "{parsed.schema}" CASCADE')


def url_for(backend: str, tmp_path: Path) -> str:
    """A fresh store URL of the given kind."""
    if backend == "memory":
        return "memory://"
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'faircasso.db'}"
    return fresh_postgres_url()


def add_client(engine: Engine, code: str = "ACME", **terms: object) -> None:
    """Register a client with a default agreement."""
    agreement = {
        "handling_fee": "25.00",
        "can_deduct_vat": True,
        "portfolio": "consumer",
        "legal_threshold": "500.00",
    }
    agreement.update(terms)  # type: ignore[arg-type]
    engine.register_client(code, f"{code} B.V.", agreement=agreement)


def open_consumer_case(
    engine: Engine,
    reference: str = "C-4711",
    principal: str = "1000.00",
    *,
    client: str = "ACME",
    due: date = date(2025, 12, 1),
) -> object:
    """Open a consumer case with one invoice; returns its id."""
    return engine.open_case(
        client=client,
        reference=reference,
        debtor={"name": "Jan de Vries", "kind": "consumer"},
        invoices=[
            {
                "number": f"F-{reference}",
                "invoice_date": "2025-11-01",
                "due_date": due.isoformat(),
                "principal": principal,
            }
        ],
    )
