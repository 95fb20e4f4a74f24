"""Make the shared helpers in ``tests/`` importable, as ``strategies``.

The project's lint settings treat modules directly under ``tests/`` as its
own (``from strategies import money``); this puts that folder on
``sys.path`` even when these tests run on their own.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS_FOLDER = str(Path(__file__).resolve().parents[2])

if TESTS_FOLDER not in sys.path:
    sys.path.insert(0, TESTS_FOLDER)
