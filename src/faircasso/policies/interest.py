"""Statutory interest (wettelijke rente), consumer and commercial.

Interest runs on the principal at the statutory rate in force each day:
art. 6:119 BW for consumers and other non-commercial debts, art. 6:119a BW
(the ECB rate plus eight points) for commercial transactions. After each
full year, counted from the day interest started, that year's interest is
added to the amount interest runs on (compounding, arts. 6:119(2) and
6:119a(3) BW).

Conventions, taken from practice [S45][S46] and written down in
``docs/rules.md``:

- days are counted from ``start`` up to but not including ``end``; to count
  the day of payment too, pass the day after it;
- actual/365: a day's interest is 1/365 of the yearly rate, in leap years
  too (UNCONFIRMED; ``DayCount.ACTUAL_ACTUAL`` uses 1/366 in a leap year);
- a period is split where the rate changes and at each anniversary;
- line amounts stay exact; the total is their exact sum rounded half up to
  cents once, at the end;
- at an anniversary the interest so far, rounded half up to cents, is added
  to the base, as the reference's worked example does (EUR 68.38).

The running-balance functions (:func:`accrue_interest` and the payments)
keep the same arithmetic for the case engine, one step at a time.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum
from itertools import pairwise

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money
from faircasso.domain.values import require_eur, require_positive
from faircasso.policies.canonical import (
    date_text,
    money_text,
    parse_date,
    parse_money,
    percent_text,
)
from faircasso.policies.dates import anniversaries
from faircasso.policies.guards import require_not_negative
from faircasso.policies.provenance import RuleApplication
from faircasso.policies.tables import Period, PolicyTables, Table, default_tables

VERSION = "1"
_EXACT = Context(prec=34, rounding=ROUND_HALF_UP)
LEAP_YEAR_NOTE = "the day count in leap years (1/365 used; 1/366 is the alternative)"


class InterestKind(StrEnum):
    """Which statutory rate applies."""

    CONSUMER = "consumer"
    COMMERCIAL = "commercial"

    @property
    def legal_basis(self) -> str:
        """The articles that set this kind of interest."""
        if self is InterestKind.CONSUMER:
            return "arts. 6:119 and 6:120(1) BW"
        return "arts. 6:119a and 6:120(2) BW"

    def table(self, tables: PolicyTables) -> Table:
        """The rate table of this kind."""
        if self is InterestKind.CONSUMER:
            return tables.interest_consumer
        return tables.interest_commercial


class DayCount(StrEnum):
    """How a day's share of the yearly rate is counted."""

    ACTUAL_365 = "actual/365"
    ACTUAL_ACTUAL = "actual/actual"


@dataclass(frozen=True, slots=True)
class InterestLine:
    """One stretch of days at one rate on one base, from ``start`` to ``end``.

    ``exact`` is the unrounded interest; ``amount`` is it rounded half up,
    for people to read. Totals are made from ``exact``.
    """

    start: date
    end: date
    days: int
    rate: Decimal
    base: Money
    exact: Decimal
    amount: Money


@dataclass(frozen=True, slots=True)
class InterestResult:
    """Interest over a period: the total and one line per stretch."""

    amount: Money
    lines: tuple[InterestLine, ...]
    record: RuleApplication


@dataclass(frozen=True, slots=True)
class InterestState:
    """The interest position of one debt, for accruing step by step.

    ``principal`` is the principal still outstanding; ``unpaid_interest`` is
    interest accrued and not yet paid; ``capitalised`` is the part of it that
    was added to the base at an anniversary of ``anchor`` (so interest runs on
    ``principal + capitalised``); ``accrued_to`` is the day interest has been
    counted up to, not including it.
    """

    principal: Money
    capitalised: Money
    unpaid_interest: Money
    anchor: date
    accrued_to: date

    def __post_init__(self) -> None:
        for name in ("principal", "capitalised", "unpaid_interest"):
            require_not_negative(getattr(self, name), name)
        if self.capitalised > self.unpaid_interest:
            raise InvalidValueError(
                "capitalised interest",
                str(self.capitalised),
                f"at most the unpaid interest {self.unpaid_interest}",
            )
        if self.accrued_to < self.anchor:
            raise InvalidValueError(
                "accrued_to",
                date_text(self.accrued_to),
                f"a date on or after the anchor {date_text(self.anchor)}",
            )

    @classmethod
    def starting(cls, principal: Money, start: date) -> InterestState:
        """A debt on which interest starts to run on ``start``."""
        require_not_negative(principal, "principal")
        # Nothing is accrued and accrual starts at the anchor, so the other
        # checks hold by construction; every invoice taken in comes here.
        state = object.__new__(cls)
        zero = Money.zero()
        for name, value in (
            ("principal", principal),
            ("capitalised", zero),
            ("unpaid_interest", zero),
            ("anchor", start),
            ("accrued_to", start),
        ):
            object.__setattr__(state, name, value)
        return state

    @property
    def base(self) -> Money:
        """The amount interest runs on."""
        return self.principal + self.capitalised


def statutory_interest(
    principal: Money,
    *,
    kind: InterestKind,
    start: date,
    end: date,
    day_count: DayCount = DayCount.ACTUAL_365,
    tables: PolicyTables | None = None,
) -> InterestResult:
    """Interest on ``principal`` from ``start`` up to but not including ``end``."""
    require_positive(principal, "the principal")
    _check_order(start, end, "end")
    tables = tables or default_tables()
    walk = _walk(InterestState.starting(principal, start), kind, end, day_count, tables)
    amount = Money.of_rounded(sum((line.exact for line in walk.lines), Decimal(0)))

    inputs = {
        "principal": money_text(principal),
        "kind": kind.value,
        "start": date_text(start),
        "end": date_text(end),
        "day_count": day_count.value,
    }
    record = _record(
        "statutory_interest", inputs, walk, kind=kind, amount=amount, tables=tables
    )
    return InterestResult(amount, walk.lines, record)


def accrue_interest(
    state: InterestState,
    *,
    kind: InterestKind,
    until: date,
    day_count: DayCount = DayCount.ACTUAL_365,
    tables: PolicyTables | None = None,
) -> tuple[InterestResult, InterestState]:
    """Accrue interest from ``state.accrued_to`` up to but not including ``until``.

    At each anniversary of ``state.anchor`` passed, the interest accrued so
    far is rounded to cents and all unpaid interest becomes capitalised. The
    result's amount is what was added to the unpaid interest.
    """
    _check_order(state.accrued_to, until, "until")
    tables = tables or default_tables()
    walk = _walk(state, kind, until, day_count, tables)
    amount = walk.state.unpaid_interest - state.unpaid_interest

    inputs = {
        "principal": money_text(state.principal),
        "capitalised": money_text(state.capitalised),
        "unpaid_interest": money_text(state.unpaid_interest),
        "anchor": date_text(state.anchor),
        "accrued_to": date_text(state.accrued_to),
        "kind": kind.value,
        "until": date_text(until),
        "day_count": day_count.value,
    }
    record = _record(
        "accrue_interest", inputs, walk, kind=kind, amount=amount, tables=tables
    )
    return InterestResult(amount, walk.lines, record), walk.state


def apply_interest_payment(state: InterestState, paid: Money) -> InterestState:
    """The state after ``paid`` went to interest.

    The oldest interest goes first: the capitalised part is reduced before
    the interest of the running year, which lowers the base for the debtor.
    """
    _check_payment(paid, state.unpaid_interest, "interest payment", "unpaid interest")
    capitalised = (state.capitalised - paid).max(Money.zero())
    return replace(
        state, unpaid_interest=state.unpaid_interest - paid, capitalised=capitalised
    )


def apply_principal_payment(state: InterestState, paid: Money) -> InterestState:
    """The state after ``paid`` went to principal; accrue up to the payment first."""
    _check_payment(paid, state.principal, "principal payment", "principal")
    return replace(state, principal=state.principal - paid)


def _check_payment(paid: Money, available: Money, field: str, what: str) -> None:
    require_eur(paid, f"the {field}")
    if paid.is_negative() or paid > available:
        raise InvalidValueError(
            field, str(paid), f"EUR 0.00 up to the {what} of {available}"
        )


def _check_order(start: date, end: date, name: str) -> None:
    if end < start:
        raise InvalidValueError(
            name, date_text(end), f"a date on or after {date_text(start)}"
        )


@dataclass(frozen=True, slots=True)
class _Segment:
    """Days at one rate on one base; ``compounds`` when it ends on an anniversary."""

    start: date
    end: date
    rate: Decimal
    compounds: bool


@dataclass(frozen=True, slots=True)
class _Walk:
    """The lines of one accrual, the table periods it used, and the new state."""

    lines: tuple[InterestLine, ...]
    periods: tuple[Period, ...]
    capitalisations: tuple[tuple[date, Money], ...]
    state: InterestState


def _walk(
    state: InterestState,
    kind: InterestKind,
    until: date,
    day_count: DayCount,
    tables: PolicyTables,
) -> _Walk:
    """Accrue segment by segment, capitalising at each anniversary passed.

    The interest of the whole step is kept exact and rounded once; at an
    anniversary the unpaid interest, with the step's interest so far rounded,
    becomes the capitalised part of the base.
    """
    periods = kind.table(tables).periods(state.accrued_to, until)
    unpaid_before = state.unpaid_interest
    lines: list[InterestLine] = []
    capitalisations: list[tuple[date, Money]] = []
    accrued = Decimal(0)

    for segment in _segments(periods, state.anchor, day_count):
        line = _line(segment, state.base, day_count)
        lines.append(line)
        accrued = _EXACT.add(accrued, line.exact)
        if segment.compounds:
            unpaid = unpaid_before + Money.of_rounded(accrued)
            state = replace(state, unpaid_interest=unpaid, capitalised=unpaid)
            capitalisations.append((segment.end, unpaid))

    unpaid = unpaid_before + Money.of_rounded(accrued)
    state = replace(state, unpaid_interest=unpaid, accrued_to=until)
    return _Walk(tuple(lines), periods, tuple(capitalisations), state)


def _segments(
    periods: Sequence[Period], anchor: date, day_count: DayCount
) -> list[_Segment]:
    """Cut the periods where the rate changes, at anniversaries, and at years."""
    if not periods:
        return []
    start, end = periods[0].start, periods[-1].end
    compounding = set(anniversaries(anchor, start, end))
    cuts = set(compounding)
    cuts |= {b.start for a, b in pairwise(periods) if _rate(a) != _rate(b)}
    if day_count is DayCount.ACTUAL_ACTUAL:
        cuts |= {date(year, 1, 1) for year in range(start.year + 1, end.year + 1)}

    points = [start, *sorted(cut for cut in cuts if start < cut < end), end]
    return [
        _Segment(a, b, _rate_on(periods, a), b in compounding)
        for a, b in pairwise(points)
    ]


def _rate(period: Period) -> Decimal:
    return period.row.decimal("rate")


def _rate_on(periods: Sequence[Period], day: date) -> Decimal:
    return next(_rate(p) for p in periods if p.start <= day < p.end)


def _line(segment: _Segment, base: Money, day_count: DayCount) -> InterestLine:
    """The exact interest of one segment."""
    days = (segment.end - segment.start).days
    year_days = 365
    if day_count is DayCount.ACTUAL_ACTUAL and calendar.isleap(segment.start.year):
        year_days = 366
    product = _EXACT.multiply(_EXACT.multiply(base.amount, segment.rate), days)
    exact = _EXACT.divide(product, year_days)
    return InterestLine(
        segment.start,
        segment.end,
        days,
        segment.rate,
        base,
        exact,
        Money.of_rounded(exact),
    )


def _record(
    rule: str,
    inputs: dict[str, str],
    walk: _Walk,
    *,
    kind: InterestKind,
    amount: Money,
    tables: PolicyTables,
) -> RuleApplication:
    table = kind.table(tables)
    rows = [period.row for period in walk.periods]
    unconfirmed = [
        note
        for period in walk.periods
        for note in table.caveats(period.row, period.end - timedelta(days=1))
    ]
    if inputs["day_count"] == DayCount.ACTUAL_365.value and _has_leap_day(walk):
        unconfirmed.append(LEAP_YEAR_NOTE)

    return RuleApplication(
        rule=rule,
        version=VERSION,
        legal_basis=kind.legal_basis,
        inputs={**inputs, **table.recorded(rows)} if rows else inputs,
        result=money_text(amount),
        breakdown=_breakdown(walk, amount),
        sources=tuple(dict.fromkeys(["S3", *(k for r in rows for k in r.sources)])),
        unconfirmed=tuple(dict.fromkeys(unconfirmed)),
    )


def _has_leap_day(walk: _Walk) -> bool:
    """True when a 29 February lies in the accrued days."""
    if not walk.lines:
        return False
    start, end = walk.lines[0].start, walk.lines[-1].end
    return any(
        calendar.isleap(year) and start <= date(year, 2, 29) < end
        for year in range(start.year, end.year + 1)
    )


def _breakdown(walk: _Walk, amount: Money) -> tuple[str, ...]:
    lines = [
        f"{date_text(line.start)} to {date_text(line.end)}: {line.days} days at "
        f"{percent_text(line.rate)} on {line.base} = {line.exact:.6f}"
        for line in walk.lines
    ]
    lines += [
        f"{date_text(day)}: unpaid interest {unpaid} added to the base"
        for day, unpaid in walk.capitalisations
    ]
    return (*lines, f"total {amount}")


def rerun_statutory_interest(
    inputs: Mapping[str, str], tables: PolicyTables
) -> RuleApplication:
    """Recompute a recorded ``statutory_interest`` result."""
    return statutory_interest(
        parse_money(inputs, "principal"),
        kind=InterestKind(inputs["kind"]),
        start=parse_date(inputs, "start"),
        end=parse_date(inputs, "end"),
        day_count=DayCount(inputs["day_count"]),
        tables=tables,
    ).record


def rerun_accrue_interest(
    inputs: Mapping[str, str], tables: PolicyTables
) -> RuleApplication:
    """Recompute a recorded ``accrue_interest`` result."""
    state = InterestState(
        principal=parse_money(inputs, "principal"),
        capitalised=parse_money(inputs, "capitalised"),
        unpaid_interest=parse_money(inputs, "unpaid_interest"),
        anchor=parse_date(inputs, "anchor"),
        accrued_to=parse_date(inputs, "accrued_to"),
    )
    result, _ = accrue_interest(
        state,
        kind=InterestKind(inputs["kind"]),
        until=parse_date(inputs, "until"),
        day_count=DayCount(inputs["day_count"]),
        tables=tables,
    )
    return result.record
