"""The cap on collection costs stacked on small recurring claims (WKI).

Since 1 October 2024 the collection costs that may be stacked on recurring
small claims of a consumer are limited: at most EUR 140 where the claim or
instalment is below EUR 266.67 [S23], according to one source per six
months [S24]. The exact wording, scope and period are UNCONFIRMED, so every
result of this rule is marked so, and the figures live in the ``wki_cap``
table, where a user can load confirmed ones.

How the cap is applied here, an assumption until the text is confirmed:

- it applies to a claim whose principal is below ``claim_below``;
- the caller passes the costs (before VAT) already charged on earlier
  recurring claims within the last ``window_months`` months;
- the new claim's costs before VAT are lowered so that the window's total
  stays within ``cap``, and a VAT surcharge is added on the lowered amount.

Before the cap came into force, or for a claim at or above the threshold,
the costs are the plain scale amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from faircasso.domain.errors import NoRateInForceError
from faircasso.domain.money import Money
from faircasso.domain.values import DebtorKind
from faircasso.policies.canonical import (
    date_text,
    flag_text,
    money_text,
    parse_date,
    parse_flag,
    parse_money,
)
from faircasso.policies.costs import CostsResult, collection_costs
from faircasso.policies.guards import require_not_negative
from faircasso.policies.provenance import RuleApplication
from faircasso.policies.table_format import Row
from faircasso.policies.tables import PolicyTables, default_tables

RULE = "recurring_claim_costs"
VERSION = "1"
LEGAL_BASIS = (
    "art. 6:96 BW as amended by the Wet kwaliteit incassodienstverlening; "
    "Besluit kwaliteit incassodienstverlening (cumulation rule)"
)
CAP_NOTE = (
    "the cap on stacked costs for small recurring claims: its amount, "
    "threshold, window and whether VAT counts"
)


@dataclass(frozen=True, slots=True)
class RecurringCostsResult:
    """The costs of one small recurring claim after the cap.

    ``uncapped`` is the plain scale result; ``capped`` says whether the cap
    lowered it; ``window_months`` is the window the caller should count
    ``charged_in_window`` over (None when no cap was in force).
    """

    amount: Money
    base_amount: Money
    vat_amount: Money
    uncapped: CostsResult
    capped: bool
    window_months: int | None
    record: RuleApplication


def recurring_claim_costs(
    principal: Money,
    *,
    charged_in_window: Money,
    on: date,
    vat_surcharge: bool = False,
    tables: PolicyTables | None = None,
) -> RecurringCostsResult:
    """The costs of a consumer's recurring claim, capped as described above."""
    require_not_negative(charged_in_window, "costs charged in the window")
    tables = tables or default_tables()
    uncapped = collection_costs(
        principal,
        debtor=DebtorKind.CONSUMER,
        on=on,
        vat_surcharge=vat_surcharge,
        tables=tables,
    )

    cap_row = _cap_in_force(tables, on)
    base = _capped(uncapped.base_amount, principal, charged_in_window, cap_row)
    vat = uncapped.vat_amount
    if base != uncapped.base_amount and vat_surcharge:
        rate = tables.vat_general.rate_on(on).decimal("rate")
        vat = Money.of_rounded(base.amount * rate)

    inputs = {
        "principal": money_text(principal),
        "charged_in_window": money_text(charged_in_window),
        "on": date_text(on),
        "vat_surcharge": flag_text(vat_surcharge),
    }
    record = _record(inputs, uncapped, cap_row, base + vat, tables)
    window = cap_row.count("window_months") if cap_row is not None else None
    capped = base != uncapped.base_amount
    return RecurringCostsResult(base + vat, base, vat, uncapped, capped, window, record)


def _cap_in_force(tables: PolicyTables, on: date) -> Row | None:
    """The cap's row in force on ``on``, or None before the cap existed."""
    try:
        return tables.wki_cap.rate_on(on)
    except NoRateInForceError:
        return None


def _capped(
    costs: Money, principal: Money, charged_in_window: Money, cap_row: Row | None
) -> Money:
    """The costs lowered to what the cap leaves in the window, if it applies."""
    if cap_row is None or principal >= cap_row.money("claim_below"):
        return costs
    room = (cap_row.money("cap") - charged_in_window).max(Money.zero())
    return costs.min(room)


def _record(
    inputs: dict[str, str],
    uncapped: CostsResult,
    cap_row: Row | None,
    amount: Money,
    tables: PolicyTables,
) -> RuleApplication:
    """The provenance of a capped calculation, with every row it used."""
    on = date.fromisoformat(inputs["on"])
    table_rows = uncapped.record.inputs.items()
    inputs = {**inputs, **{k: v for k, v in table_rows if k.startswith("table:")}}
    breakdown = [f"costs by the scale: {uncapped.amount}"]
    unconfirmed = list(uncapped.record.unconfirmed)
    if cap_row is None:
        breakdown.append("no cap on stacked costs in force on this date")
    else:
        inputs.update(tables.wki_cap.recorded([cap_row]))
        breakdown.append(
            f"cap {cap_row.money('cap')} per {cap_row.count('window_months')} "
            f"months for claims below {cap_row.money('claim_below')}; "
            f"already charged EUR {inputs['charged_in_window']}"
        )
        unconfirmed += [CAP_NOTE, *tables.wki_cap.caveats(cap_row, on)]

    return RuleApplication(
        rule=RULE,
        version=VERSION,
        legal_basis=LEGAL_BASIS,
        inputs=inputs,
        result=money_text(amount),
        breakdown=(*breakdown, f"costs charged: {amount}"),
        sources=tuple(dict.fromkeys((*uncapped.record.sources, "S23", "S24", "S28"))),
        unconfirmed=tuple(dict.fromkeys(unconfirmed)),
    )


def rerun(inputs: Mapping[str, str], tables: PolicyTables) -> RuleApplication:
    """Recompute a recorded ``recurring_claim_costs`` result."""
    return recurring_claim_costs(
        parse_money(inputs, "principal"),
        charged_in_window=parse_money(inputs, "charged_in_window"),
        on=parse_date(inputs, "on"),
        vat_surcharge=parse_flag(inputs, "vat_surcharge"),
        tables=tables,
    ).record
