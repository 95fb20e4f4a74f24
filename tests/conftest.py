"""Shared fixtures: engines on every kind of store, and a sample client.

The helpers they use live in ``stores.py``, which tests import directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from faircasso.domain.clock import VirtualClock
from faircasso.engine import Engine
from stores import BACKENDS, START, add_client, drop_schema, url_for


@pytest.fixture(params=BACKENDS)
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh store URL for each backend."""
    url = url_for(request.param, tmp_path)
    yield url
    if request.param == "postgres":
        drop_schema(url)


@pytest.fixture
def clock() -> VirtualClock:
    """A virtual clock on a Monday in January 2026."""
    return VirtualClock(START)


@pytest.fixture
def engine(clock: VirtualClock) -> Iterator[Engine]:
    """An engine on a fresh in-memory store, with a client 'ACME'."""
    with Engine("memory://", clock=clock) as engine:
        add_client(engine)
        yield engine
