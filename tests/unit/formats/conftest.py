"""Fixtures for the format tests.

Also puts ``tests/`` on ``sys.path`` so the shared Hypothesis strategies
import as ``strategies``, as in the other test folders.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

TESTS_FOLDER = str(Path(__file__).resolve().parents[2])

if TESTS_FOLDER not in sys.path:
    sys.path.insert(0, TESTS_FOLDER)


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], str]:
    """Write UTF-8 text to a file in a fresh folder and return its path."""

    def write(name: str, text: str) -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write
