"""The case (dossier): an event-sourced aggregate that follows the lifecycle.

A command method checks its inputs, asks the lifecycle machine whether the
step may happen, computes what the law says through the policies, and then
records one or more events. Nothing is changed by a refused command: every
check runs before the first event is triggered.

Money conventions: every amount is a :class:`Money` in EUR. A case's
``balance`` is what is owed as accrued so far (costs, interest up to the
last accrual, principal); :meth:`Case.balance_on` adds the interest that
has run since, without recording it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from faircasso.domain import case_events as ev
from faircasso.domain import rules
from faircasso.domain.books import (
    Arrangement,
    Deadline,
    DeadlineKind,
    InvoiceBook,
)
from faircasso.domain.case_legal import CaseLegal
from faircasso.domain.case_money import CaseMoney
from faircasso.domain.errors import (
    CommandNotAllowedError,
    InvalidInvoiceError,
    InvalidValueError,
    ReferralPauseError,
)
from faircasso.domain.lifecycle import Guard, Phase, decide, split_state
from faircasso.domain.money import Money
from faircasso.domain.values import (
    Agreement,
    Assessment,
    BusinessCosts,
    CloseReason,
    ContactChannel,
    Debtor,
    DebtorKind,
    Invoice,
    ReferralKind,
    ReferralOutcome,
    require_text,
)
from faircasso.policies.interest import InterestKind

_REFERRAL_TRIGGERS = {
    ReferralKind.BUDGET_GUIDANCE: "refer_budget_guidance",
    ReferralKind.DEBT_HELP: "refer_debt_help",
    ReferralKind.WSNP: "refer_wsnp",
}

_MANUAL_CLOSE_REASONS = frozenset(
    {CloseReason.UNCOLLECTABLE, CloseReason.TIME_BARRED, CloseReason.PAID}
)


class Case(CaseLegal, CaseMoney, Aggregate):
    """A collection case: one client's claim of one or more invoices."""

    client_id: UUID
    client_code: str
    reference: str
    debtor: Debtor
    agreement: Agreement
    interest_kind: InterestKind
    payment_reference: str
    state: str
    opened_on: date
    last_on: date
    books: dict[str, InvoiceBook]
    deadlines: dict[str, Deadline]
    arrangement: Arrangement | None
    assessment: Assessment | None
    court_leave: bool
    received: Money
    surplus: Money
    to_client: Money
    to_agency: Money
    letter_term_ends_on: date | None
    collection_costs_on: date | None
    close_reason: CloseReason | None
    closed_on: date | None
    handling_fee_due: Money
    payments: dict[str, ev.PaymentRecord]

    def __init__(self) -> None:
        """State comes from the events; see the class method that makes one."""

    def __deepcopy__(self, memo: dict[int, object]) -> Case:
        """A copy sharing the immutable values; events replace, never edit them."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.__dict__["_pending_events"] = []
        return clone

    # -- opening ---------------------------------------------------------------

    @classmethod
    def open(
        cls,
        *,
        case_id: UUID,
        client_id: UUID,
        client_code: str,
        agreement: Agreement,
        reference: str,
        debtor: Debtor,
        invoices: Sequence[Invoice],
        payment_reference: str,
        on: date,
    ) -> Case:
        """Open a case; a business client's case is accepted as it opens.

        A private individual's claim waits in intake until the agency has
        assessed it and calls :meth:`accept` or :meth:`reject`. Otherwise
        the lifecycle's acceptance is decided here and the case opens in
        amicable collection, in one event.
        """
        reference = require_text("case reference", reference, max_length=64)
        _check_invoices(reference, invoices, on)
        limits = [rules.limitation(invoice, ()) for invoice in invoices]
        state = "intake.registered"
        if not agreement.private_individual:
            state = decide(state, "accept", case_label=reference)
        case = cls._create(
            ev.CaseOpened,
            id=case_id,
            on=on,
            client_id=client_id,
            client_code=client_code,
            reference=reference,
            debtor=debtor,
            invoices=tuple(invoices),
            agreement=agreement,
            interest_kind=rules.interest_kind_for(debtor.kind),
            payment_reference=payment_reference,
            limitation_dates=tuple(limit.date for limit in limits),
            state=state,
            rules=tuple(limit.record for limit in limits),
        )
        if not agreement.private_individual:
            case._charge_business_costs(on)
        return case

    # -- reading ---------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        """The phase the case is in."""
        return split_state(self.state)[0]

    @property
    def step(self) -> str:
        """The step within the phase; empty for a closed case."""
        return split_state(self.state)[1]

    @property
    def is_open(self) -> bool:
        """True until the case is closed."""
        return self.phase is not Phase.CLOSED

    @property
    def label(self) -> str:
        """How messages name the case: the client's own reference."""
        return self.reference

    def next_deadline(self) -> Deadline | None:
        """The earliest pending deadline, if any."""
        pending = sorted(self.deadlines.values(), key=lambda d: (d.due_on, d.key))
        return pending[0] if pending else None

    def due_deadlines(self, on: date) -> list[Deadline]:
        """Pending deadlines due on or before ``on``, earliest first."""
        due = [d for d in self.deadlines.values() if d.due_on <= on]
        return sorted(due, key=lambda d: (d.due_on, d.key))

    # -- intake ----------------------------------------------------------------

    def accept(self, on: date) -> None:
        """Take the case in; business debtors owe costs per the agreement.

        Between businesses the costs are due without a reminder (art.
        6:96(4) BW), so they are charged now: the BIK scale, the flat
        commercial minimum, or none, as the client agreed.
        """
        state = self._decide("accept", on)
        self.trigger_event(ev.CaseAccepted, on=on, state=state)
        self._charge_business_costs(on)

    def _charge_business_costs(self, on: date) -> None:
        if self.debtor.kind is not DebtorKind.BUSINESS:
            return
        terms = self.agreement.business_costs
        if terms is BusinessCosts.SCALE:
            self._charge_collection_costs(on, base=self.principal_open)
        elif terms is BusinessCosts.MINIMUM:
            costs = rules.commercial_minimum(on)
            self._charge(on, "collection", costs.amount, (costs.record,))

    def reject(self, on: date) -> None:
        """Refuse the case at intake; it closes without a handling fee."""
        state = self._decide("reject", on)
        self._record_close(on, state, CloseReason.REJECTED_AT_INTAKE, fee=False)

    # -- amicable --------------------------------------------------------------

    def send_letter(self, on: date) -> None:
        """Record the fourteen-day letter sent on ``on`` (art. 6:96(6) BW).

        For a consumer the letter announces the collection costs on the
        principal still open, and sets the deadline after which they are
        due. The letter is a written reminder, so it interrupts limitation.
        """
        state = self._decide("send_letter", on)
        term = rules.letter_term(on)
        announced = self._collection_costs(on, self.principal_open)
        self.trigger_event(
            ev.LetterSent,
            on=on,
            state=state,
            delivered_on=term.delivered_on,
            term_ends_on=term.term_ends_on,
            costs_due_from=term.costs_due_from,
            announced_costs=announced.amount,
            rules=(term.record, announced.record),
        )
        if self.debtor.kind is DebtorKind.CONSUMER:
            self._set_deadline(
                on, "letter_term", DeadlineKind.LETTER_TERM, term.costs_due_from
            )
        self._interrupt_limitation(on)

    def send_reminder(self, on: date) -> None:
        """Record a written reminder; it interrupts limitation (art. 3:317 BW)."""
        state = self._decide("send_reminder", on)
        self.trigger_event(ev.ReminderSent, on=on, state=state)
        self._interrupt_limitation(on)

    def record_contact(self, on: date, channel: ContactChannel, summary: str) -> None:
        """Record that the agency and the debtor were in touch."""
        self._decide("record_contact", on)
        summary = summary.strip()[:500]
        self.trigger_event(ev.ContactRecorded, on=on, channel=channel, summary=summary)

    def assess(self, on: date, assessment: Assessment, note: str = "") -> None:
        """Record the debtor assessment and the route it calls for."""
        self._decide("assess", on)
        route = rules.triage(assessment)
        self.trigger_event(
            ev.DebtorAssessed,
            on=on,
            assessment=assessment,
            note=note.strip()[:500],
            rules=(route,),
        )

    def charge_collection_costs(self, on: date) -> None:
        """Charge the collection costs on the principal still open.

        Refused for a consumer before the fourteen-day term has passed, and
        once collection costs were charged: they are charged once a case.
        """
        self._decide("charge_costs", on)
        term_end = self.letter_term_ends_on
        if self.debtor.kind is DebtorKind.CONSUMER and (
            term_end is None or on <= term_end
        ):
            until = term_end.isoformat() if term_end else "a letter is sent"
            raise CommandNotAllowedError(
                self.label,
                "charge collection costs",
                self.phase.value,
                self.step,
                reason=f"the 14-day term runs until {until}",
            )
        if self.collection_costs_on is not None:
            raise CommandNotAllowedError(
                self.label,
                "charge collection costs",
                self.phase.value,
                self.step,
                reason=f"collection costs were charged on "
                f"{self.collection_costs_on.isoformat()}; they are charged once",
            )
        self._charge_collection_costs(on, base=self.principal_open)

    # -- arrangement -----------------------------------------------------------

    def propose_arrangement(
        self,
        on: date,
        *,
        instalments: int,
        first_due: date,
        interval_months: int = 1,
    ) -> None:
        """Propose paying the balance on ``on`` in equal instalments."""
        if not 1 <= instalments <= 120:
            raise InvalidValueError("number of instalments", instalments, "1 to 120")
        if first_due < on:
            raise InvalidValueError(
                "first instalment date", first_due.isoformat(), f"on or after {on}"
            )
        state = self._decide("propose_arrangement", on)
        # The schedule may refuse the plan: make it before recording anything.
        owed = self.balance_on(on)
        schedule = rules.schedule(owed, instalments, first_due, interval_months)
        self._accrue_interest(on)
        self.trigger_event(
            ev.ArrangementProposed,
            on=on,
            state=state,
            instalments=schedule.instalments,
            tolerance=self.agreement.instalment_tolerance,
            rules=(schedule.record,),
        )

    def agree_arrangement(self, on: date) -> None:
        """Record the debtor's agreement; interest stops while it runs.

        The plan asks the balance of the day it was proposed; interest of
        the days until the agreement is not charged, so paying every
        instalment clears the case.
        """
        state = self._decide("agree_arrangement", on)
        self._skip_interest_until(on)
        self.trigger_event(ev.ArrangementAgreed, on=on, state=state)
        arrangement = self._active_arrangement("agree arrangement")
        for instalment in arrangement.instalments:
            self._set_deadline(
                on,
                f"instalment:{instalment.number}",
                DeadlineKind.INSTALMENT,
                instalment.due_on + timedelta(days=1),
                str(instalment.number),
            )
        self._interrupt_limitation(on)

    def decline_arrangement(self, on: date) -> None:
        """Record that the debtor did not agree to the proposed plan."""
        state = self._decide("decline_arrangement", on)
        self.trigger_event(ev.ArrangementDeclined, on=on, state=state)

    def record_instalment_missed(self, on: date, number: int) -> None:
        """Record an unpaid instalment; past the tolerance the plan defaults."""
        self._decide("miss_instalment", on)
        arrangement = self._active_arrangement("record a missed instalment")
        if not any(i.number == number for i in arrangement.instalments):
            known = len(arrangement.instalments)
            raise InvalidValueError("instalment number", number, f"1 to {known}")
        if number in arrangement.missed_numbers:
            raise InvalidValueError(
                "instalment number", number, "an instalment not yet recorded as missed"
            )
        self.trigger_event(ev.InstalmentMissed, on=on, number=number)
        if rules.in_default(arrangement.missed + 1, arrangement.tolerance):
            state = self._decide("default_arrangement", on)
            self.trigger_event(ev.ArrangementDefaulted, on=on, state=state)
            self._skip_interest_until(on)

    def _active_arrangement(self, command: str) -> Arrangement:
        if self.arrangement is None or self.arrangement.agreed_on is None:
            raise CommandNotAllowedError(
                self.label,
                command,
                self.phase.value,
                self.step,
                reason="no agreed arrangement",
            )
        return self.arrangement

    # -- referral --------------------------------------------------------------

    def refer(self, on: date, kind: ReferralKind) -> None:
        """Refer the debtor for help; collection pauses, no costs are added."""
        state = self._decide(_REFERRAL_TRIGGERS[kind], on)
        had_agreed_plan = self._has_agreed_arrangement()
        self.trigger_event(ev.Referred, on=on, state=state, kind=kind)
        if had_agreed_plan:
            self._skip_interest_until(on)

    def end_referral(self, on: date, outcome: ReferralOutcome) -> None:
        """Record how the referral ended; a settlement or write-off closes."""
        if outcome is ReferralOutcome.HELP_ENDED:
            state = self._decide("end_referral", on)
            self.trigger_event(ev.ReferralEnded, on=on, state=state, outcome=outcome)
            return
        state = self._decide("settle_referral", on)
        reason = (
            CloseReason.SETTLED_THROUGH_DEBT_HELP
            if outcome is ReferralOutcome.DEBT_SETTLEMENT
            else CloseReason.UNCOLLECTABLE
        )
        self._record_close(on, state, reason)

    # -- closing ---------------------------------------------------------------

    def withdraw(self, on: date) -> None:
        """The client ends the assignment; the case closes without result."""
        state = self._decide("withdraw", on)
        self._record_close(on, state, CloseReason.WITHDRAWN_BY_CLIENT)

    def close(self, on: date, reason: CloseReason) -> None:
        """Close the case for ``reason`` (uncollectable, time-barred, paid)."""
        if reason not in _MANUAL_CLOSE_REASONS:
            allowed = ", ".join(sorted(r.value for r in _MANUAL_CLOSE_REASONS))
            raise InvalidValueError("close reason", reason.value, f"one of {allowed}")
        state = self._decide("close", on)
        if reason is CloseReason.PAID and not self.balance_on(on).is_zero():
            raise CommandNotAllowedError(
                self.label,
                "close as paid",
                self.phase.value,
                self.step,
                reason=f"the balance is still {self.balance_on(on)}",
            )
        self._record_close(on, state, reason)

    def _record_close(
        self, on: date, state: str, reason: CloseReason, *, fee: bool = True
    ) -> None:
        settlement = rules.closing(
            with_result=reason.with_result or not fee,
            handling_fee=self.agreement.handling_fee,
            costs_received=self.to_agency,
        )
        self.trigger_event(
            ev.CaseClosed,
            on=on,
            state=state,
            reason=reason,
            handling_fee_due=settlement.amount_due,
            rules=(settlement.record,),
        )

    # -- time ------------------------------------------------------------------

    def fire_deadlines(self, on: date) -> int:
        """Deal with every deadline due on or before ``on``; return how many.

        Each deadline fires once: its firing is recorded with it, and the
        consequences (costs after the letter term, a missed instalment, a
        time-barred invoice) are recorded by the same call.
        """
        fired = 0
        for deadline in self.due_deadlines(on):
            if deadline.key not in self.deadlines:
                continue
            self._fire(deadline)
            fired += 1
        return fired

    def _fire(self, deadline: Deadline) -> None:
        day = max(deadline.due_on, self.last_on)
        self.trigger_event(ev.DeadlineFired, on=day, key=deadline.key)
        if deadline.kind is DeadlineKind.LETTER_TERM:
            self._letter_term_ended(day)
        elif deadline.kind is DeadlineKind.INSTALMENT:
            self._instalment_due(day, int(deadline.subject))
        elif deadline.kind is DeadlineKind.LIMITATION:
            self._limitation_reached(day, deadline.subject)

    def _letter_term_ended(self, on: date) -> None:
        """The term passed: consumer costs are due if collection still runs.

        A reminder sent during the term does not take the costs away; an
        arrangement, a referral or the legal track reached meanwhile does.
        """
        if self.state == "amicable.letter_sent":
            state = self._decide("end_term", on)
            self.trigger_event(ev.TermEnded, on=on, state=state)
        if self.phase is Phase.AMICABLE and self.debtor.kind is DebtorKind.CONSUMER:
            self._charge_collection_costs(on, base=self.principal_open)

    def _instalment_due(self, on: date, number: int) -> None:
        arrangement = self.arrangement
        if self.state != "arrangement.active" or arrangement is None:
            return
        missed = number in arrangement.missed_numbers
        if not missed and arrangement.paid < arrangement.due_through(number):
            self.record_instalment_missed(on, number)

    def _limitation_reached(self, on: date, invoice_number: str) -> None:
        book = self.books[invoice_number]
        if book.principal_open.is_positive() and not book.time_barred:
            self.trigger_event(ev.ClaimTimeBarred, on=on, invoice_number=book.number)

    def _set_deadline(
        self, on: date, key: str, kind: DeadlineKind, due_on: date, subject: str = ""
    ) -> None:
        deadline = Deadline(key=key, kind=kind, due_on=due_on, subject=subject)
        self.trigger_event(ev.DeadlineSet, on=on, deadline=deadline)

    def _interrupt_limitation(self, on: date) -> None:
        for book in list(self.books.values()):
            if book.principal_open.is_zero() or book.time_barred:
                continue
            # Limitation runs from the due date: before it, nothing to interrupt.
            if on < book.invoice.due_date:
                continue
            result = rules.limitation(
                book.invoice, (*book.interruptions, on), running=book.limitation_date
            )
            if result.date == book.limitation_date:
                continue
            self.trigger_event(
                ev.LimitationRenewed,
                on=on,
                invoice_number=book.number,
                limitation_date=result.date,
                rules=(result.record,),
            )
            self._set_deadline(
                on,
                ev.limitation_key(book.number),
                DeadlineKind.LIMITATION,
                result.date,
                book.number,
            )

    # -- deciding ----------------------------------------------------------------

    def _decide(
        self, trigger: str, on: date, *, guards: dict[str, Guard] | None = None
    ) -> str:
        if self.is_open and on < self.last_on:
            raise InvalidValueError(
                "business date",
                on.isoformat(),
                f"{self.last_on.isoformat()} or later for case {self.label}; "
                "business dates of a case never go back",
            )
        if self.is_open and trigger == "charge_costs" and self.phase is Phase.REFERRAL:
            raise ReferralPauseError(
                self.label,
                "charge costs",
                self.phase.value,
                self.step,
                reason="collection is paused while the debtor is referred for help",
            )
        return decide(self.state, trigger, case_label=self.label, guards=guards)


def _check_invoices(reference: str, invoices: Sequence[Invoice], on: date) -> None:
    if not invoices:
        raise InvalidValueError(
            "invoices", [], f"at least one invoice for case {reference}"
        )
    numbers = [invoice.number for invoice in invoices]
    not_due = [i for i in invoices if i.due_date >= on]
    if not_due:
        invoice = not_due[0]
        raise InvalidInvoiceError(
            invoice.number,
            f"it is not past its due date {invoice.due_date.isoformat()} on "
            f"{on.isoformat()}; only unpaid invoices past their due date are handed in",
        )
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    if duplicates:
        raise InvalidValueError(
            "invoice numbers", duplicates, "each invoice once within a case"
        )


def replay(case: Case | None, events: Iterable[Any]) -> Case | None:
    """Rebuild a case from its events, without the library's type checks."""
    for event in events:
        case = event.mutate(case)
    return case
