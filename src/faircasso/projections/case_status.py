"""Case status: what a client sees of a case at a glance.

Read from the case-status view. Interest is shown as of the day asked:
what was accrued when the case last changed, plus what has run since,
computed from the invoices' interest state kept in the view. A closed case
and a case with an agreed arrangement accrue no more.

Every query that serves a client takes the client's id and filters on it,
so it cannot return another client's case.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select

from faircasso.domain.money import Money
from faircasso.policies.interest import InterestKind, InterestState, accrue_interest
from faircasso.projections.views import Views


@dataclass(frozen=True, slots=True)
class CaseStatus:
    """One case as the status view shows it on ``as_of``."""

    case_id: UUID
    client_code: str
    reference: str
    debtor_name: str
    phase: str
    step: str
    principal: Money
    costs: Money
    interest: Money
    paid: Money
    balance: Money
    last_activity_on: date
    next_deadline_on: date | None
    next_deadline_kind: str
    close_reason: str
    payment_reference: str
    as_of: date


def interest_as_of(row: Any, day: date) -> Money:
    """Unpaid interest of a case-status row, run on up to ``day``."""
    invoices = json.loads(row.invoices)
    accrued = Money.from_cents(int(row.interest_open_cents))
    if row.phase == "closed" or row.interest_frozen:
        return accrued
    kind = InterestKind(row.interest_kind)
    extra = Money.zero()
    for invoice in invoices:
        state = _state(invoice["interest"])
        if day > state.accrued_to and not state.base.is_zero():
            result, _ = accrue_interest(state, kind=kind, until=day)
            extra = extra + result.amount
    return accrued + extra


def _state(data: dict[str, Any]) -> InterestState:
    return InterestState(
        principal=Money.from_cents(data["principal"]),
        capitalised=Money.from_cents(data["capitalised"]),
        unpaid_interest=Money.from_cents(data["unpaid"]),
        anchor=date.fromisoformat(data["anchor"]),
        accrued_to=date.fromisoformat(data["accrued_to"]),
    )


def _status(row: Row[Any], day: date) -> CaseStatus:
    interest = interest_as_of(row, day)
    deadlines = sorted(json.loads(row.deadlines), key=lambda d: (d["due_on"], d["key"]))
    first = deadlines[0] if deadlines else None
    principal_open = Money.from_cents(int(row.principal_open_cents))
    costs_open = Money.from_cents(int(row.costs_open_cents))
    return CaseStatus(
        case_id=UUID(row.case_id),
        client_code=row.client_code,
        reference=row.reference,
        debtor_name=row.debtor_name,
        phase=row.phase,
        step=row.step,
        principal=Money.from_cents(int(row.principal_cents)),
        costs=Money.from_cents(int(row.costs_charged_cents)),
        interest=interest,
        paid=Money.from_cents(int(row.paid_cents)),
        balance=principal_open + costs_open + interest,
        last_activity_on=date.fromisoformat(row.last_activity_on),
        next_deadline_on=date.fromisoformat(first["due_on"]) if first else None,
        next_deadline_kind=first["kind"] if first else "",
        close_reason=row.close_reason,
        payment_reference=row.payment_reference,
        as_of=day,
    )


def client_case(
    views: Views, client_id: UUID, case_id: UUID, day: date
) -> CaseStatus | None:
    """One case of one client; None when the client has no such case."""
    table = views.tables().case_status
    query = select(table).where(
        table.c.case_id == case_id.hex, table.c.client_id == client_id.hex
    )
    with views.connect() as conn:
        row = conn.execute(query).first()
    return _status(row, day) if row is not None else None


def client_cases(
    views: Views,
    client_id: UUID,
    day: date,
    *,
    phase: str | None = None,
    limit: int | None = None,
) -> list[CaseStatus]:
    """The cases of one client, optionally in one phase, by reference."""
    table = views.tables().case_status
    query = select(table).where(table.c.client_id == client_id.hex)
    if phase:
        query = query.where(table.c.phase == phase)
    query = query.order_by(table.c.reference).limit(limit)
    with views.connect() as conn:
        return [_status(row, day) for row in conn.execute(query)]


def all_cases(
    views: Views, day: date, *, phase: str | None = None, limit: int | None = None
) -> list[CaseStatus]:
    """Every client's cases, for the agency's own staff."""
    table = views.tables().case_status
    query = select(table)
    if phase:
        query = query.where(table.c.phase == phase)
    query = query.order_by(table.c.client_code, table.c.reference).limit(limit)
    with views.connect() as conn:
        return [_status(row, day) for row in conn.execute(query)]


def case_by_payment_reference(views: Views, reference: str) -> UUID | None:
    """The case a payment reference belongs to, if any."""
    table = views.tables().case_status
    query = select(table.c.case_id).where(table.c.payment_reference == reference)
    with views.connect() as conn:
        found = conn.execute(query).scalar()
    return UUID(found) if found else None
