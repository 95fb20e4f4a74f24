"""The format of the rate and tariff tables: columns, rows and versions.

Each table is a CSV file with a header. Every row has ``effective_from``
(the first day it is in force, ISO date), the table's value columns,
``source`` (reference keys such as ``S33;S42``) and ``confirmed`` (``yes``,
or ``no`` for figures the law reference marks UNCONFIRMED).

Rows that share an ``effective_from`` form one *version* of the table, for
tables whose version has several rows (the tiers of a scale, the brackets
of the court fees, the acts of the bailiff tariff); a newer version replaces
all rows of the older one. Series tables (a rate per period) have one row
per version.

*Gaps.* Start dates alone cannot show a missing period: a half-year table
without its 2016-07-01 row still looks sorted. So the series that must be
continuous (the statutory interest rates) carry an ``effective_to`` column,
the last day a row is in force. Each such row must end on the day before
the next row starts; only the last row may leave it empty, and then stays in
force until a newer table says otherwise.

:mod:`faircasso.policies.table_parsing` reads and checks the files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from faircasso.domain.money import Money


class ColumnKind(StrEnum):
    """What a value column holds."""

    MONEY = "money"
    RATE = "rate"
    COUNT = "count"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Column:
    """One value column; ``optional`` columns may be left empty."""

    name: str
    kind: ColumnKind
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """One validated row of a table, its values kept in canonical text."""

    table: str
    line: int
    effective_from: date
    effective_to: date | None
    values: Mapping[str, str]
    sources: tuple[str, ...]
    confirmed: bool

    @property
    def label(self) -> str:
        """The table and start date, such as ``interest_consumer 2025-07-01``."""
        return f"{self.table} {self.effective_from.isoformat()}"

    def money(self, column: str) -> Money:
        """The amount in ``column``."""
        return _money(self.values[column])

    def optional_money(self, column: str) -> Money | None:
        """The amount in ``column``, or None when it is left empty."""
        text = self.values[column]
        return _money(text) if text else None

    def decimal(self, column: str) -> Decimal:
        """The number in ``column``, such as a rate."""
        return _decimal(self.values[column])

    def count(self, column: str) -> int:
        """The whole number in ``column``."""
        return int(self.values[column])

    def text(self, column: str) -> str:
        """The text in ``column``."""
        return self.values[column]


# Rules read the same few cells for every case; the values are immutable.
@lru_cache(maxsize=1024)
def _money(text: str) -> Money:
    return Money(text)


@lru_cache(maxsize=1024)
def _decimal(text: str) -> Decimal:
    return Decimal(text)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """What one table's file looks like and which checks its rows pass.

    ``key`` names the columns that tell the rows of one version apart;
    ``brackets`` names a (lower, upper) pair of amount columns that must
    cover everything from zero upward without a gap; ``continuous`` adds the
    ``effective_to`` column and its check; ``refresh_months`` says how often
    the figures are updated by law, so a row used longer than that after its
    start is flagged as possibly out of date.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    brackets: tuple[str, str] | None = None
    continuous: bool = False
    refresh_months: int | None = None
    row_check: Callable[[Row], str | None] | None = None

    @property
    def file_name(self) -> str:
        """The file this table is shipped in."""
        return f"{self.name}.csv"

    @property
    def header(self) -> tuple[str, ...]:
        """The columns of the file, in the order the package writes them."""
        dates = ("effective_from", "effective_to") if self.continuous else ()
        values = tuple(column.name for column in self.columns)
        return (dates or ("effective_from",)) + values + ("source", "confirmed")


def rows_text(spec: TableSpec, rows: Sequence[Row]) -> str:
    """The rows as CSV text in canonical form, as the parser reads it back."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(spec.header)
    for row in rows:
        dates = [row.effective_from.isoformat()]
        if spec.continuous:
            dates.append(row.effective_to.isoformat() if row.effective_to else "")
        values = [row.values[column.name] for column in spec.columns]
        tail = [";".join(row.sources), "yes" if row.confirmed else "no"]
        writer.writerow(dates + values + tail)
    return buffer.getvalue()
