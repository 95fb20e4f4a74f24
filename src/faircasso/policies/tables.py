"""The rate and tariff tables the rules read, and how they are loaded.

Figures that change over time (the collection-cost scale, the VAT rate,
statutory interest rates, court fees, bailiff tariffs, the cap on stacked
costs) live in CSV files shipped in ``faircasso/policies/data``. They are
read once, checked row by row (see :mod:`faircasso.policies.table_parsing`),
and handed to the rules as one :class:`PolicyTables` value.

A user with newer figures loads their own file and passes it on::

    tables = default_tables().replace(load_table("interest_consumer", path))
    statutory_interest(..., tables=tables)

Every rule records the rows it used, so a result keeps its figures even when
the tables are replaced later.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

from faircasso.domain.errors import (
    InvalidValueError,
    NoRateInForceError,
    PolicyTableError,
)
from faircasso.policies.dates import add_months
from faircasso.policies.table_format import (
    Column,
    ColumnKind,
    Row,
    TableSpec,
    rows_text,
)
from faircasso.policies.table_parsing import parse_rows

MONEY, RATE, COUNT, TEXT = (
    ColumnKind.MONEY,
    ColumnKind.RATE,
    ColumnKind.COUNT,
    ColumnKind.TEXT,
)
ECB_MARGIN = Decimal("0.08")
"""Points added to the ECB main refinancing rate, art. 6:120(2) BW."""


def _commercial_rate_check(row: Row) -> str | None:
    """The commercial rate must be the ECB rate plus eight points."""
    expected = row.decimal("ecb_rate") + ECB_MARGIN
    if row.decimal("rate") != expected:
        return (
            f"rate {row.values['rate']} is not ecb_rate {row.values['ecb_rate']} "
            f"plus {ECB_MARGIN}"
        )
    return None


SPECS: Mapping[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "bik_scale",
            (
                Column("tier_from", MONEY),
                Column("tier_to", MONEY, optional=True),
                Column("rate", RATE),
            ),
            key=("tier_from",),
            brackets=("tier_from", "tier_to"),
        ),
        TableSpec("bik_limits", (Column("minimum", MONEY), Column("maximum", MONEY))),
        TableSpec("vat_general", (Column("rate", RATE),)),
        TableSpec("commercial_minimum", (Column("amount", MONEY),)),
        TableSpec(
            "wki_cap",
            (
                Column("claim_below", MONEY),
                Column("cap", MONEY),
                Column("window_months", COUNT),
            ),
        ),
        TableSpec(
            "interest_consumer",
            (Column("rate", RATE),),
            continuous=True,
            refresh_months=6,
        ),
        TableSpec(
            "interest_commercial",
            (Column("ecb_rate", RATE), Column("rate", RATE)),
            continuous=True,
            refresh_months=6,
            row_check=_commercial_rate_check,
        ),
        TableSpec(
            "court_fees",
            (
                Column("claim_over", MONEY),
                Column("claim_up_to", MONEY, optional=True),
                Column("legal_person", MONEY),
                Column("natural_person", MONEY),
                Column("low_income", MONEY),
            ),
            key=("claim_over",),
            brackets=("claim_over", "claim_up_to"),
            refresh_months=12,
        ),
        TableSpec(
            "bailiff_tariffs",
            (Column("act", TEXT), Column("amount", MONEY)),
            key=("act",),
            refresh_months=12,
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Period:
    """A stretch of days ``[start, end)`` over which one row is in force."""

    start: date
    end: date
    row: Row

    @property
    def days(self) -> int:
        """The number of days from ``start`` up to but not including ``end``."""
        return (self.end - self.start).days


@dataclass(frozen=True, slots=True)
class Table:
    """The checked rows of one table, with lookups by date."""

    spec: TableSpec
    rows: tuple[Row, ...]
    source: str = ""
    _texts: dict[tuple[int, ...], tuple[tuple[Row, ...], str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def name(self) -> str:
        """The table's name, such as ``interest_consumer``."""
        return self.spec.name

    def version_on(self, on: date) -> tuple[Row, ...]:
        """All rows in force on ``on``; NoRateInForceError before the first."""
        starts = [row.effective_from for row in self.rows]
        index = bisect.bisect_right(starts, on)
        if index == 0:
            raise NoRateInForceError(self.name, on)

        effective_from = starts[index - 1]
        version = tuple(r for r in self.rows if r.effective_from == effective_from)
        last_day = version[-1].effective_to
        if last_day is not None and on > last_day:
            raise NoRateInForceError(self.name, on)
        return version

    def rate_on(self, on: date) -> Row:
        """The one row of a series table in force on ``on``."""
        version = self.version_on(on)
        if len(version) != 1:
            raise PolicyTableError(
                self.source or self.name,
                None,
                f"has {len(version)} rows in force on {on}; a single rate was asked",
            )
        return version[0]

    def row_for(self, on: date, key: str) -> Row:
        """The row in force on ``on`` whose key column holds ``key``."""
        for row in self.version_on(on):
            if tuple(row.values[name] for name in self.spec.key) == (key,):
                return row
        raise NoRateInForceError(f"{self.name} {key}", on)

    def periods(self, start: date, end: date) -> tuple[Period, ...]:
        """Split ``[start, end)`` at every date a new row comes into force."""
        if end < start:
            raise InvalidValueError(
                "period", f"{start} to {end}", "an end on or after the start"
            )
        result = []
        day = start
        while day < end:
            row = self.rate_on(day)
            following = self._start_after(row)
            until = min(end, following) if following else end
            result.append(Period(day, until, row))
            day = until
        return tuple(result)

    def _start_after(self, row: Row) -> date | None:
        """The first day after ``row`` on which another row is in force."""
        later = [
            r.effective_from for r in self.rows if r.effective_from > row.effective_from
        ]
        if later:
            return later[0]
        if row.effective_to is not None:
            return row.effective_to + timedelta(days=1)
        return None

    def caveats(self, row: Row, on: date) -> tuple[str, ...]:
        """What makes using ``row`` on ``on`` uncertain, in words."""
        notes = []
        if not row.confirmed:
            values = ", ".join(f"{k} {v}" for k, v in row.values.items() if v)
            notes.append(f"{row.label} ({values}) is not confirmed by its sources")
        months = self.spec.refresh_months
        if months is not None and on >= add_months(row.effective_from, months):
            notes.append(
                f"{row.label} used on {on}, after the update due every {months} "
                "months; no newer row was loaded"
            )
        return tuple(notes)

    def caveats_of(self, rows: Sequence[Row], on: date) -> tuple[str, ...]:
        """The caveats of every row in ``rows``, each once."""
        notes = (note for row in rows for note in self.caveats(row, on))
        return tuple(dict.fromkeys(notes))

    def recorded(self, rows: Sequence[Row]) -> dict[str, str]:
        """The rows a rule used, as one recorded input ``table:<name>``."""
        unique = _unique(rows)
        # Keyed by the rows' identity; the cache holds the rows, so an id is
        # never reused for another row while its text is kept.
        key = tuple(id(row) for row in unique)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = (tuple(unique), rows_text(self.spec, unique))
        return {f"table:{self.name}": found[1]}


def _unique(rows: Sequence[Row]) -> list[Row]:
    """The rows in order, each once."""
    result: list[Row] = []
    for row in rows:
        if row not in result:
            result.append(row)
    return result


@dataclass(frozen=True, slots=True)
class PolicyTables:
    """Every table the rules read, one field per table name."""

    bik_scale: Table
    bik_limits: Table
    vat_general: Table
    commercial_minimum: Table
    wki_cap: Table
    interest_consumer: Table
    interest_commercial: Table
    court_fees: Table
    bailiff_tariffs: Table

    def replace(self, table: Table) -> PolicyTables:
        """These tables with ``table`` in place of the one of the same name."""
        return replace(self, **{table.name: table})

    @classmethod
    def from_recorded(cls, inputs: Mapping[str, str]) -> PolicyTables:
        """Tables made only of the rows a record holds; others are empty.

        A rule that reaches for a table the record does not hold finds no row
        in force, so a recomputation never silently uses today's tables.
        """
        tables: dict[str, Table] = {}
        for spec in SPECS.values():
            text = inputs.get(f"table:{spec.name}")
            source = f"recorded {spec.name}"
            rows = parse_rows(spec, text, source) if text else ()
            tables[spec.name] = Table(spec, rows, source)
        return cls(**tables)


def parse_table(name: str, text: str, source: str) -> Table:
    """Check the CSV ``text`` of table ``name``; ``source`` names it in errors."""
    return Table(_spec(name), parse_rows(_spec(name), text, source), source)


def load_table(name: str, path: str | Path | None = None) -> Table:
    """Load table ``name`` from ``path``, or from the package when None."""
    spec = _spec(name)
    if path is None:
        resource = resources.files("faircasso.policies").joinpath(
            "data", spec.file_name
        )
        return parse_table(name, resource.read_text(encoding="utf-8"), spec.file_name)
    return parse_table(name, Path(path).read_text(encoding="utf-8"), str(path))


@cache
def default_tables() -> PolicyTables:
    """The tables shipped with the package, loaded once."""
    names = [field.name for field in fields(PolicyTables)]
    return PolicyTables(**{name: load_table(name) for name in names})


def _spec(name: str) -> TableSpec:
    if name not in SPECS:
        raise InvalidValueError("table name", name, f"one of {', '.join(SPECS)}")
    return SPECS[name]
