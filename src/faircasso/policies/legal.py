"""The estimate of a legal track: court fee and bailiff costs against a claim.

The kantonrechter hears money claims up to EUR 25,000, interest up to the
summons included (art. 93 Rv). Only the claimant pays the court fee
(griffierecht); it depends on the kind of claimant and on the bracket the
claim value falls in, the value being principal plus collection costs plus
interest claimed. A bracket runs from just above its lower bound up to and
including its upper bound. The bailiff's tariffs (BTAG) for serving the
summons and, after judgment, serving the judgment are added; they are
amounts without VAT.

Fees are indexed every 1 January; a row used in a later year than it was
set for is flagged, as is every row the reference marks UNCONFIRMED.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from faircasso.domain.errors import NoRateInForceError
from faircasso.domain.money import Money
from faircasso.domain.values import require_positive
from faircasso.policies.canonical import date_text, money_text, parse_date, parse_money
from faircasso.policies.provenance import RuleApplication
from faircasso.policies.table_format import Row
from faircasso.policies.tables import PolicyTables, default_tables

RULE = "legal_estimate"
VERSION = "1"
LEGAL_BASIS = "art. 93 Rv; art. 2 Wet griffierechten burgerlijke zaken; BTAG"
KANTON_LIMIT = Money("25000.00")
"""The largest money claim the kantonrechter hears, art. 93 Rv."""

# Limitation: claims above the kanton limit go to the civil sector, whose
# court fees are not in the tables; their estimate has no court fee or total.


class ClaimantKind(StrEnum):
    """The kind of claimant, which decides the court fee."""

    LEGAL_PERSON = "legal_person"
    NATURAL_PERSON = "natural_person"
    LOW_INCOME = "low_income"


@dataclass(frozen=True, slots=True)
class LegalEstimate:
    """What a legal track would cost the claimant up front.

    ``court_fee`` and ``total`` are None for a claim above the kanton limit.
    """

    claim_value: Money
    within_kanton_limit: bool
    court_fee: Money | None
    summons_fee: Money
    service_fee: Money
    total: Money | None
    record: RuleApplication


def legal_estimate(
    claim_value: Money,
    *,
    claimant: ClaimantKind,
    on: date,
    kanton_limit: Money = KANTON_LIMIT,
    tables: PolicyTables | None = None,
) -> LegalEstimate:
    """The court fee and bailiff costs of suing for ``claim_value`` on ``on``."""
    require_positive(claim_value, "the claim value")
    tables = tables or default_tables()
    summons = tables.bailiff_tariffs.row_for(on, "summons")
    service = tables.bailiff_tariffs.row_for(on, "service_of_judgment")
    bailiff = summons.money("amount") + service.money("amount")

    within = claim_value <= kanton_limit
    fee_rows = tables.court_fees.version_on(on) if within else ()
    bracket = _bracket(fee_rows, claim_value, on) if within else None
    court_fee = bracket.money(claimant.value) if bracket is not None else None
    total = court_fee + bailiff if court_fee is not None else None

    used = _Used(summons, service, fee_rows, bracket)
    inputs = {
        "claim_value": money_text(claim_value),
        "claimant": claimant.value,
        "on": date_text(on),
        "kanton_limit": money_text(kanton_limit),
    }
    record = _record(
        inputs, used, claimant=claimant, court_fee=court_fee, total=total, tables=tables
    )
    return LegalEstimate(
        claim_value,
        within,
        court_fee,
        summons.money("amount"),
        service.money("amount"),
        total,
        record,
    )


@dataclass(frozen=True, slots=True)
class _Used:
    """The table rows one estimate used."""

    summons: Row
    service: Row
    fee_rows: tuple[Row, ...]
    bracket: Row | None


def _record(
    inputs: dict[str, str],
    used: _Used,
    *,
    claimant: ClaimantKind,
    court_fee: Money | None,
    total: Money | None,
    tables: PolicyTables,
) -> RuleApplication:
    on = date.fromisoformat(inputs["on"])
    bailiff_rows = [used.summons, used.service]
    recorded = {**inputs, **tables.bailiff_tariffs.recorded(bailiff_rows)}
    notes = list(tables.bailiff_tariffs.caveats_of(bailiff_rows, on))
    if used.bracket is not None:
        recorded.update(tables.court_fees.recorded(used.fee_rows))
        notes += tables.court_fees.caveats(used.bracket, on)

    return RuleApplication(
        rule=RULE,
        version=VERSION,
        legal_basis=LEGAL_BASIS,
        inputs=recorded,
        result=money_text(total) if total is not None else "no kanton estimate",
        breakdown=_breakdown(inputs, claimant, court_fee, used),
        sources=_sources(used),
        unconfirmed=tuple(dict.fromkeys(notes)),
    )


def _bracket(rows: tuple[Row, ...], value: Money, on: date) -> Row:
    """The court-fee bracket ``value`` falls in."""
    for row in rows:
        upper = row.optional_money("claim_up_to")
        if row.money("claim_over") < value and (upper is None or value <= upper):
            return row
    raise NoRateInForceError(f"court_fees for {value}", on)


def _breakdown(
    inputs: Mapping[str, str],
    claimant: ClaimantKind,
    court_fee: Money | None,
    used: _Used,
) -> tuple[str, ...]:
    if court_fee is None:
        fee_line = (
            f"claim of {Money(inputs['claim_value'])} exceeds the kanton limit of "
            f"{Money(inputs['kanton_limit'])}: court fee not estimated"
        )
    else:
        fee_line = f"court fee for a {claimant.value.replace('_', ' ')}: {court_fee}"
    return (
        fee_line,
        f"bailiff, serving the summons: {used.summons.money('amount')} (excl. VAT)",
        f"bailiff, serving the judgment: {used.service.money('amount')} (excl. VAT)",
    )


def _sources(used: _Used) -> tuple[str, ...]:
    rows = [used.summons, used.service, *([used.bracket] if used.bracket else [])]
    keys = ["S6", "S62c", "S62f", "S63a", *(key for row in rows for key in row.sources)]
    return tuple(dict.fromkeys(keys))


def rerun(inputs: Mapping[str, str], tables: PolicyTables) -> RuleApplication:
    """Recompute a recorded legal estimate."""
    return legal_estimate(
        parse_money(inputs, "claim_value"),
        claimant=ClaimantKind(inputs["claimant"]),
        on=parse_date(inputs, "on"),
        kanton_limit=parse_money(inputs, "kanton_limit"),
        tables=tables,
    ).record
