"""How events change the read models, gathered in memory for one batch.

:class:`ViewChanges` takes events in notification order and folds them into
the rows they touch: one case-status row per case (with its invoices and
pending deadlines as JSON), new ledger rows, and counters per client and
month for the portfolio report. Nothing is written here; the writer
flushes the changes in the transaction that records the new position.

The same fold runs for the live update after each command and for a
rebuild from the first event, which is why a rebuilt view equals the one
kept up to date.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from faircasso.domain import case_events as ev
from faircasso.domain.lifecycle import split_state
from faircasso.policies.interest import InterestState

Row = dict[str, Any]
Counter = tuple[str, str, str]
"""(client id, month ``YYYY-MM``, metric)."""


def month_of(day: date) -> str:
    """The month ``YYYY-MM`` a business date falls in."""
    return day.isoformat()[:7]


def _interest_json(state: InterestState) -> dict[str, Any]:
    return {
        "principal": state.principal.cents,
        "capitalised": state.capitalised.cents,
        "unpaid": state.unpaid_interest.cents,
        "anchor": state.anchor.isoformat(),
        "accrued_to": state.accrued_to.isoformat(),
    }


_ONE_DAY = timedelta(days=1)
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"))


def _json(value: Any) -> str:
    """Compact JSON with sorted keys, so equal rows are equal text."""
    return _ENCODER.encode(value)


def _no_loader(keys: list[str]) -> dict[str, Row]:
    return {}


class ViewChanges:
    """The rows one batch of events changes, kept until they are written."""

    def __init__(self, load_cases: Callable[[list[str]], dict[str, Row]]) -> None:
        self._load_cases = load_cases
        self.cases: dict[str, Row] = {}
        self._invoices: dict[str, dict[str, dict[str, Any]]] = {}
        self._deadlines: dict[str, dict[str, dict[str, str]]] = {}
        self.deadlines_changed: set[str] = set()
        self._final = False
        self.new_cases: set[str] = set()
        self.stored: dict[str, Row] = {}
        self.payments: list[Row] = []
        self.counters: dict[Counter, int] = {}

    # -- loading ---------------------------------------------------------------

    def prepare(
        self, events: Iterable[Any], *, new_cases_are_new: bool = False
    ) -> None:
        """Load the rows of the cases these events touch, in one query.

        With ``new_cases_are_new``, a case opened by these events is known
        to have no row yet (the events were just recorded), which spares
        looking for one.
        """
        opened: set[str] = set()
        wanted: dict[str, None] = {}
        for event in events:
            key = event.originator_id.hex
            if isinstance(event, ev.CaseOpened) and new_cases_are_new:
                opened.add(key)
            elif key not in opened and key not in self.cases:
                wanted[key] = None
        if wanted:
            for key, row in self._load_cases(list(wanted)).items():
                self._keep(key, row)

    def _keep(self, key: str, row: Row) -> None:
        self.cases[key] = row
        self.stored[key] = dict(row)

    def forget_loader(self) -> None:
        """Keep only what writing needs, to send the changes to another process.

        Call after :meth:`rows`: the rows then carry their JSON columns, so
        the parsed invoices and the rows as first read are not needed.
        """
        self._load_cases = _no_loader
        self._invoices = {}
        self.stored = {}
        self._final = True

    def keep_stored(self, key: str, row: Row) -> None:
        """Use ``row`` as read from the database for a case not yet changed."""
        self._invoices.pop(key, None)
        self._deadlines.pop(key, None)
        self._keep(key, row)

    def rows(self) -> list[Row]:
        """The changed case rows, with their JSON columns brought up to date.

        The JSON columns are read only by events that change them, and
        written back only then; most events touch neither.
        """
        if self._final:
            return list(self.cases.values())
        result = []
        for key, row in self.cases.items():
            invoices = self._invoices.get(key)
            if invoices is not None:
                listed = list(invoices.values())
                row["invoices"] = _json(listed)
                _recompute_totals(row, listed)
            if key in self.deadlines_changed:
                pending = sorted(self._deadlines[key].values(), key=lambda d: d["key"])
                row["deadlines"] = _json(pending)
            result.append(row)
        return result

    def deadlines_of(self, key: str) -> list[dict[str, str]]:
        """The pending deadlines of a case."""
        return list(self._pending(key).values())

    def pending_deadlines(self, key: str) -> dict[str, dict[str, str]]:
        """The pending deadlines of a case, to change; marks them changed."""
        self.deadlines_changed.add(key)
        return self._pending(key)

    def _pending(self, key: str) -> dict[str, dict[str, str]]:
        pending = self._deadlines.get(key)
        if pending is None:
            stored = json.loads(self.cases[key]["deadlines"])
            pending = self._deadlines[key] = {d["key"]: d for d in stored}
        return pending

    def invoices_of(self, key: str) -> dict[str, dict[str, Any]]:
        """The invoices of a case, by number, to change."""
        invoices = self._invoices.get(key)
        if invoices is None:
            stored = json.loads(self.cases[key]["invoices"])
            invoices = self._invoices[key] = {i["number"]: i for i in stored}
        return invoices

    # -- applying --------------------------------------------------------------

    def apply(self, notification_id: int, event: Any) -> None:
        """Fold one event into the rows it changes, unless it is in them already.

        A case row keeps the version of the last event of its case applied
        to it; an event of that version or older is skipped. That makes
        every event count once, whichever way it reaches the views.
        """
        handler = _HANDLERS.get(type(event).__name__)
        key = event.originator_id.hex
        row = self.cases.get(key)
        if isinstance(event, ev.CaseOpened):
            if row is None:
                self._opened(event)
            return
        if row is None or event.originator_version <= row["version"]:
            return
        row["version"] = event.originator_version
        if isinstance(event, ev._Moved):
            self._moved(row, event)
        if handler is not None:
            handler(self, key, row, notification_id, event)

    def _count(self, client_id: str, day: date, metric: str, value: int = 1) -> None:
        counter = (client_id, month_of(day), metric)
        self.counters[counter] = self.counters.get(counter, 0) + value

    def _opened(self, event: ev.CaseOpened) -> None:
        key = event.originator_id.hex
        phase, step = split_state(event.state)
        principal = sum(i.principal.cents for i in event.invoices)
        row: Row = {
            "case_id": key,
            "client_id": event.client_id.hex,
            "client_code": event.client_code,
            "reference": event.reference,
            "debtor_name": event.debtor.name,
            "debtor_kind": event.debtor.kind.value,
            "state": event.state,
            "phase": phase.value,
            "step": step,
            "state_since": event.on.isoformat(),
            "principal_cents": principal,
            "costs_charged_cents": 0,
            "paid_cents": 0,
            "surplus_cents": 0,
            "to_client_cents": 0,
            "to_agency_cents": 0,
            "handling_fee_due_cents": 0,
            "interest_kind": event.interest_kind.value,
            "interest_frozen": False,
            "assessment": "",
            "payment_reference": event.payment_reference,
            "opened_on": event.on.isoformat(),
            "last_activity_on": event.on.isoformat(),
            "closed_on": "",
            "close_reason": "",
            "version": event.originator_version,
            "invoices": "[]",
            "deadlines": "[]",
        }
        self._keep(key, row)
        self.new_cases.add(key)
        self._deadlines[key] = {
            ev.limitation_key(invoice.number): {
                "key": ev.limitation_key(invoice.number),
                "kind": "limitation",
                "due_on": limit.isoformat(),
                "subject": invoice.number,
            }
            for invoice, limit in zip(
                event.invoices, event.limitation_dates, strict=True
            )
            if limit is not None
        }
        self.deadlines_changed.add(key)
        self._invoices[key] = {
            invoice.number: _opened_invoice(invoice, limit)
            for invoice, limit in zip(
                event.invoices, event.limitation_dates, strict=True
            )
        }
        client = event.client_id.hex
        self._count(client, event.on, "opened")
        self._count(client, event.on, "principal_in_cents", principal)
        self._count(client, event.on, f"phase:{phase.value}")

    def _moved(self, row: Row, event: Any) -> None:
        old_phase = row["phase"]
        phase, step = split_state(event.state)
        if event.state != row["state"]:
            row["state_since"] = event.on.isoformat()
        row["state"], row["phase"], row["step"] = event.state, phase.value, step
        row["last_activity_on"] = max(row["last_activity_on"], event.on.isoformat())
        if phase.value != old_phase:
            self._count(row["client_id"], event.on, f"phase:{old_phase}", -1)
            self._count(row["client_id"], event.on, f"phase:{phase.value}")


def _opened_invoice(invoice: Any, limit: date | None) -> dict[str, Any]:
    principal = invoice.principal.cents
    # The state ev.opening_interest_state gives, written out directly.
    start = (invoice.due_date + _ONE_DAY).isoformat()
    return {
        "number": invoice.number,
        "invoice_date": invoice.invoice_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "principal": principal,
        "costs_open": 0,
        "interest": {
            "principal": principal,
            "capitalised": 0,
            "unpaid": 0,
            "anchor": start,
            "accrued_to": start,
        },
        "limitation_date": limit.isoformat() if limit else "",
        "time_barred": False,
    }


def _recompute_totals(row: Row, invoices: list[dict[str, Any]]) -> None:
    row["principal_open_cents"] = sum(i["interest"]["principal"] for i in invoices)
    row["interest_open_cents"] = sum(i["interest"]["unpaid"] for i in invoices)
    row["costs_open_cents"] = sum(i["costs_open"] for i in invoices)
    row["balance_cents"] = (
        row["principal_open_cents"]
        + row["interest_open_cents"]
        + row["costs_open_cents"]
    )


# -- per-event handlers ----------------------------------------------------------

Handler = Callable[[ViewChanges, str, Row, int, Any], None]


def _touch(row: Row, event: Any) -> None:
    row["last_activity_on"] = max(row["last_activity_on"], event.on.isoformat())


def _deadline_set(vc: ViewChanges, key: str, row: Row, _n: int, e: Any) -> None:
    d = e.deadline
    vc.pending_deadlines(key)[d.key] = {
        "key": d.key,
        "kind": d.kind.value,
        "due_on": d.due_on.isoformat(),
        "subject": d.subject,
    }


def _deadline_fired(vc: ViewChanges, key: str, row: Row, _n: int, e: Any) -> None:
    vc.pending_deadlines(key).pop(e.key, None)


def _drop_instalments(vc: ViewChanges, key: str, row: Row, _n: int, e: Any) -> None:
    pending = vc.pending_deadlines(key)
    for name in [k for k, d in pending.items() if d["kind"] == "instalment"]:
        del pending[name]
    row["interest_frozen"] = False


def _costs(vc: ViewChanges, key: str, row: Row, _n: int, e: ev.CostsCharged) -> None:
    row["costs_charged_cents"] += e.total.cents
    for share in e.shares:
        vc.invoices_of(key)[share.invoice_number]["costs_open"] += share.amount.cents
    _touch(row, e)


def _interest(vc: ViewChanges, key: str, row: Row, _n: int, e: Any) -> None:
    for line in e.lines:
        invoice = vc.invoices_of(key)[line.invoice_number]
        invoice["interest"] = _interest_json(line.state_after)


def _paid(vc: ViewChanges, key: str, row: Row, n: int, e: ev.PaymentReceived) -> None:
    principal = 0
    for share in e.shares:
        invoice = vc.invoices_of(key)[share.invoice_number]
        invoice["costs_open"] -= share.costs.cents
        invoice["interest"] = _interest_json(share.interest_after)
        principal += share.principal.cents
    row["paid_cents"] += e.amount.cents
    row["surplus_cents"] += e.surplus.cents
    row["to_client_cents"] += e.to_client.cents
    row["to_agency_cents"] += e.to_agency.cents
    _touch(row, e)
    vc.payments.append(_ledger_row(row, n, e))
    client = row["client_id"]
    vc._count(client, e.on, "payments")
    vc._count(client, e.on, "collected_cents", e.amount.cents - e.surplus.cents)
    vc._count(client, e.on, "remitted_cents", e.to_client.cents)
    vc._count(client, e.on, "agency_cents", e.to_agency.cents)
    vc._count(client, e.on, "principal_collected_cents", principal)


def _ledger_row(row: Row, n: int, e: ev.PaymentReceived) -> Row:
    return {
        "case_id": row["case_id"],
        "payment_id": e.payment_id,
        "client_id": row["client_id"],
        "received_on": e.received_on.isoformat(),
        "booked_on": e.on.isoformat(),
        "amount_cents": e.amount.cents,
        "costs_cents": sum(s.costs.cents for s in e.shares),
        "interest_cents": sum(s.interest.cents for s in e.shares),
        "principal_cents": sum(s.principal.cents for s in e.shares),
        "surplus_cents": e.surplus.cents,
        "to_client_cents": e.to_client.cents,
        "to_agency_cents": e.to_agency.cents,
        "source": e.source,
        "reverses": "",
        "notification_id": n,
    }


def _reversed(
    vc: ViewChanges, key: str, row: Row, n: int, e: ev.PaymentReversed
) -> None:
    # What the payment paid off is owed again; the ledger gets a line of
    # its own, every amount negative, and the counters go back by as much.
    principal = 0
    for share in e.shares:
        invoice = vc.invoices_of(key)[share.invoice_number]
        invoice["costs_open"] += share.costs.cents
        invoice["interest"] = _interest_json(share.interest_after)
        principal += share.principal.cents
    row["paid_cents"] -= e.amount.cents
    row["surplus_cents"] -= e.surplus.cents
    row["to_client_cents"] -= e.to_client.cents
    row["to_agency_cents"] -= e.to_agency.cents
    _touch(row, e)
    vc.payments.append(_reversal_row(row, n, e))
    client = row["client_id"]
    vc._count(client, e.on, "reversals")
    vc._count(client, e.on, "collected_cents", e.surplus.cents - e.amount.cents)
    vc._count(client, e.on, "remitted_cents", -e.to_client.cents)
    vc._count(client, e.on, "agency_cents", -e.to_agency.cents)
    vc._count(client, e.on, "principal_collected_cents", -principal)


def _reversal_row(row: Row, n: int, e: ev.PaymentReversed) -> Row:
    return {
        "case_id": row["case_id"],
        "payment_id": e.reversal_id or f"reversal:{e.payment_id}",
        "client_id": row["client_id"],
        "received_on": e.on.isoformat(),
        "booked_on": e.on.isoformat(),
        "amount_cents": -e.amount.cents,
        "costs_cents": -sum(s.costs.cents for s in e.shares),
        "interest_cents": -sum(s.interest.cents for s in e.shares),
        "principal_cents": -sum(s.principal.cents for s in e.shares),
        "surplus_cents": -e.surplus.cents,
        "to_client_cents": -e.to_client.cents,
        "to_agency_cents": -e.to_agency.cents,
        "source": e.reason,
        "reverses": e.payment_id,
        "notification_id": n,
    }


def _credited(
    vc: ViewChanges, key: str, row: Row, _n: int, e: ev.CreditNoteRecorded
) -> None:
    # The principal shown is as handed in less credit notes, as on the case.
    invoice = vc.invoices_of(key)[e.invoice_number]
    invoice["interest"] = _interest_json(e.interest_after)
    invoice["credited"] = invoice.get("credited", 0) + e.amount.cents
    row["principal_cents"] -= e.amount.cents
    _touch(row, e)
    vc._count(row["client_id"], e.on, "principal_credited_cents", e.amount.cents)


def _agreed(vc: ViewChanges, key: str, row: Row, _n: int, e: Any) -> None:
    row["interest_frozen"] = True


def _assessed(vc: ViewChanges, key: str, row: Row, _n: int, e: Any) -> None:
    row["assessment"] = e.assessment.value
    _touch(row, e)


def _renewed(vc: ViewChanges, key: str, row: Row, _n: int, e: Any) -> None:
    vc.invoices_of(key)[e.invoice_number]["limitation_date"] = (
        e.limitation_date.isoformat()
    )


def _barred(vc: ViewChanges, key: str, row: Row, _n: int, e: Any) -> None:
    vc.invoices_of(key)[e.invoice_number]["time_barred"] = True


def _closed(vc: ViewChanges, key: str, row: Row, _n: int, e: ev.CaseClosed) -> None:
    row["closed_on"] = e.on.isoformat()
    row["close_reason"] = e.reason.value
    row["handling_fee_due_cents"] = e.handling_fee_due.cents
    row["interest_frozen"] = False
    vc.pending_deadlines(key).clear()
    vc._count(row["client_id"], e.on, f"closed:{e.reason.value}")
    vc._count(row["client_id"], e.on, "handling_fee_cents", e.handling_fee_due.cents)


def _touched(vc: ViewChanges, key: str, row: Row, _n: int, e: Any) -> None:
    _touch(row, e)


_HANDLERS: dict[str, Handler] = {
    "DeadlineSet": _deadline_set,
    "DeadlineFired": _deadline_fired,
    "ArrangementDefaulted": _drop_instalments,
    "ArrangementDeclined": _drop_instalments,
    "Referred": _drop_instalments,
    "CostsCharged": _costs,
    "InterestAccrued": _interest,
    "PaymentReceived": _paid,
    "PaymentReversed": _reversed,
    "CreditNoteRecorded": _credited,
    "ArrangementAgreed": _agreed,
    "DebtorAssessed": _assessed,
    "LimitationRenewed": _renewed,
    "ClaimTimeBarred": _barred,
    "CaseClosed": _closed,
    "ContactRecorded": _touched,
    "CourtLeaveGranted": _touched,
    "InstalmentMissed": _touched,
}
