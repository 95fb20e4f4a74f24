"""The payments ledger of one client: each receipt, where it went.

Every payment received for a case is one line: the amount, how it was
allocated (costs first, then interest, then principal, art. 6:44 BW; what
is left over is surplus, never lost), and how it was settled (remitted to
the client, kept by the agency). A payment the bank reversed keeps its
line, and the reversal gets a line of its own with every amount negative
and ``reverses`` naming the payment, so the ledger adds up to what was
really received. Lines are oldest first by the business date they were
booked, then in the order they were recorded.

Every query filters on the client's id: a case id of another client gives
no lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select

from faircasso.domain.money import Money
from faircasso.projections.months import check_month, shift
from faircasso.projections.views import Views


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One receipt, or the reversal of one (``reverses`` names the payment).

    ``amount`` = costs + interest + principal + surplus, and ``amount`` -
    ``surplus`` = ``to_client`` + ``to_agency``.
    """

    case_id: UUID
    client_code: str
    reference: str
    payment_id: str
    received_on: date
    booked_on: date
    amount: Money
    costs: Money
    interest: Money
    principal: Money
    surplus: Money
    to_client: Money
    to_agency: Money
    source: str
    reverses: str


def payments(
    views: Views,
    client_id: UUID,
    *,
    month: str | None = None,
    case_id: UUID | None = None,
) -> list[LedgerLine]:
    """The receipts of ``client_id``, optionally of one month or one case.

    ``month`` (``YYYY-MM``) selects payments booked in that month; a
    malformed month is refused with
    :class:`~faircasso.domain.errors.InvalidValueError`.
    """
    tables = views.tables()
    ledger, status = tables.payments, tables.case_status
    query = (
        select(ledger, status.c.client_code, status.c.reference)
        .join(status, status.c.case_id == ledger.c.case_id)
        .where(
            ledger.c.client_id == client_id.hex,
            status.c.client_id == client_id.hex,
        )
        .order_by(ledger.c.booked_on, ledger.c.notification_id, ledger.c.payment_id)
    )
    if month is not None:
        check_month(month)
        query = query.where(
            ledger.c.booked_on >= f"{month}-01",
            ledger.c.booked_on < f"{shift(month, 1)}-01",
        )
    if case_id is not None:
        query = query.where(ledger.c.case_id == case_id.hex)
    with views.connect() as conn:
        return [_line(row) for row in conn.execute(query)]


def _line(row: Any) -> LedgerLine:
    def money(column: str) -> Money:
        return Money.from_cents(int(getattr(row, column)))

    return LedgerLine(
        case_id=UUID(row.case_id),
        client_code=row.client_code,
        reference=row.reference,
        payment_id=row.payment_id,
        received_on=date.fromisoformat(row.received_on),
        booked_on=date.fromisoformat(row.booked_on),
        amount=money("amount_cents"),
        costs=money("costs_cents"),
        interest=money("interest_cents"),
        principal=money("principal_cents"),
        surplus=money("surplus_cents"),
        to_client=money("to_client_cents"),
        to_agency=money("to_agency_cents"),
        source=row.source,
        reverses=row.reverses,
    )
