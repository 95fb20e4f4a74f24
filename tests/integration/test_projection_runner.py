"""The projection process: views kept by a loop beside engines that only
store events (``views="external"``).

In a thread, and as the real command-line process on SQLite and on the
PostgreSQL server (skipped, with the reason shown, when none is named),
where it wakes on the events table's notifications.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from faircasso.domain.clock import VirtualClock
from faircasso.domain.errors import InvalidValueError
from faircasso.engine import Engine
from faircasso.projections import runner
from faircasso.projections.progress import newest_event_id, progress
from stores import (
    START,
    add_client,
    drop_schema,
    fresh_postgres_url,
    open_consumer_case,
)
from view_checks import assert_views_equal_a_rebuild, wait_for

WAIT_SECONDS = 30


def write_cases(engine: Engine, first: int, count: int) -> None:
    """Cases ``first`` to ``first + count - 1``, each with a letter and a payment."""
    for number in range(first, first + count):
        case_id = open_consumer_case(engine, f"C-{number}")
        engine.send_letter(case_id)
        engine.record_payment(case_id, "10.00", payment_id=f"bank:{number}")


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[Engine]:
    """An engine that stores events and leaves the views to a runner."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Engine(url, clock=VirtualClock(START), views="external") as engine:
        add_client(engine)
        yield engine


def test_a_runner_once_applies_what_is_stored_a_batch_at_a_time(
    writer: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    write_cases(writer, 0, 6)
    newest = newest_event_id(writer.views)
    monkeypatch.setattr(runner, "BATCH", 20)
    caplog.set_level(logging.INFO, logger="faircasso.projections.runner")

    applied = runner.run(writer.views, once=True)

    assert applied == newest
    batches = [m for m in caplog.messages if m.startswith("applied ")]
    assert len(batches) == -(-newest // 20)
    assert batches[0].startswith("applied 20 events up to position 20 in ")
    assert caplog.messages[-1] == f"stopped at position {newest}"
    assert progress(writer.views).lag == 0
    assert_views_equal_a_rebuild(writer.views)


def test_a_runner_follows_new_events_until_stopped(writer: Engine) -> None:
    stop = threading.Event()
    applied: list[int] = []
    thread = threading.Thread(
        target=lambda: applied.append(
            runner.run(writer.views, interval=0.02, stop=stop)
        )
    )
    thread.start()
    try:
        write_cases(writer, 0, 3)
        newest = newest_event_id(writer.views)
        wait_for(lambda: writer.views.position() == newest, WAIT_SECONDS, "the runner")
        write_cases(writer, 3, 2)
        newest = newest_event_id(writer.views)
        wait_for(lambda: writer.views.position() == newest, WAIT_SECONDS, "the runner")
    finally:
        stop.set()
        thread.join(WAIT_SECONDS)

    assert not thread.is_alive()
    assert applied == [newest]
    assert_views_equal_a_rebuild(writer.views)


def test_a_runner_refuses_an_interval_of_no_time(writer: Engine) -> None:
    with pytest.raises(InvalidValueError) as refused:
        runner.run(writer.views, interval=0)

    assert str(refused.value) == (
        "Invalid interval 0: expected a number of seconds above 0."
    )


# -- the command-line process ----------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh store on SQLite, and on the PostgreSQL server if one is named."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    url = fresh_postgres_url()
    yield url
    drop_schema(url)


def start_runner(url: str, interval: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "faircasso.cli.main",
            "--db",
            url,
            "projections",
            "run",
            "--interval",
            interval,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_the_projection_process_keeps_the_views_of_another_process(
    store_url: str,
) -> None:
    # On PostgreSQL the runner would sleep a minute between looks: it keeps
    # up only because the recorder's notification wakes it.
    interval = "60" if store_url.startswith("postgresql") else "0.05"
    with Engine(store_url, clock=VirtualClock(START), views="external") as engine:
        add_client(engine)
        write_cases(engine, 0, 4)
        views = engine.views
        process = start_runner(store_url, interval)
        try:
            newest = newest_event_id(views)
            wait_for(lambda: views.position() == newest, WAIT_SECONDS, "catch-up")
            write_cases(engine, 4, 3)
            newest = newest_event_id(views)
            wait_for(lambda: views.position() == newest, WAIT_SECONDS, "new events")
            assert process.poll() is None

            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=WAIT_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()

        assert process.returncode == 0, err
        assert out == f"views caught up: {newest} events applied\n"
        assert_views_equal_a_rebuild(views)
