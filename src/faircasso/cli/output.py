"""Plain-text tables and amounts for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from faircasso.domain.money import Money


def euros(cents: int | Money) -> str:
    """Cents as ``1,234.56``, the way the tables show amounts."""
    value = cents.amount if isinstance(cents, Money) else Decimal(cents).scaleb(-2)
    return f"{value:,.2f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A table with a header line, right-aligning numbers and amounts."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    numeric = [
        all(_looks_numeric(row[i]) for row in cells) if cells else False
        for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in cells)])


def _looks_numeric(text: str) -> bool:
    stripped = text.replace(",", "").replace(".", "").replace("-", "").replace("%", "")
    return stripped.isdigit()
