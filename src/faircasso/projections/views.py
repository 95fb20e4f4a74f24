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
from time import monotonic
from typing import Any
from uuid import UUID

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import MetaData, create_engine, event, inspect, select, text

from faircasso.projections.fold import Row
from faircasso.projections.schema import CURRENT, ViewTables, meta_tables, view_tables
from faircasso.projections.writer import Dialect, ViewWriter
from faircasso.storage.store import CaseStore
from faircasso.storage.transcoding import reading_mapper
from faircasso.storage.urls import StoreURL

logger = logging.getLogger(__name__)

VIEWS = "views"
_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)
RECHECK = 1.0
"""Seconds a live writer on SQLite trusts the current version it looked up."""
MARK_EVERY = 1000
BATCH = 2000


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
        # The views never read rule records, so events are read without them.
        self._mapper = reading_mapper(skip_records=True)
        self._version_sql = self.dialect.sql(
            f"SELECT version FROM {self.dialect.name(CURRENT)} WHERE name = ?"
        )
        self._saves = 0
        self._version_seen: tuple[int, float] = (0, 0.0)
        # The catch-up position this process set last, and the newest id up
        # to which every event is known to be in the views.
        self._mark: tuple[int, int] | None = None
        self._applied_to: int | None = None
        self._staged_ids: tuple[int, int] | None = None
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
            writer = ViewWriter(self.tables(version), self.dialect, self._mapper)
            self._writers[version] = writer
        return writer

    # -- live ------------------------------------------------------------------

    def after_insert(
        self, events: Sequence[Any]
    ) -> Callable[[Any, Sequence[int]], None]:
        """A hook that applies ``events`` in the transaction that inserts them.

        Each case row keeps the version of its case's last event applied,
        so the hook needs no shared position: it checks that the rows it
        changes are in step with the new events, reading any events they
        lack from the store first. Call :meth:`committed` once the
        transaction committed, so the rows it wrote can spare the next
        command a read.
        """

        def hook(cursor: Any, ids: Sequence[int]) -> None:
            version = self._live_version(cursor, ids[0])
            writer = self.writer(version)
            known = None if self.dialect.postgres else self._rows.valid_for(version)
            items = list(zip(ids, events, strict=True))
            rows = writer.apply(cursor, items, known, live=True)
            self._rows.stage(version, rows)
            self._staged_ids = (ids[0], ids[-1])

        return hook

    def _live_version(self, cursor: Any, first_id: int) -> int:
        """The current version, looked up at most once a second on SQLite.

        When it changed meanwhile (another process rebuilt the views), the
        new version first gets the events written since its switch, which
        may have gone to the old tables.
        """
        # Limitation: for up to a second after another process rebuilt the
        # views, this process's commands reach them on its next look.
        known, checked = self._version_seen
        if not self.dialect.postgres and known and monotonic() - checked < RECHECK:
            return known
        cursor.execute(self._version_sql, (VIEWS,))
        version = int(cursor.fetchone()["version"])
        if known and version != known:
            writer = self.writer(version)
            self._apply_range(cursor, writer, writer.position(cursor), first_id - 1)
        self._version_seen = (version, monotonic())
        return version

    def flush_prepared(self, cursor: Any, changes: Any) -> None:
        """Write view changes folded elsewhere, for cases new to the views."""
        cursor.execute(self._version_sql, (VIEWS,))
        version = int(cursor.fetchone()["version"])
        self.writer(version).flush(cursor, changes)

    def note_save(self) -> bool:
        """Count a committed live update; True every so many, to move the
        catch-up position past what the live updates applied."""
        self._saves += 1
        return self._saves >= MARK_EVERY

    def advance_mark(self) -> None:
        """Move the catch-up position past what the live updates applied.

        When this process wrote every event since it last set the position
        (SQLite numbers them without gaps, so it can tell), one conditional
        update does it; otherwise a catch-up reads what others wrote.
        """
        mark, applied_to = self._mark, self._applied_to
        if (
            self.dialect.postgres
            or not _RETURNING
            or mark is None
            or applied_to is None
        ):
            self.catch_up()
            return
        version, position = mark
        with self._write_transaction() as cursor:
            cursor.execute(self._advance_sql, (applied_to, version, position))
            moved = cursor.fetchone() is not None
        if not moved:
            self.catch_up()
            return
        self._mark = (version, applied_to)
        self._saves = 0

    @property
    def live_saves(self) -> int:
        """Live updates committed since the catch-up position last moved."""
        return self._saves

    def committed(self) -> None:
        """The transaction the last hook ran in committed."""
        self._rows.confirm()
        staged, self._staged_ids = self._staged_ids, None
        if staged is not None and self._applied_to is not None:
            first, last = staged
            contiguous = first == self._applied_to + 1
            self._applied_to = last if contiguous else None

    def rolled_back(self) -> None:
        """The transaction the last hook ran in did not commit."""
        self._rows.clear()
        self._staged_ids = None

    @staticmethod
    def _apply_range(cursor: Any, writer: ViewWriter, after: int, upto: int) -> None:
        while after < upto:
            last, _, items = writer.notifications(cursor, after, upto, BATCH)
            if last == after:
                return
            if items:
                writer.apply(cursor, items)
            after = last

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
        """Apply every event not yet in the views; returns how many were read.

        Events the live updates applied already are read and passed over,
        and the position moves past them.

        Each batch commits with its position, so an interrupted catch-up
        resumes where it stopped. With ``limit``, stops once that many
        events are applied (in whole batches), for a caller that wants to
        look up between batches.
        """
        current = self.current_version()
        writer = self.writer(version or current)
        self._saves = 0
        applied = 0
        position = 0
        while limit is None or applied < limit:
            with self._write_transaction() as cursor:
                position = writer.position(cursor)
                last, read, items = writer.notifications(cursor, position, 2**62, batch)
                if last == position:
                    break
                if items:
                    writer.apply(cursor, items)
                writer.set_position(cursor, last)
            applied += read
            position = last
        if writer.tables.version == current and limit is None:
            self._mark = (current, position)
            self._applied_to = position
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
        self._rows.clear()
        self._version_seen = (new, monotonic())
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
    """Case rows as the last committed live update of this process left them.

    A kept row spares reading it again; the writer still checks it is in
    step with the new events and reads it afresh when it is not, so a row
    another process changed meanwhile is never trusted.
    """

    limit = 20_000

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.version = 0
        self._staged: tuple[int, list[Row]] | None = None

    def valid_for(self, version: int) -> dict[str, Row] | None:
        return self.rows if version == self.version else None

    def stage(self, version: int, rows: list[Row]) -> None:
        self._staged = (version, rows)

    def confirm(self) -> None:
        if self._staged is None:
            return
        version, rows = self._staged
        self._staged = None
        if version != self.version or len(self.rows) > self.limit:
            self.rows = {}
            self.version = version
        self.rows.update((row["case_id"], row) for row in rows)

    def clear(self) -> None:
        self._staged = None
        self.rows = {}
        self.version = 0


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
