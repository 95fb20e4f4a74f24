"""Social triage: which route a debtor's situation calls for.

This is the agency's policy, not law. Fraud, abuse and unwillingness are
pursued; a debtor who wants to pay and cannot is helped instead of sued:

- able to pay: pay in full, or an arrangement when the balance is beyond
  one month's capacity;
- willing but unable: an arrangement when one fits the capacity within the
  maximum term; otherwise budget guidance, or municipal debt help
  (schuldhulpverlening) when the debts are problematic; in every case a
  check of allowances (toeslagen), remission of municipal and water-board
  taxes (kwijtschelding), and the protected income (beslagvrije voet);
- unwilling: reminders, then the legal track;
- fraud: the legal track;
- unreachable: address research, then reminders.

A time-barred claim is never taken to court: the legal routes become a
plain message that payment is voluntary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from faircasso.domain.money import Money
from faircasso.domain.values import Assessment, ReferralKind
from faircasso.policies.arrangements import suggest_instalments
from faircasso.policies.canonical import (
    flag_text,
    money_text,
    parse_flag,
    parse_int,
)
from faircasso.policies.provenance import RuleApplication

RULE = "triage_route"
VERSION = "1"
LEGAL_BASIS = "agency policy; Wet gemeentelijke schuldhulpverlening; art. 475da Rv"
SOURCES = ("S54", "S55", "S56", "S57", "S58", "S59")
REMISSION_NOTE = "that remission (kwijtschelding) never covers private claims"

CHECKLIST = (
    "allowances (toeslagen): check that the debtor receives the zorgtoeslag, "
    "huurtoeslag, kindgebonden budget and kinderopvangtoeslag they are "
    "entitled to",
    "remission (kwijtschelding): only for municipal and water-board taxes and "
    "charges; ask whether the debtor has such debts and applied in time",
    "protected income (beslagvrije voet): any attachment must leave at least "
    "the amount the government calculation tool gives",
)


class Route(StrEnum):
    """What the agency does next with a debtor."""

    PAY_IN_FULL = "pay_in_full"
    ARRANGEMENT = "arrangement"
    BUDGET_GUIDANCE = "budget_guidance"
    DEBT_HELP = "debt_help"
    REMINDERS_THEN_LEGAL = "reminders_then_legal"
    LEGAL = "legal"
    ADDRESS_RESEARCH = "address_research"
    VOLUNTARY_ONLY = "voluntary_only"


_NEXT_STEPS = {
    Route.PAY_IN_FULL: ("ask for payment of the full balance",),
    Route.ARRANGEMENT: ("agree an instalment schedule within the capacity",),
    Route.BUDGET_GUIDANCE: ("refer to budget guidance; pause costs and pressure",),
    Route.DEBT_HELP: ("refer to municipal debt help; pause costs and pressure",),
    Route.REMINDERS_THEN_LEGAL: ("send reminders", "then propose the legal track"),
    Route.LEGAL: ("propose the legal track to the client",),
    Route.ADDRESS_RESEARCH: ("research the current address", "then send reminders"),
    Route.VOLUNTARY_ONLY: (
        "tell the debtor plainly that the claim appears time-barred and that "
        "payment is voluntary; no court, no pressure",
    ),
}
_REFERRALS = {
    Route.BUDGET_GUIDANCE: ReferralKind.BUDGET_GUIDANCE,
    Route.DEBT_HELP: ReferralKind.DEBT_HELP,
}
_LEGAL_ROUTES = (Route.LEGAL, Route.REMINDERS_THEN_LEGAL)


@dataclass(frozen=True, slots=True)
class TriageResult:
    """The route, any referral, the checks to make and the next steps."""

    route: Route
    referral: ReferralKind | None
    checklist: tuple[str, ...]
    next_steps: tuple[str, ...]
    record: RuleApplication


def triage_route(
    assessment: Assessment,
    *,
    has_problematic_debts: bool = False,
    outstanding: Money | None = None,
    monthly_capacity: Money | None = None,
    max_months: int = 36,
    time_barred: bool = False,
) -> TriageResult:
    """The route for a debtor assessed as ``assessment``.

    ``outstanding`` and ``monthly_capacity`` decide between paying at once
    and an arrangement; without them an able debtor is asked to pay in full
    and a willing-but-unable one is offered budget guidance.
    """
    route = _route(
        assessment, has_problematic_debts, outstanding, monthly_capacity, max_months
    )
    if time_barred and route in _LEGAL_ROUTES:
        route = Route.VOLUNTARY_ONLY
    helped = assessment is Assessment.WILLING_BUT_UNABLE
    checklist = CHECKLIST if helped else ()

    inputs = {
        "assessment": assessment.value,
        "has_problematic_debts": flag_text(has_problematic_debts),
        "outstanding": _optional_money_text(outstanding),
        "monthly_capacity": _optional_money_text(monthly_capacity),
        "max_months": str(max_months),
        "time_barred": flag_text(time_barred),
    }
    record = RuleApplication(
        rule=RULE,
        version=VERSION,
        legal_basis=LEGAL_BASIS,
        inputs=inputs,
        result=route.value,
        breakdown=(f"assessed {assessment.value}: {route.value}", *_NEXT_STEPS[route]),
        sources=SOURCES,
        unconfirmed=(REMISSION_NOTE,) if helped else (),
    )
    return TriageResult(
        route, _REFERRALS.get(route), checklist, _NEXT_STEPS[route], record
    )


def _route(
    assessment: Assessment,
    has_problematic_debts: bool,
    outstanding: Money | None,
    capacity: Money | None,
    max_months: int,
) -> Route:
    if assessment is Assessment.ABLE:
        beyond = (
            outstanding is not None and capacity is not None and capacity < outstanding
        )
        return Route.ARRANGEMENT if beyond else Route.PAY_IN_FULL
    if assessment is Assessment.WILLING_BUT_UNABLE:
        if has_problematic_debts:
            return Route.DEBT_HELP
        fits = (
            outstanding is not None
            and capacity is not None
            and suggest_instalments(outstanding, capacity, max_months).fits
        )
        return Route.ARRANGEMENT if fits else Route.BUDGET_GUIDANCE
    return {
        Assessment.UNWILLING: Route.REMINDERS_THEN_LEGAL,
        Assessment.FRAUD: Route.LEGAL,
        Assessment.UNREACHABLE: Route.ADDRESS_RESEARCH,
    }[assessment]


def _optional_money_text(amount: Money | None) -> str:
    return money_text(amount) if amount is not None else ""


def rerun(inputs: Mapping[str, str]) -> RuleApplication:
    """Recompute a recorded triage from its recorded inputs."""
    outstanding, capacity = inputs["outstanding"], inputs["monthly_capacity"]
    return triage_route(
        Assessment(inputs["assessment"]),
        has_problematic_debts=parse_flag(inputs, "has_problematic_debts"),
        outstanding=Money(outstanding) if outstanding else None,
        monthly_capacity=Money(capacity) if capacity else None,
        max_months=parse_int(inputs, "max_months"),
        time_barred=parse_flag(inputs, "time_barred"),
    ).record
