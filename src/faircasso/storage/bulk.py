"""Saving many new aggregates in one transaction, a chunk at a time.

A batch from a file is taken in whole or not at all, and a large one must
not be held in memory whole. :func:`bulk_transaction` opens one database
transaction; :meth:`BulkSaver.save` writes a chunk of aggregates into it
(events and views together) and forgets them; leaving the block commits
everything, or nothing when an error left it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import IntegrityError

from faircasso.storage.store import AfterInsert, CaseStore

logger = logging.getLogger(__name__)

HookFactory = Callable[[Sequence[Any]], AfterInsert]


class BulkSaver:
    """Writes aggregates' new events on the cursor of an open transaction."""

    def __init__(
        self, store: CaseStore, cursor: Any, hooks: HookFactory | None, postgres: bool
    ) -> None:
        self._store = store
        self._cursor = cursor
        self._hooks = hooks
        self._postgres = postgres
        self.events_saved = 0

    def save(self, *aggregates: Any) -> None:
        """Write the pending events of ``aggregates``; views follow with them."""
        events = [
            event for aggregate in aggregates for event in aggregate.collect_events()
        ]
        if not events:
            return
        stored = [self._store.mapper.to_stored_event(event) for event in events]
        hook = self._hooks(events) if self._hooks is not None else None
        self.insert(stored, hook)

    def insert(self, stored: list[Any], hook: AfterInsert | None = None) -> None:
        """Write events already made into stored records."""
        if not stored:
            return
        recorder: Any = self._store.recorder
        if self._postgres:
            recorder._insert_stored_events(self._cursor, stored)
            recorder._fetch_ids_after_insert_events(
                self._cursor, stored, after_insert=hook
            )
        else:
            recorder._insert_events(self._cursor, stored, after_insert=hook)
        self.events_saved += len(stored)

    @property
    def cursor(self) -> Any:
        """The cursor of the batch's transaction."""
        return self._cursor

    def existing(self, aggregate_ids: Sequence[Any]) -> set[Any]:
        """Which of ``aggregate_ids`` already have events in the store."""
        if not aggregate_ids:
            return set()
        if self._postgres:
            recorder: Any = self._store.recorder
            # The library qualifies its tables with the schema; so must this.
            schema, name = recorder.datastore.schema, recorder.events_table_name
            self._cursor.execute(
                f'SELECT DISTINCT originator_id FROM "{schema}"."{name}" '
                "WHERE originator_id = ANY(%s) AND originator_version = 1",
                (list(aggregate_ids),),
            )
            return {row["originator_id"] for row in self._cursor.fetchall()}
        marks = ", ".join("?" for _ in aggregate_ids)
        self._cursor.execute(
            "SELECT originator_id FROM stored_events "
            f"WHERE originator_version = 1 AND originator_id IN ({marks})",
            [a.hex for a in aggregate_ids],
        )
        found = {row["originator_id"] for row in self._cursor.fetchall()}
        return {a for a in aggregate_ids if a.hex in found}


@contextmanager
def bulk_transaction(
    store: CaseStore, hooks: HookFactory | None, *, postgres: bool
) -> Iterator[BulkSaver]:
    """One transaction for a whole batch; commits when the block ends well."""
    # Limitation: on SQLite other writers wait while a batch is taken in.
    datastore: Any = store.recorder.datastore  # type: ignore[attr-defined]
    try:
        with datastore.transaction(commit=True) as cursor:
            saver = BulkSaver(store, cursor, hooks, postgres)
            yield saver
    except IntegrityError:
        raise
    except Exception as error:
        if _is_unique_violation(error):
            raise IntegrityError(error) from error
        raise
    logger.debug("bulk transaction committed %d events", saver.events_saved)


def _is_unique_violation(error: Exception) -> bool:
    return type(error).__name__ in ("UniqueViolation", "IntegrityError")
