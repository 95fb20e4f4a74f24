"""Allocation of a payment (toerekening) over debts and within each debt.

Across debts (art. 6:43 BW): the debt the debtor designated comes first;
then debts that are due on the payment date, before those not yet due; among
those, the oldest first (earliest due date); debts equally old share pro
rata to what is outstanding on each, by largest remainder, ties to the
earlier debt in the order given. "Most burdensome", which the statute puts
before "oldest", is a question of fact that no rule here can decide
(UNCONFIRMED as law), so all debts are treated as equally burdensome and the
record says so whenever the choice mattered.

Within a debt (art. 6:44 BW): costs, then interest that has fallen due,
then principal. What is left after every debt is paid is ``surplus``, kept
apart to be refunded; no cent is lost.

What is left of a designated payment after the designated debt is paid
follows the statutory order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money, split_cents, total_of
from faircasso.domain.values import require_text
from faircasso.policies.canonical import (
    date_text,
    list_text,
    money_text,
    parse_date,
    parse_list,
    parse_money,
)
from faircasso.policies.guards import require_not_negative
from faircasso.policies.provenance import RuleApplication

RULE = "allocate_payment"
VERSION = "1"
LEGAL_BASIS = "arts. 6:43 and 6:44 BW"
SOURCES = ("S3", "S14", "S15")
BURDEN_NOTE = (
    "which debt is most burdensome (art. 6:43(2) BW); all were treated as "
    "equally burdensome"
)


@dataclass(frozen=True, slots=True)
class Debt:
    """What is outstanding on one debt: costs, due interest and principal."""

    key: str
    due_date: date
    costs: Money
    interest: Money
    principal: Money

    def __post_init__(self) -> None:
        require_text("debt key", self.key, max_length=64)
        for name in ("costs", "interest", "principal"):
            require_not_negative(getattr(self, name), f"{name} of debt {self.key!r}")

    @property
    def outstanding(self) -> Money:
        """Everything still owed on this debt."""
        return self.costs + self.interest + self.principal


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """What one payment paid off on one debt."""

    key: str
    costs: Money
    interest: Money
    principal: Money

    @property
    def total(self) -> Money:
        """Everything this line paid."""
        return self.costs + self.interest + self.principal


@dataclass(frozen=True, slots=True)
class Allocation:
    """A payment allocated over debts.

    ``lines`` has one line per debt, in the order the debts were given;
    ``order`` lists the debts in the order they were paid, a group of equally
    old debts sharing one place; ``surplus`` is what no debt needed.
    """

    amount: Money
    lines: tuple[AllocationLine, ...]
    surplus: Money
    order: tuple[tuple[str, ...], ...]
    record: RuleApplication


def allocate_payment(
    amount: Money,
    debts: Sequence[Debt],
    *,
    on: date,
    designated: str | None = None,
) -> Allocation:
    """Allocate ``amount``, received on ``on``, over ``debts`` by law."""
    require_not_negative(amount, "payment")
    _check_keys(debts, designated)

    groups = _ranked_groups(debts, on, designated)
    shares, surplus = _shares(amount, groups)
    lines = tuple(_within_debt(debt, shares[debt.key]) for debt in debts)

    paid = total_of(line.total for line in lines) + surplus
    if paid != amount:
        raise ArithmeticError(f"allocation of {amount} accounts for {paid}")
    order = tuple(tuple(debt.key for debt in group) for group in groups)
    record = _record(
        amount=amount,
        debts=debts,
        on=on,
        designated=designated,
        lines=lines,
        surplus=surplus,
    )
    return Allocation(amount, lines, surplus, order, record)


def _check_keys(debts: Sequence[Debt], designated: str | None) -> None:
    keys = [debt.key for debt in debts]
    for key in keys:
        if keys.count(key) > 1:
            raise InvalidValueError("debt key", key, "a key used by one debt only")
    if designated is not None and designated not in keys:
        raise InvalidValueError(
            "designated debt", designated, f"one of {', '.join(keys) or 'no debts'}"
        )


def _ranked_groups(
    debts: Sequence[Debt], on: date, designated: str | None
) -> list[list[Debt]]:
    """The debts in the order of art. 6:43 BW, equally old debts grouped."""
    groups = [[debt] for debt in debts if debt.key == designated]
    others = [debt for debt in debts if debt.key != designated]

    due = [debt for debt in others if debt.due_date <= on]
    not_due = [debt for debt in others if debt.due_date > on]
    for part in (due, not_due):
        by_age = sorted(part, key=lambda debt: debt.due_date)
        groups += [list(group) for _, group in groupby(by_age, lambda d: d.due_date)]
    return groups


def _shares(
    amount: Money, groups: Sequence[Sequence[Debt]]
) -> tuple[dict[str, Money], Money]:
    """How much of ``amount`` each debt gets, and what is left over."""
    shares: dict[str, Money] = {}
    remaining = amount
    for group in groups:
        owed = total_of(debt.outstanding for debt in group)
        if remaining >= owed or owed.is_zero():
            parts = [debt.outstanding for debt in group]
        else:
            weights = [debt.outstanding.cents for debt in group]
            parts = split_cents(remaining, weights)
        shares.update({debt.key: part for debt, part in zip(group, parts, strict=True)})
        remaining -= total_of(parts)
    return shares, remaining


def _within_debt(debt: Debt, share: Money) -> AllocationLine:
    """Costs first, then interest, then principal (art. 6:44 BW)."""
    costs = share.min(debt.costs)
    interest = (share - costs).min(debt.interest)
    principal = share - costs - interest
    return AllocationLine(debt.key, costs, interest, principal)


def _record(
    *,
    amount: Money,
    debts: Sequence[Debt],
    on: date,
    designated: str | None,
    lines: Sequence[AllocationLine],
    surplus: Money,
) -> RuleApplication:
    breakdown = [
        f"{line.key}: costs {line.costs}, interest {line.interest}, "
        f"principal {line.principal}"
        for line in lines
    ]
    return RuleApplication(
        rule=RULE,
        version=VERSION,
        legal_basis=LEGAL_BASIS,
        inputs={
            "amount": money_text(amount),
            "on": date_text(on),
            "designated": designated or "",
            "debts": list_text([_debt_fields(debt) for debt in debts]),
        },
        result=f"allocated {total_of(x.total for x in lines)}, surplus {surplus}",
        breakdown=(*breakdown, f"surplus {surplus}"),
        sources=SOURCES,
        unconfirmed=(BURDEN_NOTE,)
        if _burden_mattered(debts, lines, on, designated)
        else (),
    )


def _burden_mattered(
    debts: Sequence[Debt],
    lines: Sequence[AllocationLine],
    on: date,
    designated: str | None,
) -> bool:
    """True when due debts competed for a payment too small for all of them."""
    competing = [
        (debt, line)
        for debt, line in zip(debts, lines, strict=True)
        if debt.key != designated
        and debt.due_date <= on
        and debt.outstanding.is_positive()
    ]
    return len(competing) > 1 and any(
        line.total < debt.outstanding for debt, line in competing
    )


def _debt_fields(debt: Debt) -> dict[str, str]:
    return {
        "key": debt.key,
        "due_date": date_text(debt.due_date),
        "costs": money_text(debt.costs),
        "interest": money_text(debt.interest),
        "principal": money_text(debt.principal),
    }


def rerun(inputs: Mapping[str, str]) -> RuleApplication:
    """Recompute a recorded allocation from its recorded inputs."""
    debts = []
    for item in parse_list(inputs, "debts"):
        if not isinstance(item, dict):
            raise InvalidValueError("recorded debt", item, "a mapping of texts")
        fields = {str(name): str(value) for name, value in item.items()}
        debts.append(
            Debt(
                key=str(fields["key"]),
                due_date=parse_date(fields, "due_date"),
                costs=parse_money(fields, "costs"),
                interest=parse_money(fields, "interest"),
                principal=parse_money(fields, "principal"),
            )
        )
    return allocate_payment(
        parse_money(inputs, "amount"),
        debts,
        on=parse_date(inputs, "on"),
        designated=inputs["designated"] or None,
    ).record
