"""Limitation (verjaring): the day a claim becomes time-barred.

A claim for payment under a contract is time-barred five years after the
period started, the price in a consumer sale (consumentenkoop) after two
(arts. 3:307 and 7:28 BW). The period starts the day after the claim became
due. A written reminder or an acknowledgment interrupts it (stuiting, arts.
3:317 and 3:318 BW): a new period of the same length, never longer than
five years, starts the day after, and it never ends earlier than the period
that was running (art. 3:319 BW).

Dates: a period of N years starting the day after ``due_date`` runs up to
and including the same calendar day N years after ``due_date``; the claim is
time-barred from the day after that. An interruption on or after that day
comes too late: limitation, once complete, is not undone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from faircasso.domain.errors import InvalidValueError
from faircasso.policies.canonical import (
    date_text,
    flag_text,
    list_text,
    parse_date,
    parse_flag,
    parse_list,
)
from faircasso.policies.dates import add_years
from faircasso.policies.provenance import RuleApplication

RULE = "limitation_date"
VERSION = "1"
YEARS = 5
CONSUMER_SALE_YEARS = 2
MAX_NEW_PERIOD_YEARS = 5
_ONE_DAY = dt.timedelta(days=1)

# Limitation: extension while a ground of art. 3:320-3:321 BW exists (spouses,
# representatives, a hidden debt) is not modelled; the caller must check it.


@dataclass(frozen=True, slots=True)
class LimitationResult:
    """When a claim becomes time-barred, and which interruptions counted.

    ``date`` is the first day on which the claim is time-barred.
    """

    date: dt.date
    period_years: int
    interruptions_applied: tuple[dt.date, ...]
    interruptions_too_late: tuple[dt.date, ...]
    record: RuleApplication


def limitation_date(
    due_date: dt.date,
    *,
    consumer_sale: bool,
    interruptions: Sequence[dt.date] = (),
) -> LimitationResult:
    """The day the claim due on ``due_date`` becomes time-barred."""
    years = CONSUMER_SALE_YEARS if consumer_sale else YEARS
    barred_on = add_years(due_date, years) + _ONE_DAY
    steps = [
        f"period of {years} years from {date_text(due_date + _ONE_DAY)}: "
        f"time-barred on {date_text(barred_on)}"
    ]
    applied: list[dt.date] = []
    too_late: list[dt.date] = []

    for day in sorted(interruptions):
        _check_interruption(day, due_date)
        if day >= barred_on:
            too_late.append(day)
            steps.append(
                f"{date_text(day)}: too late, the claim was already time-barred"
            )
            continue
        renewed = add_years(day, min(years, MAX_NEW_PERIOD_YEARS)) + _ONE_DAY
        barred_on = max(barred_on, renewed)
        applied.append(day)
        steps.append(
            f"{date_text(day)}: interrupted; time-barred on {date_text(barred_on)}"
        )

    record = _record(due_date, consumer_sale, interruptions, barred_on, steps)
    return LimitationResult(barred_on, years, tuple(applied), tuple(too_late), record)


def is_time_barred(result: LimitationResult, on: dt.date) -> bool:
    """True when the claim is time-barred on ``on``."""
    return on >= result.date


def _check_interruption(day: dt.date, due_date: dt.date) -> None:
    if day < due_date:
        raise InvalidValueError(
            "interruption",
            date_text(day),
            f"a date on or after the due date {date_text(due_date)}",
        )


def _record(
    due_date: dt.date,
    consumer_sale: bool,
    interruptions: Sequence[dt.date],
    barred_on: dt.date,
    steps: Sequence[str],
) -> RuleApplication:
    basis = "arts. 3:307, 3:317, 3:318 and 3:319 BW"
    if consumer_sale:
        basis += "; art. 7:28 BW (consumer sale)"
    return RuleApplication(
        rule=RULE,
        version=VERSION,
        legal_basis=basis,
        inputs={
            "due_date": date_text(due_date),
            "consumer_sale": flag_text(consumer_sale),
            "interruptions": list_text([date_text(day) for day in interruptions]),
        },
        result=f"time-barred on {date_text(barred_on)}",
        breakdown=tuple(steps),
        sources=("S4", "S5", "S68"),
    )


def rerun(inputs: Mapping[str, str]) -> RuleApplication:
    """Recompute a recorded limitation date from its recorded inputs."""
    days = [
        parse_date({"interruption": str(text)}, "interruption")
        for text in parse_list(inputs, "interruptions")
    ]
    return limitation_date(
        parse_date(inputs, "due_date"),
        consumer_sale=parse_flag(inputs, "consumer_sale"),
        interruptions=days,
    ).record
