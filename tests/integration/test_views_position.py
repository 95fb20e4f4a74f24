"""The catch-up position moves on with the live updates, cheaply or by reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from faircasso.domain.clock import VirtualClock
from faircasso.engine import Engine
from faircasso.projections import views as views_module
from faircasso.projections.case_status import all_cases
from stores import START, add_client, open_consumer_case


def newest(engine: Engine) -> int:
    return int(engine.store.recorder.max_notification_id())


@pytest.fixture(autouse=True)
def _move_often(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views_module, "MARK_EVERY", 3)


def test_live_updates_move_the_catch_up_position_on_without_a_catch_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Engine(url, clock=VirtualClock(START)) as engine:
        add_client(engine)
        case_id = open_consumer_case(engine)
        caught_up: list[int] = []
        monkeypatch.setattr(
            engine.views, "catch_up", lambda *a, **k: caught_up.append(1) or 0
        )

        # The third save since the engine opened moves the position.
        engine.record_contact(case_id, "phone", "called")

        assert caught_up == []
        assert engine.views.position() == newest(engine)


def test_events_another_writer_left_out_are_caught_up_when_the_position_moves(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Engine(url, clock=VirtualClock(START)) as live:
        add_client(live)
        own = open_consumer_case(live, "C-1")
        with Engine(url, clock=VirtualClock(START), views="external") as other:
            open_consumer_case(other, "C-2")

        live.record_contact(own, "phone", "called")

        references = [s.reference for s in all_cases(live.views, START)]
        assert references == ["C-1", "C-2"]
        assert live.views.position() == newest(live)
