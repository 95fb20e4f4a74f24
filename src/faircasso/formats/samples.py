"""The sample files shipped with faircasso, for demos, docs and tests."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from faircasso.domain.errors import InvalidValueError

SAMPLES_DIR: Final = Path(__file__).resolve().parent.parent / "samples"


def sample_names() -> list[str]:
    """The names of the shipped sample files, sorted."""
    return sorted(path.name for path in SAMPLES_DIR.iterdir() if path.is_file())


def sample_path(name: str) -> Path:
    """The path of the shipped sample file ``name``, such as ``cases.csv``."""
    path = SAMPLES_DIR / name
    if name not in sample_names():
        raise InvalidValueError("sample file", name, ", ".join(sample_names()))
    return path
