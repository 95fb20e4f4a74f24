"""The policies import only the standard library and faircasso's own values."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import faircasso.policies

ALLOWED = {
    "faircasso.domain.money",
    "faircasso.domain.values",
    "faircasso.domain.errors",
}
PACKAGE = Path(faircasso.policies.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def is_allowed(module: str) -> bool:
    top = module.split(".", maxsplit=1)[0]
    return (
        top in sys.stdlib_module_names
        or top == "__future__"
        or module in ALLOWED
        or module == "faircasso.policies"
        or module.startswith("faircasso.policies.")
    )


def test_policies_import_nothing_beyond_the_standard_library_and_values() -> None:
    modules = sorted(PACKAGE.glob("*.py"))

    refused = {
        path.name: sorted(m for m in imported_modules(path) if not is_allowed(m))
        for path in modules
    }

    assert {name: bad for name, bad in refused.items() if bad} == {}
