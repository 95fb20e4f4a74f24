"""One table creator at a time.

Several processes starting at once against one PostgreSQL database would
race to create the same tables. They take a session-level advisory lock
first, so one creates and the others find the tables there. SQLite needs
no lock: its ``CREATE TABLE IF NOT EXISTS`` runs under the file lock.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from faircasso.storage.urls import StoreURL

logger = logging.getLogger(__name__)

_LOCK_KEY = 0x6661697263617373  # "faircass" as a 64-bit number


@contextmanager
def schema_lock(url: StoreURL, *, enabled: bool = True) -> Iterator[None]:
    """Hold the table-creation lock of ``url``'s database, if it has one."""
    if not (enabled and url.is_postgres):
        yield
        return
    import psycopg  # noqa: PLC0415 - only with the postgres extra installed

    with psycopg.connect(
        host=url.host,
        port=url.port,
        user=url.user,
        password=url.password or None,
        dbname=url.dbname,
        autocommit=True,
    ) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            if url.schema:
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{url.schema}"')
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))
