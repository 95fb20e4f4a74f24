"""The event store: an eventsourcing application over SQLite or PostgreSQL.

:class:`CaseStore` keeps clients, cases and the calendar as event streams,
with snapshots of long cases, a cache of recently used aggregates, and a
faster replay than the library's default. Its recorders accept an
``after_insert`` hook: a function that runs on the same database cursor,
inside the transaction that inserts the events, with their notification
ids. The read models use it to change in the same commit as the events.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Sequence
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, Transcoder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from eventsourcing.utils import get_topic

from faircasso.domain.case import Case, replay
from faircasso.storage.transcoding import (
    FastJSONTranscoder,
    FieldRestoringMapper,
    register_all,
)
from faircasso.storage.urls import StoreURL

logger = logging.getLogger(__name__)

AfterInsert = Callable[[Any, Sequence[int]], None]
"""Runs on the inserting cursor with the new events' notification ids."""


class SQLiteHookedRecorder(SQLiteApplicationRecorder):
    """SQLite recorder that runs an ``after_insert`` hook in the transaction."""

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        hook: AfterInsert | None = kwargs.get("after_insert")
        if hook is not None and ids:
            hook(c, ids)
        return ids


class PostgresHookedRecorder(PostgresApplicationRecorder):
    """PostgreSQL recorder that runs an ``after_insert`` hook in the transaction.

    The events table is locked while events are inserted, so hooks of
    concurrent writers run one after the other, in notification order.
    """

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        hook: AfterInsert | None = kwargs.get("after_insert")
        if hook is not None and ids:
            hook(curs, ids)
        return ids


SNAPSHOT_EVERY = 50
"""A case is snapshotted every this many events."""


class CaseStore(Application[UUID]):
    """The eventsourcing application that stores faircasso's aggregates."""

    name = "faircasso"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Case: SNAPSHOT_EVERY}
    snapshotting_projectors: ClassVar[dict[type[Any], Any]] = {Case: replay}

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """Add faircasso's value types to the library's own."""
        super().register_transcodings(transcoder)
        register_all(transcoder)

    def load(self, aggregate_id: UUID) -> Any | None:
        """The aggregate as stored now, or None when it has no events.

        One kept in the cache is brought up to date from the store. One not
        kept, with no more events than the snapshot interval, is read in
        one query without looking for a snapshot it cannot have yet.
        """
        cache = self.repository.cache
        if cache is not None:
            try:
                cache.get(aggregate_id)
            except KeyError:
                pass
            else:
                return self._get(aggregate_id)
        recorder: Any = self.recorder
        stored = recorder.select_events(aggregate_id, limit=SNAPSHOT_EVERY + 1)
        if len(stored) > SNAPSHOT_EVERY:
            return self._get(aggregate_id)
        aggregate = replay(None, map(self.mapper.to_domain_event, stored))
        if aggregate is not None and cache is not None:
            cache.put(aggregate_id, copy.deepcopy(aggregate))
        return aggregate

    def _get(self, aggregate_id: UUID) -> Any | None:
        try:
            return self.repository.get(aggregate_id, projector_func=replay)
        except AggregateNotFoundError:
            return None

    def construct_transcoder(self) -> Transcoder:
        """A JSON transcoder with faircasso's value types, quick to read."""
        transcoder = FastJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def construct_mapper(self) -> Mapper[UUID]:
        """A mapper that restores tuple fields of events."""
        return self.factory.mapper(
            transcoder=self.construct_transcoder(),
            mapper_class=FieldRestoringMapper,
        )


CACHE_SIZE = 10_000
"""Aggregates kept in memory by default: about 4 kB each for a case."""


def store_env(
    url: StoreURL, *, create_tables: bool, cache_size: int = CACHE_SIZE
) -> dict[str, str]:
    """The eventsourcing environment for a store at ``url``."""
    env = {"CREATE_TABLE": "y" if create_tables else "n"}
    if cache_size > 0:
        env["AGGREGATE_CACHE_MAXSIZE"] = str(cache_size)
        env["AGGREGATE_CACHE_FASTFORWARD"] = "y"
    if url.is_postgres:
        env.update(
            PERSISTENCE_MODULE="eventsourcing.postgres",
            APPLICATION_RECORDER_TOPIC=get_topic(PostgresHookedRecorder),
            POSTGRES_DBNAME=url.dbname,
            POSTGRES_HOST=url.host,
            POSTGRES_PORT=str(url.port),
            POSTGRES_USER=url.user,
            POSTGRES_PASSWORD=url.password,
            POSTGRES_SCHEMA=url.schema,
            POSTGRES_POOL_SIZE="4",
            POSTGRES_LOCK_TIMEOUT="10",
        )
    else:
        env.update(
            PERSISTENCE_MODULE="eventsourcing.sqlite",
            APPLICATION_RECORDER_TOPIC=get_topic(SQLiteHookedRecorder),
            SQLITE_DBNAME=url.sqlite_path,
            SQLITE_LOCK_TIMEOUT="30",
        )
    return env


def open_store(
    url: StoreURL, *, create_tables: bool = True, cache_size: int = CACHE_SIZE
) -> CaseStore:
    """Open the event store at ``url``; create its tables when asked.

    ``cache_size`` aggregates are kept in memory (0: none), each brought
    up to date from the store whenever it is used.
    """
    env = store_env(url, create_tables=create_tables, cache_size=cache_size)
    store = CaseStore(env=env)
    logger.debug("opened event store at %s", url.describe())
    return store
