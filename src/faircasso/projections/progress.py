"""How far the views are: their version, position and lag behind the events.

The position is the notification id of the last event applied to the
current version. On PostgreSQL notification ids can have gaps (a rolled
back insert uses up its ids), so the lag is counted, not subtracted: the
number of stored events after the position.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from faircasso.projections.views import Views


@dataclass(frozen=True, slots=True)
class ViewsProgress:
    """Where the views stand against the event store."""

    version: int
    position: int
    newest_event_id: int
    lag: int
    """Events stored after ``position``: not yet in the views."""


def progress(views: Views) -> ViewsProgress:
    """The current version, its position, the newest event id and the lag."""
    version = views.current_version()
    position = views.position(version)
    newest = newest_event_id(views)
    lag = events_between(views, position, newest) if newest > position else 0
    return ViewsProgress(version, position, newest, lag)


def newest_event_id(views: Views) -> int:
    """The notification id of the newest stored event, 0 when there is none."""
    recorder = views.store.recorder
    return int(recorder.max_notification_id() or 0)


def events_between(views: Views, after: int, upto: int) -> int:
    """How many stored events have notification ids in ``(after, upto]``."""
    if views.dialect.postgres:
        sql = (
            f"SELECT COUNT(*) FROM {views.dialect.events_table} "
            "WHERE notification_id > :after AND notification_id <= :upto"
        )
    else:
        sql = (
            "SELECT COUNT(*) FROM stored_events WHERE rowid > :after AND rowid <= :upto"
        )
    with views.connect() as conn:
        return int(conn.execute(text(sql), {"after": after, "upto": upto}).scalar_one())
