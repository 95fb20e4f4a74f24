"""The ``faircasso projections`` commands: run, rebuild and inspect the views."""

from __future__ import annotations

import argparse

from faircasso.cli.commands import opened
from faircasso.projections.progress import events_between, progress
from faircasso.projections.runner import run


def projections_run(args: argparse.Namespace) -> int:
    """Follow the event store and keep the views caught up, until stopped."""
    with opened(args, views="external") as engine:
        applied = run(engine.views, interval=args.interval, once=args.once)
        print(f"views caught up: {applied} events applied")
    return 0


def projections_rebuild(args: argparse.Namespace) -> int:
    """Build the views anew from the first event, then switch to them."""
    with opened(args, views="external") as engine:
        views = engine.views
        old = views.current_version()
        new = views.rebuild()
        applied = events_between(views, 0, views.position(new))
        print(f"views rebuilt: v{old} -> v{new}, {applied} events applied")
    return 0


def projections_status(args: argparse.Namespace) -> int:
    """Print the views' version, position, the newest event id and the lag."""
    with opened(args, views="external") as engine:
        found = progress(engine.views)
        print(f"views version  v{found.version}")
        print(f"position       {found.position}")
        print(f"newest event   {found.newest_event_id}")
        print(f"lag            {found.lag} events")
    return 0
