"""The read models of one store: kept live, caught up, rebuilt, and read.

Three ways events reach the views, all through the same fold:

- **live**: :meth:`Views.after_insert` gives the engine a hook that runs
  inside the transaction inserting a command's events, so a command's
  changes are in the views when it returns;
- **catch-up**: :meth:`Views.catch_up` applies what is not applied yet, in
  batches, each batch committed with its new position (resumable after a
  crash at any point, no event skipped or applied twice);
- **rebuild**: :meth:`Views.rebuild` fills a new version from the first
  event while readers keep reading the current one, then switches.

Every transaction that writes views first reads and locks the version's
position, so two writers never apply the same events.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import MetaData, create_engine, event, inspect, select, text

from faircasso.projections.fold import Row
from faircasso.projections.schema import ViewTables, meta_tables, view_tables
from faircasso.projections.writer import Dialect, ViewWriter, current_position_sql
from faircasso.storage.store import CaseStore
from faircasso.storage.urls import StoreURL

logger = logging.getLogger(__name__)

VIEWS = "views"
_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)
BATCH = 1000


class Views:
    """The view tables of one store, and the ways to keep and read them."""

    def __init__(self, url: StoreURL, store: CaseStore, *, create_tables: bool = True):
        self.url = url
        self.store = store
        self.dialect = Dialect(postgres=url.is_postgres, schema=url.schema)
        self.metadata = MetaData(schema=url.schema or None)
        self.current_table, self.tracking_table = meta_tables(self.metadata)
        self.sql: SqlEngine = _sql_engine(url)
        self._writers: dict[int, ViewWriter] = {}
        self._position_sql = current_position_sql(self.dialect)
        tracking = self.dialect.name("fc_view_tracking")
        self._advance_sql = (
            f"UPDATE {tracking} SET position = ? WHERE version = ? AND position = ? "
            "RETURNING position"
        )
        self._rows = _RowCache()
        if create_tables and self._create():
            self.rebuild()

    def close(self) -> None:
        """Release the read connections."""
        self.sql.dispose()

    # -- tables ----------------------------------------------------------------

    def _create(self) -> bool:
        """Create missing tables; True when the current ones need a rebuild."""
        self.metadata.create_all(
            self.sql, tables=[self.current_table, self.tracking_table]
        )
        with self.sql.begin() as conn:
            found = conn.execute(
                select(self.current_table.c.version).where(
                    self.current_table.c.name == VIEWS
                )
            ).scalar()
            if found is None:
                self._create_version(conn, 1)
                conn.execute(self.current_table.insert().values(name=VIEWS, version=1))
                return False
            tables = self.tables(found)
            self.metadata.create_all(conn, tables=tables.all)
            missing = _missing_columns(conn, tables)
        # Tables made by an older faircasso lack the newer columns: the
        # events hold everything, so a rebuild brings them up to date.
        # Limitation: only missing columns are noticed; a change in how events
        # are folded needs `faircasso projections rebuild` run by hand.
        if missing:
            logger.warning(
                "views v%d lack columns %s; rebuilding", found, ", ".join(missing)
            )
        return bool(missing)

    def _create_version(self, conn: Any, version: int) -> ViewTables:
        tables = view_tables(self.metadata, version)
        self.metadata.create_all(conn, tables=list(tables.all))
        conn.execute(
            self.tracking_table.delete().where(self.tracking_table.c.version == version)
        )
        conn.execute(self.tracking_table.insert().values(version=version, position=0))
        return tables

    def tables(self, version: int | None = None) -> ViewTables:
        """The tables of ``version``, by default the one readers use now."""
        return view_tables(self.metadata, version or self.current_version())

    def current_version(self) -> int:
        """The version readers and live updates use now."""
        with self.sql.connect() as conn:
            found = conn.execute(
                select(self.current_table.c.version).where(
                    self.current_table.c.name == VIEWS
                )
            ).scalar()
        return int(found or 1)

    def writer(self, version: int) -> ViewWriter:
        """The writer of ``version``, made once."""
        writer = self._writers.get(version)
        if writer is None:
            writer = ViewWriter(self.tables(version), self.dialect, self.store.mapper)
            self._writers[version] = writer
        return writer

    # -- live ------------------------------------------------------------------

    def after_insert(
        self, events: Sequence[Any]
    ) -> Callable[[Any, Sequence[int]], None]:
        """A hook that applies ``events`` in the transaction that inserts them.

        Call :meth:`committed` once that transaction committed, so the
        rows it wrote can spare the next command a read.
        """

        def hook(cursor: Any, ids: Sequence[int]) -> None:
            if not self._advanced_in_step(cursor, events, ids):
                self._catch_up_and_apply(cursor, events, ids)

        return hook

    def _advanced_in_step(
        self, cursor: Any, events: Sequence[Any], ids: Sequence[int]
    ) -> bool:
        """The quick way, on SQLite, when this process wrote the last events.

        SQLite numbers events without gaps, so the views are in step when
        their position is the number just before the first new event;
        moving the position on only if so tells in one statement.
        """
        version = self._rows.version
        if self.dialect.postgres or not version or not _RETURNING:
            return False
        cursor.execute(self._advance_sql, (ids[-1], version, ids[0] - 1))
        if cursor.fetchone() is None:
            return False
        writer = self.writer(version)
        known = self._rows.valid_at(version, ids[0] - 1)
        rows = writer.apply(cursor, list(zip(ids, events, strict=True)), known)
        self._rows.stage(version, ids[-1], rows, fresh=known is None)
        return True

    def _catch_up_and_apply(
        self, cursor: Any, events: Sequence[Any], ids: Sequence[int]
    ) -> None:
        cursor.execute(self._position_sql, (VIEWS,))
        found = cursor.fetchone()
        version, position = int(found["version"]), int(found["position"])
        writer = self.writer(version)
        # Events another writer stored without views are applied first,
        # so the views never skip one.
        if position < ids[0] - 1 or self.dialect.postgres:
            self._apply_range(cursor, writer, position, ids[0] - 1)
        rows = writer.apply(cursor, list(zip(ids, events, strict=True)))
        writer.set_position(cursor, ids[-1])
        self._rows.stage(version, ids[-1], rows, fresh=True)

    def committed(self) -> None:
        """The transaction the last hook ran in committed."""
        self._rows.confirm()

    def rolled_back(self) -> None:
        """The transaction the last hook ran in did not commit."""
        self._rows.clear()

    @staticmethod
    def _apply_range(cursor: Any, writer: ViewWriter, after: int, upto: int) -> None:
        while after < upto:
            items = writer.notifications(cursor, after, upto, BATCH)
            if not items:
                return
            writer.apply(cursor, items)
            after = items[-1][0]

    # -- catch-up and rebuild ------------------------------------------------------

    @contextmanager
    def _write_transaction(self) -> Iterator[Any]:
        datastore = self.store.recorder.datastore  # type: ignore[attr-defined]
        with datastore.transaction(commit=True) as cursor:
            if not self.dialect.postgres:
                # Take SQLite's write lock first, so the reads below see the
                # state this transaction will write over.
                tracking = self.dialect.name("fc_view_tracking")
                cursor.execute(f"UPDATE {tracking} SET position = position")
            yield cursor

    def catch_up(
        self,
        version: int | None = None,
        *,
        batch: int = BATCH,
        limit: int | None = None,
    ) -> int:
        """Apply every event not yet in the views; returns how many.

        Each batch commits with its position, so an interrupted catch-up
        resumes where it stopped. With ``limit``, stops once that many
        events are applied (in whole batches), for a caller that wants to
        look up between batches.
        """
        writer = self.writer(version or self.current_version())
        applied = 0
        while limit is None or applied < limit:
            with self._write_transaction() as cursor:
                position = writer.position(cursor)
                items = writer.notifications(cursor, position, 2**62, batch)
                if not items:
                    break
                writer.apply(cursor, items)
                writer.set_position(cursor, items[-1][0])
            applied += len(items)
        if applied:
            logger.debug(
                "views v%d caught up %d events", writer.tables.version, applied
            )
        return applied

    def rebuild(self) -> int:
        """Build the views anew from the first event, then switch readers to them.

        Readers keep reading the current version until the new one has
        caught up with the last event; the switch is one commit. Tables of
        versions before the previous one are dropped. Returns the version.
        """
        old = self.current_version()
        new = old + 1
        with self.sql.begin() as conn:
            self._create_version(conn, new)
        self.catch_up(new)
        with self._write_transaction() as cursor:
            if self.dialect.postgres:
                cursor.execute(
                    f"LOCK TABLE {self.dialect.events_table} IN EXCLUSIVE MODE"
                )
            writer = self.writer(new)
            position = writer.position(cursor)
            self._apply_range(cursor, writer, position, writer.head(cursor))
            writer.set_position(cursor, max(position, writer.head(cursor)))
            cursor.execute(
                self.dialect.sql(
                    f"UPDATE {self.dialect.name('fc_view_current')} SET version = ? "
                    "WHERE name = ?"
                ),
                (new, VIEWS),
            )
            # Writers still on the old version find no position to move on,
            # and look up the current version again.
            cursor.execute(
                self.dialect.sql(
                    f"DELETE FROM {self.dialect.name('fc_view_tracking')} "
                    "WHERE version = ?"
                ),
                (old,),
            )
        self._rows.clear()
        self._drop_before(old)
        logger.info("views rebuilt as v%d", new)
        return new

    def _drop_before(self, keep_from: int) -> None:
        with self.sql.begin() as conn:
            for version in range(1, keep_from):
                tables = view_tables(self.metadata, version)
                for table in tables.all:
                    table.drop(conn, checkfirst=True)
                conn.execute(
                    self.tracking_table.delete().where(
                        self.tracking_table.c.version == version
                    )
                )

    # -- reading ---------------------------------------------------------------

    def position(self, version: int | None = None) -> int:
        """The last notification id applied to a version."""
        with self.sql.connect() as conn:
            found = conn.execute(
                select(self.tracking_table.c.position).where(
                    self.tracking_table.c.version == (version or self.current_version())
                )
            ).scalar()
        return int(found or 0)

    def cases_with_deadlines_due(self, day: date) -> list[UUID]:
        """Ids of cases with a deadline due on or before ``day``."""
        deadlines = self.tables().deadlines
        query = (
            select(deadlines.c.case_id)
            .where(deadlines.c.due_on <= day.isoformat())
            .group_by(deadlines.c.case_id)
            .order_by(deadlines.c.case_id)
        )
        with self.sql.connect() as conn:
            return [UUID(row[0]) for row in conn.execute(query)]

    def connect(self) -> Any:
        """A read connection to the views' database."""
        return self.sql.connect()


class _RowCache:
    """Case rows as the last committed live update left them.

    Valid only while the views stand at the position that update set: any
    other writer moves the position, and then the rows are read again.
    """

    limit = 20_000

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.version = 0
        self.position = -1
        self._staged: tuple[int, int, list[Row], bool] | None = None

    def valid_at(self, version: int, position: int) -> dict[str, Row] | None:
        if (version, position) == (self.version, self.position):
            return self.rows
        return None

    def stage(self, version: int, position: int, rows: list[Row], fresh: bool) -> None:
        self._staged = (version, position, rows, fresh)

    def confirm(self) -> None:
        if self._staged is None:
            return
        version, position, rows, fresh = self._staged
        self._staged = None
        if fresh or len(self.rows) > self.limit:
            self.rows = {}
        self.rows.update((row["case_id"], row) for row in rows)
        self.version, self.position = version, position

    def clear(self) -> None:
        self._staged = None
        self.rows = {}
        self.position = -1


def _missing_columns(conn: Any, tables: ViewTables) -> list[str]:
    """Columns the definitions of ``tables`` have and the database lacks."""
    inspector = inspect(conn)
    missing = []
    for table in tables.all:
        stored = {c["name"] for c in inspector.get_columns(table.name, table.schema)}
        missing += [
            f"{table.name}.{c.name}" for c in table.columns if c.name not in stored
        ]
    return missing


def _sql_engine(url: StoreURL) -> SqlEngine:
    if url.is_postgres:
        args = {"options": f"-csearch_path={url.schema}"} if url.schema else {}
        return create_engine(url.sqlalchemy_url(), connect_args=args, pool_size=4)
    engine = create_engine(
        url.sqlalchemy_url(), connect_args={"timeout": 30, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout = 30000")

    _ = text
    return engine
