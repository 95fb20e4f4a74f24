"""The monthly portfolio report of one client, read from the counters.

The fold keeps, per client, month and metric, a counter of what happened
in that month by business date (see :mod:`faircasso.projections.fold`):
cases opened and closed, phase moves, principal handed in, money
collected, remitted and kept. A report for month M reads that client's
counters up to M once and adds them up in three ways:

- *in the month*: the counters of M alone;
- *at month end*: phase counters are moves (+1 into a phase, -1 out of
  it), so their sum over every month up to M is the number of cases in
  each phase when M ended;
- *to date*: the recovery rate is the principal collected up to the end
  of M divided by the principal handed in up to the end of M (less credit
  notes, which lowered the claims). It is a rate of the whole portfolio
  so far, not of the month: a month in which little was handed in would
  otherwise show a meaningless rate. Reversed payments count back.

Every query filters on the client's id, so a report never counts another
client's cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import select

from faircasso.domain.lifecycle import Phase
from faircasso.domain.money import Money
from faircasso.projections.months import check_month, last_day, months_ending
from faircasso.projections.views import Views

SERIES_MONTHS = 12
RATE_PLACES = Decimal("0.0001")

PHASES: tuple[str, ...] = tuple(phase.value for phase in Phase)
"""Every phase, in the order a case usually meets them."""


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One month of the chart: money collected in it, cases per phase at its end."""

    month: str
    collected: Money
    phases: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class PortfolioReport:
    """What happened to one client's portfolio in one month.

    Amounts are money of the month by business date: ``collected`` is
    what debtors paid less any surplus and less payments the bank
    reversed, split into ``remitted`` (to the client) and ``kept`` (by the
    agency: collection costs and fees). ``credited`` is principal the
    client's credit notes took off. ``phases`` counts cases per phase at
    the end of the month, every phase present. ``recovery_rate`` is to
    date, not of the month: ``principal_collected_to_date`` over
    ``principal_in_to_date`` (handed in up to month end, less credit
    notes), rounded half-even to four places; None while that is zero.
    ``series`` holds the twelve months ending with ``month``, oldest first.
    """

    client_id: UUID
    client_code: str
    month: str
    month_end: date
    opened: int
    closed: Mapping[str, int]
    phases: Mapping[str, int]
    payments: int
    reversals: int
    collected: Money
    remitted: Money
    kept: Money
    principal_in: Money
    credited: Money
    handling_fees: Money
    principal_in_to_date: Money
    principal_collected_to_date: Money
    recovery_rate: Decimal | None
    series: tuple[MonthFigures, ...]

    @property
    def closed_total(self) -> int:
        """Cases closed in the month, for any reason."""
        return sum(self.closed.values())


def monthly_report(views: Views, client_id: UUID, month: str) -> PortfolioReport:
    """The portfolio report of ``client_id`` for ``month`` (``YYYY-MM``).

    Refuses a month not written ``YYYY-MM`` with
    :class:`~faircasso.domain.errors.InvalidValueError`. A client without
    cases gets a report of zeros.
    """
    check_month(month)
    counters = _counters(views, client_id, month)
    this = counters.get(month, {})
    to_date = _sums(counters.values())
    principal_in = to_date.get("principal_in_cents", 0) - to_date.get(
        "principal_credited_cents", 0
    )
    collected = to_date.get("principal_collected_cents", 0)
    return PortfolioReport(
        client_id=client_id,
        client_code=_client_code(views, client_id),
        month=month,
        month_end=last_day(month),
        opened=this.get("opened", 0),
        closed=_closed(this),
        phases=_phases(to_date),
        payments=this.get("payments", 0),
        reversals=this.get("reversals", 0),
        collected=_money(this, "collected_cents"),
        remitted=_money(this, "remitted_cents"),
        kept=_money(this, "agency_cents"),
        principal_in=_money(this, "principal_in_cents"),
        credited=_money(this, "principal_credited_cents"),
        handling_fees=_money(this, "handling_fee_cents"),
        principal_in_to_date=Money.from_cents(principal_in),
        principal_collected_to_date=Money.from_cents(collected),
        recovery_rate=_rate(collected, principal_in),
        series=_series(counters, month),
    )


Counters = dict[str, dict[str, int]]
"""Counter values by month, then metric."""


def _counters(views: Views, client_id: UUID, month: str) -> Counters:
    """Every counter of the client up to and including ``month``."""
    table = views.tables().portfolio
    query = select(table.c.month, table.c.metric, table.c.value).where(
        table.c.client_id == client_id.hex, table.c.month <= month
    )
    found: Counters = defaultdict(dict)
    with views.connect() as conn:
        for row_month, metric, value in conn.execute(query):
            found[row_month][metric] = int(value)
    return found


def _client_code(views: Views, client_id: UUID) -> str:
    """The client's code as its cases carry it, else as it was registered;
    empty for an id no client has."""
    table = views.tables().case_status
    query = (
        select(table.c.client_code).where(table.c.client_id == client_id.hex).limit(1)
    )
    with views.connect() as conn:
        found = conn.execute(query).scalar()
    if found:
        return str(found)
    try:
        client: Any = views.store.repository.get(client_id)
    except AggregateNotFoundError:
        return ""
    return str(getattr(client, "code", ""))


def _sums(months: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for metrics in months:
        for metric, value in metrics.items():
            total[metric] += value
    return total


def _money(metrics: Mapping[str, int], metric: str) -> Money:
    return Money.from_cents(metrics.get(metric, 0))


def _closed(metrics: Mapping[str, int]) -> dict[str, int]:
    """Cases closed in a month by reason, reasons sorted, none with zero."""
    prefix = "closed:"
    return {
        metric[len(prefix) :]: value
        for metric, value in sorted(metrics.items())
        if metric.startswith(prefix) and value
    }


def _phases(to_date: Mapping[str, int]) -> dict[str, int]:
    return {phase: to_date.get(f"phase:{phase}", 0) for phase in PHASES}


def _rate(collected_cents: int, principal_in_cents: int) -> Decimal | None:
    if principal_in_cents <= 0:
        return None
    ratio = Decimal(collected_cents) / Decimal(principal_in_cents)
    return ratio.quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)


def _series(counters: Counters, month: str) -> tuple[MonthFigures, ...]:
    """The chart's months: phase moves before the first are summed in first."""
    months = months_ending(month, SERIES_MONTHS)
    before = _sums(m for k, m in counters.items() if k < months[0])
    running = {phase: before.get(f"phase:{phase}", 0) for phase in PHASES}
    series = []
    for each in months:
        metrics = counters.get(each, {})
        for phase in PHASES:
            running[phase] += metrics.get(f"phase:{phase}", 0)
        series.append(
            MonthFigures(each, _money(metrics, "collected_cents"), dict(running))
        )
    return tuple(series)
