"""The Python examples in docs/rules.md run and their assertions hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

RULES_PAGE = Path(__file__).resolve().parents[3] / "docs" / "rules.md"
EXAMPLE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def examples() -> list[str]:
    return EXAMPLE.findall(RULES_PAGE.read_text(encoding="utf-8"))


def test_the_rules_page_has_examples() -> None:
    found = examples()

    assert len(found) >= 5


@pytest.mark.parametrize("code", examples())
def test_each_example_on_the_rules_page_runs(code: str) -> None:
    namespace: dict[str, object] = {}

    exec(compile(code, str(RULES_PAGE), "exec"), namespace)

    assert namespace
