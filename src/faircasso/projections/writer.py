"""Writing view changes through a plain database cursor.

The views are written on whatever cursor holds the transaction: the one
that inserts a command's events (so both commit together), or the one a
catch-up opened. The SQL is built once per table version from the
SQLAlchemy table definitions, in the two dialects faircasso runs on,
SQLite and PostgreSQL, which share the upsert syntax.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent
from sqlalchemy import Table

from faircasso.projections.fold import Row, ViewChanges
from faircasso.projections.schema import TRACKING, ViewTables


@dataclass(frozen=True)
class Dialect:
    """What differs between SQLite and PostgreSQL for the writer."""

    postgres: bool
    schema: str = ""

    def sql(self, text: str) -> str:
        """Turn ``?`` placeholders into the driver's own."""
        return text.replace("?", "%s") if self.postgres else text

    def name(self, table: str) -> str:
        """The table's name as SQL, qualified by the schema if there is one."""
        return f'"{self.schema}"."{table}"' if self.schema else f'"{table}"'

    @property
    def events_table(self) -> str:
        """The events table on PostgreSQL, which eventsourcing names after the
        application (``faircasso_events``); SQLite's is ``stored_events``."""
        return self.name("faircasso_events")

    @property
    def lock_row(self) -> str:
        """Clause that locks a selected row until the transaction ends."""
        return " FOR UPDATE" if self.postgres else ""

    def select_notifications(self) -> str:
        """SQL for events after one id, up to another, in notification order."""
        if self.postgres:
            return (
                "SELECT notification_id AS id, originator_id, originator_version, "
                f"topic, state FROM {self.events_table} "
                "WHERE notification_id > %s AND notification_id <= %s "
                "ORDER BY notification_id LIMIT %s"
            )
        return (
            "SELECT rowid AS id, originator_id, originator_version, topic, state "
            "FROM stored_events WHERE rowid > ? AND rowid <= ? "
            "ORDER BY rowid LIMIT ?"
        )

    def max_notification(self) -> str:
        """SQL for the newest notification id."""
        if self.postgres:
            return f"SELECT MAX(notification_id) AS id FROM {self.events_table}"
        return "SELECT MAX(rowid) AS id FROM stored_events"


class ViewWriter:
    """Applies events to the view tables of one version, on a given cursor."""

    def __init__(self, tables: ViewTables, dialect: Dialect, mapper: Mapper[Any]):
        self.tables = tables
        self.dialect = dialect
        self.mapper = mapper
        d = dialect
        status = tables.case_status
        self._columns = [c.name for c in status.columns]
        self._select_cases = f"SELECT * FROM {d.name(status.name)} WHERE case_id IN "
        self._insert_case = d.sql(_upsert(d, status, ("case_id",)))
        self._update_columns = [c for c in self._columns if c != "case_id"]
        self._updates: dict[tuple[str, ...], str] = {}
        deadlines = tables.deadlines
        self._delete_deadlines = d.sql(
            f"DELETE FROM {d.name(deadlines.name)} WHERE case_id = ?"
        )
        self._insert_deadline = d.sql(_insert(d, deadlines))
        self._insert_payment = d.sql(
            _insert(d, tables.payments) + " ON CONFLICT DO NOTHING"
        )
        portfolio = d.name(tables.portfolio.name)
        self._add_counter = d.sql(
            f"INSERT INTO {portfolio} (client_id, month, metric, value) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (client_id, month, metric) "
            f"DO UPDATE SET value = {portfolio}.value + excluded.value"
        )
        if d.postgres:
            events_sql = (
                f"SELECT notification_id AS id, originator_id, originator_version, "
                f"topic, state FROM {d.events_table} WHERE originator_id = %s "
                "AND originator_version > %s AND originator_version < %s "
                "ORDER BY originator_version"
            )
        else:
            events_sql = (
                "SELECT rowid AS id, originator_id, originator_version, topic, state "
                "FROM stored_events WHERE originator_id = ? "
                "AND originator_version > ? AND originator_version < ? "
                "ORDER BY originator_version"
            )
        self._select_case_events = events_sql
        self._set_position = d.sql(
            f"UPDATE {d.name(TRACKING)} SET position = ? WHERE version = ?"
        )

    # -- reading ---------------------------------------------------------------

    def position(self, cursor: Any) -> int:
        """The last notification id applied to this version; locks it."""
        d = self.dialect
        cursor.execute(
            d.sql(
                f"SELECT position FROM {d.name(TRACKING)} WHERE version = ?"
                + d.lock_row
            ),
            (self.tables.version,),
        )
        row = cursor.fetchone()
        return int(row["position"])

    def load_cases(self, cursor: Any, keys: list[str]) -> dict[str, Row]:
        """The stored case rows for ``keys``, locked until the transaction ends."""
        marks = ", ".join("?" for _ in keys)
        sql = f"{self._select_cases}({marks}){self.dialect.lock_row}"
        cursor.execute(self.dialect.sql(sql), keys)
        return {row["case_id"]: dict(row) for row in cursor.fetchall()}

    def case_events(
        self, cursor: Any, case_key: str, after: int, before: int
    ) -> list[tuple[int, Any]]:
        """Decoded events of one case with versions in ``(after, before)``."""
        cursor.execute(
            self._select_case_events, (self._id_param(case_key), after, before)
        )
        return [self._decoded(row) for row in cursor.fetchall()]

    def _id_param(self, case_key: str) -> Any:
        return UUID(case_key) if self.dialect.postgres else case_key

    def notifications(
        self, cursor: Any, after: int, upto: int, limit: int
    ) -> tuple[int, int, list[tuple[int, Any]]]:
        """Events with ids in ``(after, upto]`` the views still lack, decoded.

        Returns the last id read (or ``after`` when none), how many events
        were read, and the events to apply: those of other aggregates than
        cases, and case events already in their case row, are passed over
        without being decoded.
        """
        cursor.execute(self.dialect.select_notifications(), (after, upto, limit))
        rows = cursor.fetchall()
        if not rows:
            return after, 0, []
        cases = [r for r in rows if r["topic"].startswith(_CASE_TOPICS)]
        keys = sorted({_key(r["originator_id"]) for r in cases})
        versions = self.case_versions(cursor, keys) if keys else {}
        needed = [
            r
            for r in cases
            if r["originator_version"] > versions.get(_key(r["originator_id"]), 0)
        ]
        return int(rows[-1]["id"]), len(rows), [self._decoded(row) for row in needed]

    def case_versions(self, cursor: Any, keys: list[str]) -> dict[str, int]:
        """The event version each case row reflects, by case key."""
        table = self.dialect.name(self.tables.case_status.name)
        marks = ", ".join("?" for _ in keys)
        cursor.execute(
            self.dialect.sql(
                f"SELECT case_id, version FROM {table} WHERE case_id IN ({marks})"
            ),
            keys,
        )
        return {row["case_id"]: int(row["version"]) for row in cursor.fetchall()}

    def _decoded(self, row: Any) -> tuple[int, Any]:
        originator = row["originator_id"]
        stored = StoredEvent(
            originator_id=originator
            if isinstance(originator, UUID)
            else UUID(originator),
            originator_version=row["originator_version"],
            topic=row["topic"],
            state=bytes(row["state"]),
        )
        return int(row["id"]), self.mapper.to_domain_event(stored)

    def head(self, cursor: Any) -> int:
        """The newest notification id in the store, 0 when empty."""
        cursor.execute(self.dialect.max_notification())
        row = cursor.fetchone()
        return int(row["id"] or 0)

    # -- writing ---------------------------------------------------------------

    def apply(
        self,
        cursor: Any,
        items: Sequence[tuple[int, Any]],
        known: Mapping[str, Row] | None = None,
        *,
        live: bool = False,
    ) -> list[Row]:
        """Fold ``items`` (notification id, event) and write the changes.

        ``known`` holds case rows as they are stored now, which spares
        reading them. ``live`` says the events were just recorded in this
        transaction: earlier events of their cases that the views lack
        (recorded by a writer that left the views to a projection process)
        are then read from the store and applied first. Returns the case
        rows as written.
        """

        def load(keys: list[str]) -> dict[str, Row]:
            found = {k: dict(known[k]) for k in keys if known and k in known}
            missing = [k for k in keys if k not in found]
            if missing:
                found.update(self.load_cases(cursor, missing))
            return found

        changes = ViewChanges(load)
        changes.prepare((event for _, event in items), new_cases_are_new=live)
        if live:
            items = self._with_missing(cursor, changes, items)
        for notification_id, event in items:
            changes.apply(notification_id, event)
        return self.flush(cursor, changes)

    def _with_missing(
        self, cursor: Any, changes: ViewChanges, items: Sequence[tuple[int, Any]]
    ) -> list[tuple[int, Any]]:
        first: dict[str, int] = {}
        for _, event in items:
            first.setdefault(event.originator_id.hex, event.originator_version)
        gaps = [key for key, version in first.items() if _behind(changes, key, version)]
        if not gaps:
            return list(items)
        # A row kept from an earlier command may be older than the stored
        # one; read it again before deciding what is missing.
        for key, stored in self.load_cases(cursor, gaps).items():
            changes.keep_stored(key, stored)
        missing: list[tuple[int, Any]] = []
        for key in gaps:
            row = changes.cases.get(key)
            have = int(row["version"]) if row is not None else 0
            if have < first[key] - 1:
                missing += self.case_events(cursor, key, have, first[key])
        if not missing:
            return list(items)
        changes.prepare(event for _, event in missing)
        return sorted([*missing, *items], key=lambda item: item[0])

    def flush(self, cursor: Any, changes: ViewChanges) -> list[Row]:
        """Write what ``changes`` gathered; returns the case rows written."""
        rows = changes.rows()
        if rows:
            self._write_cases(cursor, changes, rows)
            self._write_deadlines(cursor, changes, rows)
        if changes.payments:
            columns = [c.name for c in self.tables.payments.columns]
            cursor.executemany(
                self._insert_payment,
                [[p[c] for c in columns] for p in changes.payments],
            )
        if changes.counters:
            cursor.executemany(
                self._add_counter,
                [(*key, value) for key, value in changes.counters.items() if value],
            )
        return rows

    def _write_cases(self, cursor: Any, changes: ViewChanges, rows: list[Row]) -> None:
        new = [r for r in rows if r["case_id"] in changes.new_cases]
        old = [r for r in rows if r["case_id"] not in changes.new_cases]
        if new:
            cursor.executemany(
                self._insert_case, [[r[c] for c in self._columns] for r in new]
            )
        # An existing row is updated in the columns that changed only: most
        # events touch two or three of them.
        groups: dict[tuple[str, ...], list[list[Any]]] = {}
        for row in old:
            stored = changes.stored[row["case_id"]]
            columns = tuple(c for c in self._update_columns if row[c] != stored.get(c))
            if columns:
                values = [row[c] for c in columns] + [row["case_id"]]
                groups.setdefault(columns, []).append(values)
        for columns, values in groups.items():
            if len(values) == 1:
                cursor.execute(self._update_sql(columns), values[0])
            else:
                cursor.executemany(self._update_sql(columns), values)

    def _update_sql(self, columns: tuple[str, ...]) -> str:
        sql = self._updates.get(columns)
        if sql is None:
            assignments = ", ".join(f'"{c}" = ?' for c in columns)
            table = self.dialect.name(self.tables.case_status.name)
            sql = self.dialect.sql(
                f"UPDATE {table} SET {assignments} WHERE case_id = ?"
            )
            self._updates[columns] = sql
        return sql

    def _write_deadlines(
        self, cursor: Any, changes: ViewChanges, rows: list[Row]
    ) -> None:
        changed = [r for r in rows if r["case_id"] in changes.deadlines_changed]
        if not changed:
            return
        cursor.executemany(self._delete_deadlines, [(r["case_id"],) for r in changed])
        deadlines = [
            (
                r["case_id"],
                d["key"],
                r["client_id"],
                d["kind"],
                d["due_on"],
                d["subject"],
            )
            for r in changed
            for d in changes.deadlines_of(r["case_id"])
        ]
        if deadlines:
            cursor.executemany(self._insert_deadline, deadlines)

    def set_position(self, cursor: Any, position: int) -> None:
        """Record that events up to ``position`` are applied."""
        cursor.execute(self._set_position, (position, self.tables.version))


_CASE_TOPICS = ("faircasso.domain.case_events:",)


def _key(originator: Any) -> str:
    return originator.hex if isinstance(originator, UUID) else str(originator)


def _behind(changes: ViewChanges, key: str, version: int) -> bool:
    """True when the case row lacks events before ``version``."""
    if version == 1:
        return False
    row = changes.cases.get(key)
    return row is None or int(row["version"]) < version - 1


def _insert(dialect: Dialect, table: Table) -> str:
    names = [c.name for c in table.columns]
    columns = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" for _ in names)
    return f"INSERT INTO {dialect.name(table.name)} ({columns}) VALUES ({marks})"


def _upsert(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> str:
    names = [c.name for c in table.columns]
    updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n not in keys)
    conflict = ", ".join(f'"{k}"' for k in keys)
    return f"{_insert(dialect, table)} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
