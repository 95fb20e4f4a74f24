"""The README's Python example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import faircasso

README = Path(__file__).parents[2] / "README.md"


def python_blocks() -> list[str]:
    """The ```python blocks of the README."""
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_the_readme_has_a_python_example() -> None:
    blocks = python_blocks()

    assert len(blocks) == 1


def test_the_readme_python_example_runs(capsys) -> None:  # type: ignore[no-untyped-def]
    code = python_blocks()[0]

    exec(compile(code, str(README), "exec"), {})

    assert capsys.readouterr().out.strip() == "amicable EUR 958.44"


def test_the_package_exports_a_short_sorted_list() -> None:
    exported = faircasso.__all__

    assert exported == sorted(exported)
    assert all(hasattr(faircasso, name) for name in exported)
