"""The work list: what staff must act on, on a given day.

Four kinds of item, read from the deadline and case-status views:

- deadlines due on or before the day: a fourteen-day term that is over,
  an instalment that came due. Advancing the clock deals with them; until
  it has, they are listed, so nothing due is overlooked;
- limitation dates within the horizon (90 days by default) after the
  day, and any that passed unhandled: an invoice that becomes time-barred
  can no longer be enforced, so staff must interrupt limitation (a
  reminder, an acknowledgement) or act in court before that date.
  Invoices already paid off or marked time-barred are left out;
- legal-track proposals awaiting the client's decision, since the day
  they were made;
- arrangement proposals awaiting the debtor's agreement, likewise.

With ``client_id`` the list holds that client's cases only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import and_, or_, select

from faircasso.domain.books import DeadlineKind
from faircasso.projections.views import Views

HORIZON_DAYS = 90


class WorkKind(StrEnum):
    """What a work-list item asks for."""

    LETTER_TERM = "letter_term"
    INSTALMENT = "instalment"
    LIMITATION = "limitation"
    LEGAL_PROPOSAL = "legal_proposal"
    ARRANGEMENT_PROPOSAL = "arrangement_proposal"


_WAITING = {
    "legal.proposed": WorkKind.LEGAL_PROPOSAL,
    "arrangement.proposed": WorkKind.ARRANGEMENT_PROPOSAL,
}


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One thing to act on for one case.

    ``due_on`` is the day it fell or falls due: a deadline's date, the day
    an invoice becomes time-barred, or the day a proposal was made (the
    day the wait began). ``subject`` is the invoice or instalment number,
    empty when the item is about the whole case.
    """

    case_id: UUID
    client_code: str
    reference: str
    kind: WorkKind
    due_on: date
    subject: str
    description: str


def work_list(
    views: Views,
    day: date,
    *,
    client_id: UUID | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> list[WorkItem]:
    """What is due on ``day``, oldest first, then by client and case."""
    items = _deadline_items(views, day, client_id, day + timedelta(horizon_days))
    items += _waiting_items(views, client_id)
    return sorted(
        items,
        key=lambda i: (i.due_on, i.client_code, i.reference, i.kind, i.subject),
    )


def _deadline_items(
    views: Views, day: date, client_id: UUID | None, horizon_end: date
) -> list[WorkItem]:
    tables = views.tables()
    deadlines, status = tables.deadlines, tables.case_status
    limitation = DeadlineKind.LIMITATION.value
    query = (
        select(
            deadlines.c.case_id,
            deadlines.c.kind,
            deadlines.c.due_on,
            deadlines.c.subject,
            status.c.client_code,
            status.c.reference,
            status.c.invoices,
        )
        .join(status, status.c.case_id == deadlines.c.case_id)
        .where(
            or_(
                and_(
                    deadlines.c.kind != limitation,
                    deadlines.c.due_on <= day.isoformat(),
                ),
                and_(
                    deadlines.c.kind == limitation,
                    deadlines.c.due_on <= horizon_end.isoformat(),
                ),
            )
        )
    )
    if client_id is not None:
        query = query.where(
            deadlines.c.client_id == client_id.hex,
            status.c.client_id == client_id.hex,
        )
    with views.connect() as conn:
        rows = list(conn.execute(query))
    return [_deadline_item(row) for row in rows if _still_open(row)]


def _still_open(row: Any) -> bool:
    """False for a limitation date of an invoice that needs no more action."""
    if row.kind != DeadlineKind.LIMITATION.value:
        return True
    for invoice in json.loads(row.invoices):
        if invoice["number"] == row.subject:
            return invoice["interest"]["principal"] > 0 and not invoice["time_barred"]
    return True


def _deadline_item(row: Any) -> WorkItem:
    kind = WorkKind(row.kind)
    return WorkItem(
        case_id=UUID(row.case_id),
        client_code=row.client_code,
        reference=row.reference,
        kind=kind,
        due_on=date.fromisoformat(row.due_on),
        subject=row.subject,
        description=_describe(kind, row.subject),
    )


def _waiting_items(views: Views, client_id: UUID | None) -> list[WorkItem]:
    status = views.tables().case_status
    query = select(
        status.c.case_id,
        status.c.client_code,
        status.c.reference,
        status.c.state,
        status.c.state_since,
    ).where(status.c.state.in_(list(_WAITING)))
    if client_id is not None:
        query = query.where(status.c.client_id == client_id.hex)
    with views.connect() as conn:
        rows = list(conn.execute(query))
    return [
        WorkItem(
            case_id=UUID(row.case_id),
            client_code=row.client_code,
            reference=row.reference,
            kind=_WAITING[row.state],
            due_on=date.fromisoformat(row.state_since),
            subject="",
            description=_describe(_WAITING[row.state], ""),
        )
        for row in rows
    ]


def _describe(kind: WorkKind, subject: str) -> str:
    """What is due, in words."""
    if kind is WorkKind.LETTER_TERM:
        return "fourteen-day term over: collection costs may be charged"
    if kind is WorkKind.INSTALMENT:
        return f"instalment {subject} due"
    if kind is WorkKind.LIMITATION:
        return f"invoice {subject} becomes time-barred: interrupt or act before"
    if kind is WorkKind.LEGAL_PROPOSAL:
        return "legal track proposed: awaiting the client's decision"
    return "arrangement proposed: awaiting the debtor's agreement"
