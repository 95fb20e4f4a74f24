"""The format of the rate and tariff tables, and the checks every row passes.

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

Row numbers in errors are the file's line numbers, the header being row 1,
as a spreadsheet or an editor shows them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from faircasso.domain.errors import PolicyTableError
from faircasso.domain.money import Money

_SOURCE_KEY = re.compile(r"S(\d+[a-z]?|-[a-z]+)")


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
        return Money(self.values[column])

    def optional_money(self, column: str) -> Money | None:
        """The amount in ``column``, or None when it is left empty."""
        text = self.values[column]
        return Money(text) if text else None

    def decimal(self, column: str) -> Decimal:
        """The number in ``column``, such as a rate."""
        return Decimal(self.values[column])

    def count(self, column: str) -> int:
        """The whole number in ``column``."""
        return int(self.values[column])

    def text(self, column: str) -> str:
        """The text in ``column``."""
        return self.values[column]


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


def parse_rows(spec: TableSpec, text: str, source: str) -> tuple[Row, ...]:
    """Read and check every row of one table's CSV text.

    ``source`` names the file in errors. Raises PolicyTableError naming the
    file and the row for a bad date, a bad number, unsorted or overlapping
    periods, a gap, or brackets that do not fit together.
    """
    reader = csv.DictReader(io.StringIO(text))
    _check_header(spec, reader.fieldnames, source)

    rows = [_parse_row(spec, fields, reader.line_num, source) for fields in reader]
    if not rows:
        raise PolicyTableError(source, None, "has no rows; add at least one")

    _check_order(spec, rows, source)
    if spec.continuous:
        _check_continuity(rows, source)
    if spec.brackets is not None:
        _check_brackets(spec.brackets, rows, source)
    return tuple(rows)


def rows_text(spec: TableSpec, rows: Sequence[Row]) -> str:
    """The rows as CSV text in canonical form; :func:`parse_rows` reads it."""
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


def _check_header(
    spec: TableSpec, fieldnames: Sequence[str] | None, source: str
) -> None:
    """Refuse a file whose columns are not exactly the table's columns."""
    present = [name.strip() for name in fieldnames or ()]
    missing = [name for name in spec.header if name not in present]
    if missing:
        raise PolicyTableError(source, 1, f"misses column(s) {', '.join(missing)}")

    unexpected = [name for name in present if name not in spec.header]
    if unexpected:
        raise PolicyTableError(
            source, 1, f"has unexpected column(s) {', '.join(unexpected)}"
        )


def _parse_row(
    spec: TableSpec, fields: Mapping[str | None, object], line: int, source: str
) -> Row:
    """Turn one CSV record into a Row, refusing any field that does not fit."""
    if None in fields:
        raise PolicyTableError(source, line, "has more fields than the header")
    cells = {
        str(name).strip(): _cell(value, line, source) for name, value in fields.items()
    }

    effective_from = _parse_date(cells, "effective_from", line, source)
    effective_to = None
    if spec.continuous and cells["effective_to"]:
        effective_to = _parse_date(cells, "effective_to", line, source)
        if effective_to < effective_from:
            raise PolicyTableError(
                source,
                line,
                f"effective_to {effective_to} is before effective_from "
                f"{effective_from}",
            )

    values = {
        column.name: _parse_value(column, cells[column.name], line, source)
        for column in spec.columns
    }
    row = Row(
        table=spec.name,
        line=line,
        effective_from=effective_from,
        effective_to=effective_to,
        values=values,
        sources=_parse_sources(cells["source"], line, source),
        confirmed=_parse_confirmed(cells["confirmed"], line, source),
    )
    _run_row_check(spec, row, source)
    return row


def _cell(value: object, line: int, source: str) -> str:
    """A field's text; a row with fewer fields than the header is refused."""
    if value is None:
        raise PolicyTableError(source, line, "has fewer fields than the header")
    return str(value).strip()


def _run_row_check(spec: TableSpec, row: Row, source: str) -> None:
    """Apply the table's own consistency check, if it has one."""
    if spec.row_check is None:
        return
    problem = spec.row_check(row)
    if problem:
        raise PolicyTableError(source, row.line, problem)


def _parse_date(cells: Mapping[str, str], column: str, line: int, source: str) -> date:
    text = cells[column]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PolicyTableError(
            source, line, f"{column} {text!r} is not a date in the form YYYY-MM-DD"
        ) from None


def _parse_value(column: Column, text: str, line: int, source: str) -> str:
    """Check one value and return it in canonical text ('' when left empty)."""
    if not text:
        if column.optional:
            return ""
        raise PolicyTableError(source, line, f"{column.name} is empty")
    if column.kind is ColumnKind.TEXT:
        return text
    if column.kind is ColumnKind.COUNT:
        if not text.isdigit():
            raise PolicyTableError(
                source, line, f"{column.name} {text!r} is not a whole number"
            )
        return str(int(text))
    return _parse_number(column, text, line, source)


def _parse_number(column: Column, text: str, line: int, source: str) -> str:
    """Check an amount or a rate; amounts keep cents, rates lose trailing zeros."""
    number = _decimal_or_none(text)
    if column.kind is ColumnKind.MONEY:
        if number is None or number != number.quantize(Decimal("0.01")):
            raise PolicyTableError(
                source,
                line,
                f"{column.name} {text!r} is not an amount in euros with at most "
                "two decimals, such as 12.34",
            )
        if number < 0:
            raise PolicyTableError(source, line, f"{column.name} {text!r} is negative")
        return str(number.quantize(Decimal("0.01")))

    if number is None or not 0 <= number < 1:
        raise PolicyTableError(
            source,
            line,
            f"{column.name} {text!r} is not a rate from 0 up to 1, such as 0.07",
        )
    return format(number.normalize(), "f")


def _decimal_or_none(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _parse_sources(text: str, line: int, source: str) -> tuple[str, ...]:
    keys = tuple(key.strip() for key in text.split(";"))
    if not text or not all(_SOURCE_KEY.fullmatch(key) for key in keys):
        raise PolicyTableError(
            source,
            line,
            f"source {text!r} is not a list of reference keys such as S33;S42",
        )
    return keys


def _parse_confirmed(text: str, line: int, source: str) -> bool:
    if text not in ("yes", "no"):
        raise PolicyTableError(source, line, f"confirmed {text!r} is not yes or no")
    return text == "yes"


def _check_order(spec: TableSpec, rows: Sequence[Row], source: str) -> None:
    """Refuse unsorted periods and two rows in force for the same thing."""
    seen: dict[tuple[date, tuple[str, ...]], int] = {}
    for previous, row in zip(rows, rows[1:], strict=False):
        if row.effective_from < previous.effective_from:
            raise PolicyTableError(
                source,
                row.line,
                f"effective_from {row.effective_from} comes before "
                f"{previous.effective_from} on row {previous.line}; sort the "
                "rows by effective_from",
            )

    for row in rows:
        key = tuple(row.values[name] for name in spec.key)
        earlier = seen.setdefault((row.effective_from, key), row.line)
        if earlier != row.line:
            raise PolicyTableError(source, row.line, _duplicate(spec, row, earlier))


def _duplicate(spec: TableSpec, row: Row, earlier: int) -> str:
    if not spec.key:
        return (
            f"effective_from {row.effective_from} repeats row {earlier}; two "
            "periods cannot start on the same day"
        )
    named = ", ".join(f"{name} {row.values[name]}" for name in spec.key)
    return (
        f"{named} with effective_from {row.effective_from} repeats row "
        f"{earlier}; periods cannot overlap"
    )


def _check_continuity(rows: Sequence[Row], source: str) -> None:
    """Each row must end on the day before the next one starts."""
    for previous, row in zip(rows, rows[1:], strict=False):
        if previous.effective_to is None:
            raise PolicyTableError(
                source,
                previous.line,
                f"has no effective_to but row {row.line} follows it; only the "
                "last row may be left open",
            )
        expected = previous.effective_to + timedelta(days=1)
        if row.effective_from > expected:
            raise PolicyTableError(
                source,
                row.line,
                f"gap: row {previous.line} ends on {previous.effective_to} but "
                f"this row starts on {row.effective_from}; add the missing period",
            )
        if row.effective_from < expected:
            raise PolicyTableError(
                source,
                row.line,
                f"overlap: row {previous.line} runs until {previous.effective_to}"
                f", past this row's start on {row.effective_from}",
            )


def _check_brackets(columns: tuple[str, str], rows: Sequence[Row], source: str) -> None:
    """Within each version, brackets run from zero upward and meet exactly."""
    versions: dict[date, list[Row]] = {}
    for row in rows:
        versions.setdefault(row.effective_from, []).append(row)
    for version in versions.values():
        _check_version_brackets(columns, version, source)


def _check_version_brackets(
    columns: tuple[str, str], version: Sequence[Row], source: str
) -> None:
    lower, upper = columns
    expected = "0.00"
    for row in version:
        if not expected:
            raise PolicyTableError(
                source,
                row.line,
                f"follows a bracket without {upper}; only the last bracket of a "
                "version may be open",
            )
        if row.values[lower] != expected:
            raise PolicyTableError(
                source,
                row.line,
                f"{lower} {row.values[lower]} should be {expected}, where the "
                "bracket before it ends",
            )
        top = row.optional_money(upper)
        if top is not None and top <= row.money(lower):
            raise PolicyTableError(
                source, row.line, f"{upper} {top.amount} is not above {lower}"
            )
        expected = row.values[upper]

    if expected:
        raise PolicyTableError(
            source,
            version[-1].line,
            f"the last bracket has {upper} {expected}; leave it empty so that "
            "every amount falls in a bracket",
        )
