"""Collection costs (buitengerechtelijke incassokosten) on a principal.

The costs follow the scale of art. 2 Besluit vergoeding voor
buitengerechtelijke incassokosten: a falling percentage per tier of the
principal, at least EUR 40 and at most EUR 6,775. For a consumer the scale
is mandatory (art. 6:96(5) BW); for a business it is default law (HR 10 July
2015). Where the client cannot deduct VAT, the costs are raised by the
general VAT rate (art. 2(3) of the decree), the minimum included.

Only a partly filled tier can give fractions of a cent; each tier's amount
is rounded half up to cents, so the tier lines add up to the scale total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money, total_of
from faircasso.domain.values import DebtorKind, require_positive
from faircasso.policies.canonical import (
    date_text,
    flag_text,
    list_text,
    money_text,
    parse_date,
    parse_flag,
    parse_list,
    parse_money,
    percent_text,
)
from faircasso.policies.provenance import RuleApplication
from faircasso.policies.table_format import Row
from faircasso.policies.tables import PolicyTables, default_tables

VERSION = "1"
SCALE_BASIS = "art. 6:96(2)(c) BW; art. 2 Besluit vergoeding voor BIK"
CONSUMER_BASIS = f"{SCALE_BASIS}; art. 6:96(5) BW (mandatory for consumers)"
BUSINESS_BASIS = f"{SCALE_BASIS} as default law (HR 10 July 2015, ECLI:NL:HR:2015:1868)"
CLAIMS_BASIS = "art. 6:96(7) BW (claims reminded together are added up)"
VAT_BASIS = "art. 2(3) Besluit vergoeding voor BIK (VAT surcharge)"
CAP_WITH_VAT_NOTE = "whether the VAT surcharge may lift the costs above the maximum"


@dataclass(frozen=True, slots=True)
class CostsBracket:
    """One tier of the scale: the part of the principal in it and its costs."""

    tier_from: Money
    tier_to: Money | None
    rate: Decimal
    base: Money
    amount: Money


@dataclass(frozen=True, slots=True)
class CostsResult:
    """Collection costs: ``amount`` is ``base_amount`` plus ``vat_amount``."""

    amount: Money
    base_amount: Money
    vat_amount: Money
    brackets: tuple[CostsBracket, ...]
    record: RuleApplication


def collection_costs(
    principal: Money,
    *,
    debtor: DebtorKind,
    on: date,
    vat_surcharge: bool = False,
    cap_including_vat: bool = False,
    tables: PolicyTables | None = None,
) -> CostsResult:
    """The collection costs on ``principal`` by the scale in force ``on``.

    ``vat_surcharge`` adds VAT for a client that cannot deduct it. Whether
    costs plus VAT are capped at the maximum is UNCONFIRMED; by default they
    are not, and ``cap_including_vat=True`` caps them.
    """
    require_positive(principal, "the principal")
    inputs = {"principal": money_text(principal)}
    return _costs(
        principal,
        _Request("collection_costs", debtor, on, vat_surcharge, cap_including_vat),
        inputs,
        tables or default_tables(),
    )


def collection_costs_for_claims(
    principals: Sequence[Money],
    *,
    debtor: DebtorKind,
    on: date,
    vat_surcharge: bool = False,
    cap_including_vat: bool = False,
    tables: PolicyTables | None = None,
) -> CostsResult:
    """The costs on several claims reminded together: the scale on their sum.

    For consumers art. 6:96(7) BW requires it. For businesses no such rule
    was found; adding up is then marked UNCONFIRMED.
    """
    if not principals:
        raise InvalidValueError("principals", principals, "at least one principal")
    for principal in principals:
        require_positive(principal, "each principal")

    inputs = {"principals": list_text([money_text(p) for p in principals])}
    request = _Request(
        "collection_costs_for_claims", debtor, on, vat_surcharge, cap_including_vat
    )
    return _costs(total_of(principals), request, inputs, tables or default_tables())


def commercial_minimum_costs(
    on: date, *, tables: PolicyTables | None = None
) -> CostsResult:
    """The flat compensation due in a commercial transaction, art. 6:96(4) BW.

    It is due without a reminder from the day after the payment date.
    Whether it is due once per invoice is UNCONFIRMED and marked so.
    """
    table = (tables or default_tables()).commercial_minimum
    row = table.rate_on(on)
    amount = row.money("amount")

    record = RuleApplication(
        rule="commercial_minimum_costs",
        version=VERSION,
        legal_basis="art. 6:96(4) BW",
        inputs={"on": date_text(on), **table.recorded([row])},
        result=money_text(amount),
        breakdown=(f"flat minimum in a commercial transaction: {amount}",),
        sources=row.sources,
        unconfirmed=(
            *table.caveats(row, on),
            "whether the flat minimum is due once per invoice",
        ),
    )
    return CostsResult(amount, amount, Money.zero(), (), record)


@dataclass(frozen=True, slots=True)
class _Request:
    """The options of one costs calculation, shared by the public rules."""

    rule: str
    debtor: DebtorKind
    on: date
    vat_surcharge: bool
    cap_including_vat: bool


class _Options(TypedDict):
    """The recorded options, ready to pass back to a rule."""

    debtor: DebtorKind
    on: date
    vat_surcharge: bool
    cap_including_vat: bool


def _costs(
    principal: Money,
    request: _Request,
    inputs: dict[str, str],
    tables: PolicyTables,
) -> CostsResult:
    """Apply the scale, the limits and the VAT surcharge; record every step."""
    scale_rows = tables.bik_scale.version_on(request.on)
    limits = tables.bik_limits.rate_on(request.on)
    brackets = _brackets(principal, scale_rows)
    base = _within_limits(total_of(b.amount for b in brackets), limits)

    vat = Money.zero()
    vat_rows: tuple[Row, ...] = ()
    if request.vat_surcharge:
        vat_row = tables.vat_general.rate_on(request.on)
        vat = Money.of_rounded(base.amount * vat_row.decimal("rate"))
        vat_rows = (vat_row,)

    maximum = limits.money("maximum")
    over_maximum = base + vat > maximum
    if request.cap_including_vat and over_maximum:
        vat = maximum - base

    record = _costs_record(
        principal,
        request,
        inputs,
        tables,
        _Figures(brackets, limits, base, vat, scale_rows, vat_rows, over_maximum),
    )
    return CostsResult(base + vat, base, vat, brackets, record)


def _brackets(principal: Money, rows: Sequence[Row]) -> tuple[CostsBracket, ...]:
    """The principal cut into the scale's tiers, each with its costs."""
    lines = []
    for row in rows:
        tier_from, tier_to = row.money("tier_from"), row.optional_money("tier_to")
        if principal <= tier_from:
            break
        top = principal if tier_to is None else principal.min(tier_to)
        part = top - tier_from
        rate = row.decimal("rate")
        amount = Money.of_rounded(part.amount * rate, rounding=ROUND_HALF_UP)
        lines.append(CostsBracket(tier_from, tier_to, rate, part, amount))
    return tuple(lines)


def _within_limits(amount: Money, limits: Row) -> Money:
    """The scale amount raised to the minimum and lowered to the maximum."""
    return amount.max(limits.money("minimum")).min(limits.money("maximum"))


@dataclass(frozen=True, slots=True)
class _Figures:
    """What one calculation produced, gathered for its record."""

    brackets: tuple[CostsBracket, ...]
    limits: Row
    base: Money
    vat: Money
    scale_rows: tuple[Row, ...]
    vat_rows: tuple[Row, ...]
    over_maximum: bool


def _costs_record(
    principal: Money,
    request: _Request,
    inputs: dict[str, str],
    tables: PolicyTables,
    figures: _Figures,
) -> RuleApplication:
    """The provenance of a costs calculation, with the rows it used."""
    recorded = {
        **inputs,
        "debtor": request.debtor.value,
        "on": date_text(request.on),
        "vat_surcharge": flag_text(request.vat_surcharge),
        "cap_including_vat": flag_text(request.cap_including_vat),
        **tables.bik_scale.recorded(figures.scale_rows),
        **tables.bik_limits.recorded([figures.limits]),
    }
    if figures.vat_rows:
        recorded.update(tables.vat_general.recorded(figures.vat_rows))

    return RuleApplication(
        rule=request.rule,
        version=VERSION,
        legal_basis=_legal_basis(request),
        inputs=recorded,
        result=money_text(figures.base + figures.vat),
        breakdown=_breakdown(principal, figures),
        sources=_sources(figures),
        unconfirmed=_unconfirmed(request, tables, figures),
    )


def _legal_basis(request: _Request) -> str:
    parts = [
        CONSUMER_BASIS if request.debtor is DebtorKind.CONSUMER else BUSINESS_BASIS
    ]
    if request.rule == "collection_costs_for_claims":
        parts.append(CLAIMS_BASIS)
    if request.vat_surcharge:
        parts.append(VAT_BASIS)
    return "; ".join(parts)


def _breakdown(principal: Money, figures: _Figures) -> tuple[str, ...]:
    lines = [f"principal {principal}"]
    for b in figures.brackets:
        upper = f"to {b.tier_to}" if b.tier_to is not None else "and above"
        lines.append(
            f"{percent_text(b.rate)} of {b.base} (tier {b.tier_from} {upper}) "
            f"= {b.amount}"
        )
    lines.append(
        f"scale total {total_of(b.amount for b in figures.brackets)}; minimum "
        f"{figures.limits.money('minimum')}, maximum "
        f"{figures.limits.money('maximum')}: {figures.base}"
    )
    for row in figures.vat_rows:
        lines.append(
            f"VAT surcharge {percent_text(row.decimal('rate'))}: {figures.vat}"
        )
    return tuple(lines)


def _sources(figures: _Figures) -> tuple[str, ...]:
    rows = [*figures.scale_rows, figures.limits, *figures.vat_rows]
    keys = [key for row in rows for key in row.sources]
    if figures.vat_rows:
        keys.append("S17")
    return tuple(dict.fromkeys(keys))


def _unconfirmed(
    request: _Request, tables: PolicyTables, figures: _Figures
) -> tuple[str, ...]:
    notes = [
        *tables.bik_scale.caveats_of(figures.scale_rows, request.on),
        *tables.bik_limits.caveats(figures.limits, request.on),
        *tables.vat_general.caveats_of(figures.vat_rows, request.on),
    ]
    if request.vat_surcharge and figures.over_maximum:
        choice = "capped" if request.cap_including_vat else "not capped"
        notes.append(f"{CAP_WITH_VAT_NOTE} ({choice} here)")
    if (
        request.rule == "collection_costs_for_claims"
        and request.debtor is DebtorKind.BUSINESS
    ):
        notes.append("whether claims against a business are added up")
    return tuple(dict.fromkeys(notes))


def rerun_collection_costs(
    inputs: Mapping[str, str], tables: PolicyTables
) -> RuleApplication:
    """Recompute a recorded ``collection_costs`` result."""
    return collection_costs(
        parse_money(inputs, "principal"),
        **_options(inputs),
        tables=tables,
    ).record


def rerun_collection_costs_for_claims(
    inputs: Mapping[str, str], tables: PolicyTables
) -> RuleApplication:
    """Recompute a recorded ``collection_costs_for_claims`` result."""
    principals = [Money(str(p)) for p in parse_list(inputs, "principals")]
    return collection_costs_for_claims(
        principals, **_options(inputs), tables=tables
    ).record


def rerun_commercial_minimum_costs(
    inputs: Mapping[str, str], tables: PolicyTables
) -> RuleApplication:
    """Recompute a recorded ``commercial_minimum_costs`` result."""
    return commercial_minimum_costs(parse_date(inputs, "on"), tables=tables).record


def _options(inputs: Mapping[str, str]) -> _Options:
    return {
        "debtor": DebtorKind(inputs["debtor"]),
        "on": parse_date(inputs, "on"),
        "vat_surcharge": parse_flag(inputs, "vat_surcharge"),
        "cap_including_vat": parse_flag(inputs, "cap_including_vat"),
    }
