"""Hypothesis strategies shared by the tests: amounts, dates and debts."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from faircasso.domain.money import Money
from faircasso.policies.allocation import Debt

FIRST_DAY = date(2015, 1, 1)
LAST_DAY = date(2026, 12, 31)


def money(min_cents: int = 1, max_cents: int = 10_000_000) -> st.SearchStrategy[Money]:
    """EUR amounts from ``min_cents`` to ``max_cents`` cents."""
    return st.integers(min_cents, max_cents).map(Money.from_cents)


def dates(
    min_value: date = FIRST_DAY, max_value: date = LAST_DAY
) -> st.SearchStrategy[date]:
    """Dates within the period the shipped rate tables cover."""
    return st.dates(min_value=min_value, max_value=max_value)


def date_ranges(
    min_value: date = FIRST_DAY,
    max_value: date = LAST_DAY,
    max_days: int = 1500,
) -> st.SearchStrategy[tuple[date, date]]:
    """A start and an end on or after it, at most ``max_days`` apart."""

    def with_end(start: date) -> st.SearchStrategy[tuple[date, date]]:
        room = min(max_days, (max_value - start).days)
        return st.integers(0, room).map(lambda days: (start, start + timedelta(days)))

    return dates(min_value, max_value).flatmap(with_end)


@st.composite
def debts(draw: st.DrawFn, max_size: int = 5) -> list[Debt]:
    """Debts with distinct keys, some sharing a due date so pro rata is tried."""
    count = draw(st.integers(1, max_size))
    due_dates = draw(st.lists(dates(), min_size=1, max_size=3))
    return [
        Debt(
            key=f"D{index}",
            due_date=draw(st.sampled_from(due_dates)),
            costs=draw(money(0, 50_000)),
            interest=draw(money(0, 50_000)),
            principal=draw(money(0, 500_000)),
        )
        for index in range(count)
    ]


def weights(max_size: int = 8) -> st.SearchStrategy[list[int]]:
    """Non-negative split weights, not all zero."""
    return st.lists(st.integers(0, 1_000_000), min_size=1, max_size=max_size).filter(
        any
    )


# -- payment references (formats) ------------------------------------------

RF_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def rf_bodies() -> st.SearchStrategy[str]:
    """Bodies of ISO 11649 creditor references: 1 to 21 letters and digits."""
    return st.text(alphabet=RF_ALPHABET, min_size=1, max_size=21)


def payment_numbers() -> st.SearchStrategy[int]:
    """Numbers that fit a Dutch 16-digit payment reference: up to 15 digits."""
    return st.integers(min_value=0, max_value=10**15 - 1)


# -- cases (engine) ----------------------------------------------------------------


@st.composite
def case_openings(
    draw: st.DrawFn, clients: tuple[str, ...] = ("ACME",)
) -> dict[str, object]:
    """The fields of an open-case command: one to three invoices past due.

    About one invoice in four fell due long enough ago to be time-barred
    on opening, so the rules about limitation are met too.
    """
    invoices = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        old = draw(st.integers(0, 3)) == 0
        first = date(2019, 1, 1) if old else date(2025, 1, 1)
        due = draw(dates(first, date(2025, 12, 31)))
        issued = due - timedelta(days=draw(st.integers(0, 60)))
        invoices.append(
            {
                "number": f"F-{number}",
                "invoice_date": issued.isoformat(),
                "due_date": due.isoformat(),
                "principal": str(draw(money(1, 2_000_000)).amount),
                "consumer_sale": old and draw(st.booleans()),
            }
        )
    kind = draw(st.sampled_from(["consumer", "business"]))
    return {
        "client": draw(st.sampled_from(clients)),
        "reference": "C-4711",
        "debtor": {"name": "Jan de Vries", "kind": kind},
        "invoices": invoices,
    }


def payment_amounts() -> st.SearchStrategy[Money]:
    """Payments from a cent to a few thousand euros, small ones more often."""
    return st.one_of(money(1, 10_000), money(10_000, 500_000))
