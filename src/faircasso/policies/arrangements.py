"""Payment arrangements: instalment schedules, default, and a fitting plan.

A debtor may pay in instalments only with the creditor's consent (art. 6:29
BW), so an arrangement is an agreement and its schedule is recorded.

Instalments are equal to the cent; when the total does not divide evenly,
the first instalments are one cent higher, so the debtor pays the odd cents
early and every instalment differs from another by at most one cent. Due
dates step by whole months from the first and keep its day of the month
where a month has it, else the month's last day (31 January, 28 February,
31 March, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money
from faircasso.domain.values import require_eur, require_positive
from faircasso.policies.canonical import (
    date_text,
    money_text,
    parse_date,
    parse_int,
    parse_money,
)
from faircasso.policies.dates import add_months
from faircasso.policies.provenance import RuleApplication

VERSION = "1"
BASIS = "art. 6:29 BW (instalments by agreement)"
MAX_INSTALMENTS = 600


@dataclass(frozen=True, slots=True)
class Instalment:
    """One instalment: its number (from 1), due date and amount."""

    number: int
    due_on: date
    amount: Money


@dataclass(frozen=True, slots=True)
class Schedule:
    """Instalments that add up to ``total`` to the cent."""

    total: Money
    instalments: tuple[Instalment, ...]
    record: RuleApplication


@dataclass(frozen=True, slots=True)
class InstalmentSuggestion:
    """The fewest monthly instalments within the debtor's capacity.

    ``count`` is the number of months needed (None when there is no
    capacity at all); ``fits`` says whether that is within the maximum;
    ``instalment`` is the largest instalment of such a plan.
    """

    fits: bool
    count: int | None
    instalment: Money | None
    record: RuleApplication


def instalment_schedule(
    total: Money, *, count: int, first_due: date, interval_months: int = 1
) -> Schedule:
    """Split ``total`` into ``count`` instalments every ``interval_months``."""
    require_positive(total, "the arrangement total")
    _check_range("instalment count", count, 1, min(MAX_INSTALMENTS, total.cents))
    _check_range("interval in months", interval_months, 1, 12)

    whole, odd_cents = divmod(total.cents, count)
    instalments = tuple(
        Instalment(
            number=index + 1,
            due_on=add_months(first_due, index * interval_months),
            amount=Money.from_cents(whole + (1 if index < odd_cents else 0)),
        )
        for index in range(count)
    )
    if sum(i.amount.cents for i in instalments) != total.cents:
        raise ArithmeticError(f"schedule of {total} does not add up")

    record = RuleApplication(
        rule="instalment_schedule",
        version=VERSION,
        legal_basis=BASIS,
        inputs={
            "total": money_text(total),
            "count": str(count),
            "first_due": date_text(first_due),
            "interval_months": str(interval_months),
        },
        result=f"{count} instalments from {date_text(first_due)}",
        breakdown=(_schedule_words(whole, odd_cents, count),),
    )
    return Schedule(total, instalments, record)


def _schedule_words(whole: int, odd_cents: int, count: int) -> str:
    even = f"{count - odd_cents} of {Money.from_cents(whole)}"
    if not odd_cents:
        return even
    return f"{odd_cents} of {Money.from_cents(whole + 1)} first, then {even}"


def is_in_default(missed: int, tolerance: int) -> bool:
    """True when more instalments were missed than the agreement tolerates."""
    _check_range("missed instalments", missed, 0, MAX_INSTALMENTS)
    _check_range("tolerance", tolerance, 0, MAX_INSTALMENTS)
    return missed > tolerance


def suggest_instalments(
    total: Money, monthly_capacity: Money, max_months: int = 36
) -> InstalmentSuggestion:
    """The shortest monthly plan the debtor can carry, and whether it fits."""
    require_positive(total, "the arrangement total")
    require_eur(monthly_capacity, "the monthly capacity")
    _check_range("maximum months", max_months, 1, MAX_INSTALMENTS)

    count = instalment = None
    if monthly_capacity.is_positive():
        count = -(-total.cents // monthly_capacity.cents)
        instalment = Money.from_cents(-(-total.cents // count))
    fits = count is not None and count <= max_months

    record = RuleApplication(
        rule="suggest_instalments",
        version=VERSION,
        legal_basis=BASIS,
        inputs={
            "total": money_text(total),
            "monthly_capacity": money_text(monthly_capacity),
            "max_months": str(max_months),
        },
        result=f"{count} months, fits: {fits}" if count else "no capacity",
        breakdown=(_suggestion_words(total, monthly_capacity, count, max_months),),
    )
    return InstalmentSuggestion(fits, count, instalment, record)


def _suggestion_words(
    total: Money, capacity: Money, count: int | None, max_months: int
) -> str:
    if count is None:
        return f"no monthly capacity to pay {total}"
    verdict = "within" if count <= max_months else "beyond"
    return (
        f"{total} at most {capacity} a month takes {count} months, {verdict} "
        f"the maximum of {max_months}"
    )


def _check_range(field: str, value: int, low: int, high: int) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not low <= value <= high
    ):
        raise InvalidValueError(field, value, f"a whole number from {low} to {high}")


def rerun_instalment_schedule(inputs: Mapping[str, str]) -> RuleApplication:
    """Recompute a recorded ``instalment_schedule`` result."""
    return instalment_schedule(
        parse_money(inputs, "total"),
        count=parse_int(inputs, "count"),
        first_due=parse_date(inputs, "first_due"),
        interval_months=parse_int(inputs, "interval_months"),
    ).record


def rerun_suggest_instalments(inputs: Mapping[str, str]) -> RuleApplication:
    """Recompute a recorded ``suggest_instalments`` result."""
    return suggest_instalments(
        parse_money(inputs, "total"),
        parse_money(inputs, "monthly_capacity"),
        parse_int(inputs, "max_months"),
    ).record
