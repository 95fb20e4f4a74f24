"""The 14-day letter: when its payment term ends and costs may follow.

A consumer owes collection costs only after a reminder that gave fourteen
days to pay, counted from the day after the letter was received, has passed
without payment (art. 6:96(6) BW). Receipt is assumed on the second postal
day after sending: Sundays, Mondays and public holidays in between do not
count (HR 25 November 2016, ECLI:NL:HR:2016:2704).

Worked through for a letter sent on Thursday 2 January 2025: Friday the 3rd
is the first postal day, Saturday the 4th the second, so it is delivered on
the 4th; the fourteen days run from the 5th up to and including the 18th;
costs are due from the 19th.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from faircasso.policies.canonical import date_text, parse_date
from faircasso.policies.holidays import postal_days_after
from faircasso.policies.provenance import RuleApplication

RULE = "fourteen_day_term"
VERSION = "1"
LEGAL_BASIS = "art. 6:96(6) BW; HR 25 November 2016, ECLI:NL:HR:2016:2704"
SOURCES = ("S3", "S7", "S8", "S9", "S10")
DELIVERY_POSTAL_DAYS = 2
TERM_DAYS = 14


@dataclass(frozen=True, slots=True)
class LetterTerm:
    """The dates of one 14-day letter.

    ``term_ends_on`` is the last day the debtor can pay without costs;
    ``costs_due_from`` is the first day collection costs may be charged.
    """

    sent_on: date
    delivered_on: date
    term_ends_on: date
    costs_due_from: date
    record: RuleApplication


def fourteen_day_term(sent_on: date) -> LetterTerm:
    """The assumed delivery, the end of the term and when costs become due."""
    delivered_on = postal_days_after(sent_on, DELIVERY_POSTAL_DAYS)
    term_ends_on = delivered_on + timedelta(days=TERM_DAYS)
    costs_due_from = term_ends_on + timedelta(days=1)

    record = RuleApplication(
        rule=RULE,
        version=VERSION,
        legal_basis=LEGAL_BASIS,
        inputs={"sent_on": date_text(sent_on)},
        result=f"costs due from {date_text(costs_due_from)}",
        breakdown=(
            f"sent on {date_text(sent_on)}",
            f"delivered on {date_text(delivered_on)} (second postal day after "
            "sending; Sundays, Mondays and public holidays skipped)",
            f"term of {TERM_DAYS} days from the day after delivery ends on "
            f"{date_text(term_ends_on)}",
        ),
        sources=SOURCES,
    )
    return LetterTerm(sent_on, delivered_on, term_ends_on, costs_due_from, record)


def costs_are_due(term: LetterTerm, on: date) -> bool:
    """True when the term has passed on ``on``, so unpaid costs may be charged."""
    return on >= term.costs_due_from


def rerun(inputs: Mapping[str, str]) -> RuleApplication:
    """Recompute a recorded 14-day term from its recorded inputs."""
    return fourteen_day_term(parse_date(inputs, "sent_on")).record
