"""Reading a table's CSV text and checking every row and the table as a whole.

A row is refused for a bad date, a bad number, an empty required value, a
source that is not a reference key, or a ``confirmed`` other than yes or
no. The table is refused for unsorted periods, two rows in force for the
same thing from the same day, a gap or an overlap between the periods of a
continuous series, and brackets that do not run from zero upward without a
hole. Each error names the file and the row: the file's line number, the
header being row 1, as a spreadsheet or an editor shows it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from faircasso.domain.errors import PolicyTableError
from faircasso.policies.table_format import Column, ColumnKind, Row, TableSpec

_SOURCE_KEY = re.compile(r"S(\d+[a-z]?|-[a-z]+)")
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class _At:
    """A place in a file, for errors that name it."""

    source: str
    line: int | None

    def error(self, reason: str) -> PolicyTableError:
        return PolicyTableError(self.source, self.line, reason)


def parse_rows(spec: TableSpec, text: str, source: str) -> tuple[Row, ...]:
    """Read and check every row of one table's CSV ``text``.

    ``source`` names the file in errors. Raises PolicyTableError.
    """
    reader = csv.DictReader(io.StringIO(text))
    _check_header(spec, reader.fieldnames, _At(source, 1))

    rows = [_parse_row(spec, fields, _At(source, reader.line_num)) for fields in reader]
    if not rows:
        raise _At(source, None).error("has no rows; add at least one")

    _check_order(spec, rows, source)
    if spec.continuous:
        _check_continuity(rows, source)
    if spec.brackets is not None:
        _check_brackets(spec.brackets, rows, source)
    return tuple(rows)


def _check_header(spec: TableSpec, fieldnames: Sequence[str] | None, at: _At) -> None:
    """Refuse a file whose columns are not exactly the table's columns."""
    present = [name.strip() for name in fieldnames or ()]
    missing = [name for name in spec.header if name not in present]
    if missing:
        raise at.error(f"misses column(s) {', '.join(missing)}")

    unexpected = [name for name in present if name not in spec.header]
    if unexpected:
        raise at.error(f"has unexpected column(s) {', '.join(unexpected)}")


def _parse_row(spec: TableSpec, fields: Mapping[str | None, object], at: _At) -> Row:
    """Turn one CSV record into a Row, refusing any field that does not fit."""
    if None in fields:
        raise at.error("has more fields than the header")
    cells = {str(name).strip(): _cell(value, at) for name, value in fields.items()}

    effective_from = _parse_date(cells, "effective_from", at)
    row = Row(
        table=spec.name,
        line=at.line or 0,
        effective_from=effective_from,
        effective_to=_parse_effective_to(spec, cells, effective_from, at),
        values={c.name: _parse_value(c, cells[c.name], at) for c in spec.columns},
        sources=_parse_sources(cells["source"], at),
        confirmed=_parse_confirmed(cells["confirmed"], at),
    )

    problem = spec.row_check(row) if spec.row_check is not None else None
    if problem:
        raise at.error(problem)
    return row


def _cell(value: object, at: _At) -> str:
    """A field's text; a row with fewer fields than the header is refused."""
    if value is None:
        raise at.error("has fewer fields than the header")
    return str(value).strip()


def _parse_date(cells: Mapping[str, str], column: str, at: _At) -> date:
    text = cells[column]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise at.error(
            f"{column} {text!r} is not a date in the form YYYY-MM-DD"
        ) from None


def _parse_effective_to(
    spec: TableSpec, cells: Mapping[str, str], effective_from: date, at: _At
) -> date | None:
    """The last day of a continuous series' row; None when left open."""
    if not spec.continuous or not cells["effective_to"]:
        return None
    effective_to = _parse_date(cells, "effective_to", at)
    if effective_to < effective_from:
        raise at.error(
            f"effective_to {effective_to} is before effective_from {effective_from}"
        )
    return effective_to


def _parse_value(column: Column, text: str, at: _At) -> str:
    """Check one value and return it in canonical text ('' when left empty)."""
    if not text:
        if column.optional:
            return ""
        raise at.error(f"{column.name} is empty")

    if column.kind is ColumnKind.TEXT:
        return text
    if column.kind is ColumnKind.COUNT:
        if not text.isdigit():
            raise at.error(f"{column.name} {text!r} is not a whole number")
        return str(int(text))
    if column.kind is ColumnKind.MONEY:
        return _parse_amount(column, text, at)
    return _parse_rate(column, text, at)


def _parse_amount(column: Column, text: str, at: _At) -> str:
    """An amount in whole cents, zero or more, written with two decimals."""
    number = _decimal_or_none(text)
    if number is None or number != number.quantize(_CENT):
        raise at.error(
            f"{column.name} {text!r} is not an amount in euros with at most two "
            "decimals, such as 12.34"
        )
    if number < 0:
        raise at.error(f"{column.name} {text!r} is negative")
    return str(number.quantize(_CENT))


def _parse_rate(column: Column, text: str, at: _At) -> str:
    """A rate as a fraction from 0 up to 1, written without trailing zeros."""
    number = _decimal_or_none(text)
    if number is None or not 0 <= number < 1:
        raise at.error(
            f"{column.name} {text!r} is not a rate from 0 up to 1, such as 0.07"
        )
    return format(number.normalize(), "f")


def _decimal_or_none(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _parse_sources(text: str, at: _At) -> tuple[str, ...]:
    keys = tuple(key.strip() for key in text.split(";"))
    if not text or not all(_SOURCE_KEY.fullmatch(key) for key in keys):
        raise at.error(
            f"source {text!r} is not a list of reference keys such as S33;S42"
        )
    return keys


def _parse_confirmed(text: str, at: _At) -> bool:
    if text not in ("yes", "no"):
        raise at.error(f"confirmed {text!r} is not yes or no")
    return text == "yes"


def _check_order(spec: TableSpec, rows: Sequence[Row], source: str) -> None:
    """Refuse unsorted periods and two rows in force for the same thing."""
    for previous, row in pairwise(rows):
        if row.effective_from < previous.effective_from:
            raise _At(source, row.line).error(
                f"effective_from {row.effective_from} comes before "
                f"{previous.effective_from} on row {previous.line}; sort the "
                "rows by effective_from"
            )

    seen: dict[tuple[date, tuple[str, ...]], int] = {}
    for row in rows:
        key = tuple(row.values[name] for name in spec.key)
        earlier = seen.setdefault((row.effective_from, key), row.line)
        if earlier != row.line:
            raise _At(source, row.line).error(_duplicate(spec, row, earlier))


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
    for previous, row in pairwise(rows):
        if previous.effective_to is None:
            raise _At(source, previous.line).error(
                f"has no effective_to but row {row.line} follows it; only the "
                "last row may be left open"
            )

        expected = previous.effective_to + timedelta(days=1)
        at = _At(source, row.line)
        if row.effective_from > expected:
            raise at.error(
                f"gap: row {previous.line} ends on {previous.effective_to} but "
                f"this row starts on {row.effective_from}; add the missing period"
            )
        if row.effective_from < expected:
            raise at.error(
                f"overlap: row {previous.line} runs until {previous.effective_to}"
                f", past this row's start on {row.effective_from}"
            )


def _check_brackets(columns: tuple[str, str], rows: Sequence[Row], source: str) -> None:
    """Within each version, brackets run from zero upward and meet exactly."""
    versions: dict[date, list[Row]] = {}
    for row in rows:
        versions.setdefault(row.effective_from, []).append(row)

    lower, upper = columns
    for version in versions.values():
        expected = "0.00"
        for row in version:
            _check_bracket(row, lower, upper, expected, _At(source, row.line))
            expected = row.values[upper]
        if expected:
            raise _At(source, version[-1].line).error(
                f"the last bracket has {upper} {expected}; leave it empty so that "
                "every amount falls in a bracket"
            )


def _check_bracket(row: Row, lower: str, upper: str, expected: str, at: _At) -> None:
    """One bracket starts where the one before it ended and has a positive size."""
    if not expected:
        raise at.error(
            f"follows a bracket without {upper}; only the last bracket of a "
            "version may be open"
        )
    if row.values[lower] != expected:
        raise at.error(
            f"{lower} {row.values[lower]} should be {expected}, where the bracket "
            "before it ends"
        )
    top = row.optional_money(upper)
    if top is not None and top <= row.money(lower):
        raise at.error(f"{upper} {top.amount} is not above {lower}")
