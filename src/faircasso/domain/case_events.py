"""The events of a case: past-tense facts, each applied to the case's state.

An event's ``apply`` only assigns; every decision was made by the command
that recorded it, so replaying history gives the same case without asking
any rule or the lifecycle machine again. Each event carries ``on``, the
business date it happened, apart from ``timestamp``, when it was recorded.
Events that use a rule carry its :class:`RuleApplication` records in
``rules``, so history never changes when rate tables do.

Class names and field names are stored with every event: renaming one
needs an upcaster, never a silent edit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate

from faircasso.domain.books import (
    Arrangement,
    Deadline,
    DeadlineKind,
    Instalment,
    InvoiceBook,
)
from faircasso.domain.clock import current_clock
from faircasso.domain.money import Money
from faircasso.domain.values import (
    Agreement,
    Assessment,
    CloseReason,
    ContactChannel,
    Debtor,
    Invoice,
    ReferralKind,
    ReferralOutcome,
)
from faircasso.policies.interest import InterestKind, InterestState
from faircasso.policies.provenance import RuleApplication

if TYPE_CHECKING:
    from faircasso.domain.case import Case


_ONE_DAY = timedelta(days=1)


def _recording_time() -> datetime:
    return current_clock().now()


def limitation_key(invoice_number: str) -> str:
    """The key of the deadline on which an invoice becomes time-barred."""
    return f"limitation:{invoice_number}"


def opening_interest_state(invoice: Invoice) -> InterestState:
    """Interest on an invoice runs from the day after its due date.

    For a consumer that is when default begins under a fixed payment term
    (art. 6:83(a) BW); for a business, art. 6:119a(1) BW says so directly.
    """
    return InterestState.starting(invoice.principal, invoice.due_date + _ONE_DAY)


@dataclass(frozen=True, slots=True)
class CostShare:
    """The part of a cost charge that falls on one invoice."""

    invoice_number: str
    amount: Money


@dataclass(frozen=True, slots=True)
class InterestLine:
    """Interest accrued on one invoice, and the interest state after it."""

    invoice_number: str
    amount: Money
    state_after: InterestState


@dataclass(frozen=True, slots=True)
class PaymentShare:
    """What one payment paid off on one invoice, by art. 6:44 BW order.

    ``interest_after`` is the invoice's interest state once the payment
    is taken off, so replay assigns it instead of recomputing it.
    """

    invoice_number: str
    costs: Money
    interest: Money
    principal: Money
    interest_after: InterestState


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """A payment as the case keeps it, so a reversal can undo it exactly."""

    payment_id: str
    amount: Money
    received_on: date
    bank_reference: str
    shares: tuple[PaymentShare, ...]
    surplus: Money
    to_client: Money
    to_agency: Money
    reversed: bool = False
    reversal_id: str = ""


class CaseEvent(Aggregate.Event):
    """Something that happened to a case on business date ``on``."""

    on: date

    create_timestamp = staticmethod(_recording_time)

    def apply(self, case: Case) -> None:
        """Set what this event changed; events that only record do nothing."""


class CaseOpened(CaseEvent, Aggregate.Created):
    """A client handed in a claim of one or more invoices against a debtor.

    ``state`` is where the case starts: in intake, or already accepted
    when the client's cases need no assessment. Each invoice's limitation
    date is pending as a deadline from the start.
    """

    client_id: UUID
    client_code: str
    reference: str
    debtor: Debtor
    invoices: tuple[Invoice, ...]
    agreement: Agreement
    interest_kind: InterestKind
    payment_reference: str
    limitation_dates: tuple[date, ...]
    state: str
    rules: tuple[RuleApplication, ...]

    def apply(self, case: Case) -> None:
        case.client_id = self.client_id
        case.client_code = self.client_code
        case.reference = self.reference
        case.debtor = self.debtor
        case.agreement = self.agreement
        case.interest_kind = self.interest_kind
        case.payment_reference = self.payment_reference
        case.state = self.state
        case.opened_on = self.on
        case.last_on = self.on
        case.books = {
            invoice.number: InvoiceBook(
                invoice=invoice,
                interest=opening_interest_state(invoice),
                limitation_date=limit,
            )
            for invoice, limit in zip(self.invoices, self.limitation_dates, strict=True)
        }
        case.deadlines = {
            limitation_key(invoice.number): Deadline(
                key=limitation_key(invoice.number),
                kind=DeadlineKind.LIMITATION,
                due_on=limit,
                subject=invoice.number,
            )
            for invoice, limit in zip(self.invoices, self.limitation_dates, strict=True)
        }
        case.arrangement = None
        case.assessment = None
        case.court_leave = False
        case.received = Money.zero()
        case.surplus = Money.zero()
        case.to_client = Money.zero()
        case.to_agency = Money.zero()
        case.letter_term_ends_on = None
        case.collection_costs_on = None
        case.close_reason = None
        case.closed_on = None
        case.handling_fee_due = Money.zero()
        case.payments = {}


class _Moved(CaseEvent):
    """Base of events that move the case to another state."""

    state: str

    def apply(self, case: Case) -> None:
        case.state = self.state
        case.last_on = self.on


class CaseAccepted(_Moved):
    """The agency took the case in after intake."""


class DeadlineSet(CaseEvent):
    """A date was set on which something must be checked."""

    deadline: Deadline

    def apply(self, case: Case) -> None:
        case.deadlines = {**case.deadlines, self.deadline.key: self.deadline}


class DeadlineFired(CaseEvent):
    """A deadline came and was dealt with; it never fires again."""

    key: str

    def apply(self, case: Case) -> None:
        deadlines = dict(case.deadlines)
        deadlines.pop(self.key, None)
        case.deadlines = deadlines
        case.last_on = max(case.last_on, self.on)


class LetterSent(_Moved):
    """The fourteen-day letter (art. 6:96(6) BW) was sent to the debtor."""

    delivered_on: date
    term_ends_on: date
    costs_due_from: date
    announced_costs: Money
    rules: tuple[RuleApplication, ...]

    def apply(self, case: Case) -> None:
        super().apply(case)
        case.letter_term_ends_on = self.term_ends_on


class TermEnded(_Moved):
    """The fourteen-day term passed; collection goes on with reminders."""


class ReminderSent(_Moved):
    """A written reminder was sent; it interrupts limitation."""


class LimitationRenewed(CaseEvent):
    """Limitation of one invoice was interrupted and starts anew."""

    invoice_number: str
    limitation_date: date
    rules: tuple[RuleApplication, ...]

    def apply(self, case: Case) -> None:
        book = case.books[self.invoice_number]
        case.books = {
            **case.books,
            self.invoice_number: replace(
                book,
                limitation_date=self.limitation_date,
                interruptions=(*book.interruptions, self.on),
            ),
        }


class ClaimTimeBarred(CaseEvent):
    """An invoice's limitation period ended: paying it is now voluntary."""

    invoice_number: str

    def apply(self, case: Case) -> None:
        book = case.books[self.invoice_number]
        case.books = {
            **case.books,
            self.invoice_number: replace(book, time_barred=True),
        }


class ContactRecorded(CaseEvent):
    """The agency and the debtor were in touch."""

    channel: ContactChannel
    summary: str

    def apply(self, case: Case) -> None:
        case.last_on = self.on


class DebtorAssessed(CaseEvent):
    """The agency assessed the debtor's ability and will to pay."""

    assessment: Assessment
    note: str
    rules: tuple[RuleApplication, ...]

    def apply(self, case: Case) -> None:
        case.assessment = self.assessment
        case.last_on = self.on


class CostsCharged(CaseEvent):
    """Costs were added to the claim, split over its invoices."""

    kind: str
    total: Money
    shares: tuple[CostShare, ...]
    rules: tuple[RuleApplication, ...]

    def apply(self, case: Case) -> None:
        books = dict(case.books)
        for share in self.shares:
            book = books[share.invoice_number]
            books[share.invoice_number] = replace(
                book,
                costs_open=book.costs_open + share.amount,
                costs_charged=book.costs_charged + share.amount,
            )
        case.books = books
        case.last_on = self.on
        if self.kind == "collection" and case.collection_costs_on is None:
            case.collection_costs_on = self.on


class InterestAccrued(CaseEvent):
    """Statutory interest was accrued up to ``on`` and became owed."""

    lines: tuple[InterestLine, ...]
    rules: tuple[RuleApplication, ...]

    def apply(self, case: Case) -> None:
        books = dict(case.books)
        for line in self.lines:
            books[line.invoice_number] = books[line.invoice_number].with_interest(
                line.state_after
            )
        case.books = books


class PaymentReceived(CaseEvent):
    """Money came in for the case and was allocated (arts. 6:43-6:44 BW).

    ``received_on`` is the day the money arrived; ``on`` is the day it was
    booked on the case, never before the case's last business date.
    Whatever was not owed stays in ``surplus``, to be refunded.
    """

    payment_id: str
    received_on: date
    amount: Money
    shares: tuple[PaymentShare, ...]
    surplus: Money
    to_client: Money
    to_agency: Money
    source: str
    rules: tuple[RuleApplication, ...]
    bank_reference: str = ""

    def apply(self, case: Case) -> None:
        _apply_shares(case, self.shares, sign=1)
        _move_money(case, self.amount, self.surplus, self.to_client, self.to_agency)
        case.payments = {
            **case.payments,
            self.payment_id: PaymentRecord(
                payment_id=self.payment_id,
                amount=self.amount,
                received_on=self.received_on,
                bank_reference=self.bank_reference,
                shares=self.shares,
                surplus=self.surplus,
                to_client=self.to_client,
                to_agency=self.to_agency,
            ),
        }
        case.last_on = max(case.last_on, self.on)


class PaymentReversed(CaseEvent):
    """The bank reversed a payment: what it paid off is owed again.

    ``shares`` are the reversed payment's shares, with each invoice's
    interest state as it is once they are owed again.
    """

    payment_id: str
    reversal_id: str
    amount: Money
    shares: tuple[PaymentShare, ...]
    surplus: Money
    to_client: Money
    to_agency: Money
    reason: str

    def apply(self, case: Case) -> None:
        _apply_shares(case, self.shares, sign=-1)
        _move_money(case, -self.amount, -self.surplus, -self.to_client, -self.to_agency)
        payment = case.payments[self.payment_id]
        case.payments = {
            **case.payments,
            self.payment_id: replace(
                payment, reversed=True, reversal_id=self.reversal_id
            ),
        }
        case.last_on = max(case.last_on, self.on)


def _apply_shares(case: Case, shares: tuple[PaymentShare, ...], sign: int) -> None:
    books = dict(case.books)
    for share in shares:
        book = books[share.invoice_number]
        books[share.invoice_number] = replace(
            book,
            costs_open=book.costs_open - share.costs * sign,
            interest=share.interest_after,
        )
    case.books = books


def _move_money(
    case: Case, amount: Money, surplus: Money, to_client: Money, to_agency: Money
) -> None:
    case.received = case.received + amount
    case.surplus = case.surplus + surplus
    case.to_client = case.to_client + to_client
    case.to_agency = case.to_agency + to_agency
    arrangement = case.arrangement
    if arrangement is not None and arrangement.agreed_on is not None:
        case.arrangement = replace(arrangement, paid=arrangement.paid + amount)


class CreditNoteRecorded(CaseEvent):
    """A credit note of the client lowered an invoice's principal."""

    invoice_number: str
    credit_note: str
    amount: Money
    interest_after: InterestState

    def apply(self, case: Case) -> None:
        book = case.books[self.invoice_number]
        case.books = {
            **case.books,
            self.invoice_number: replace(
                book, credited=book.credited + self.amount, interest=self.interest_after
            ),
        }
        case.last_on = max(case.last_on, self.on)


class ArrangementProposed(_Moved):
    """An instalment plan was proposed to the debtor (art. 6:29 BW)."""

    instalments: tuple[Instalment, ...]
    tolerance: int
    rules: tuple[RuleApplication, ...]

    def apply(self, case: Case) -> None:
        super().apply(case)
        case.arrangement = Arrangement(self.instalments, self.tolerance)


class ArrangementAgreed(_Moved):
    """The debtor agreed to the proposed instalment plan."""

    def apply(self, case: Case) -> None:
        super().apply(case)
        if case.arrangement is not None:
            case.arrangement = replace(case.arrangement, agreed_on=self.on)


class ArrangementDeclined(_Moved):
    """The debtor did not agree to the proposed plan."""

    def apply(self, case: Case) -> None:
        super().apply(case)
        case.arrangement = None


class InstalmentMissed(CaseEvent):
    """An instalment was not paid by its due date."""

    number: int

    def apply(self, case: Case) -> None:
        arrangement = case.arrangement
        if arrangement is not None and self.number not in arrangement.missed_numbers:
            case.arrangement = replace(
                arrangement, missed_numbers=(*arrangement.missed_numbers, self.number)
            )
        case.last_on = max(case.last_on, self.on)


class ArrangementDefaulted(_Moved):
    """More instalments were missed than the plan tolerates; it ended."""

    def apply(self, case: Case) -> None:
        super().apply(case)
        _end_arrangement(case)


def _end_arrangement(case: Case) -> None:
    case.arrangement = None
    case.deadlines = {
        key: deadline
        for key, deadline in case.deadlines.items()
        if deadline.kind is not DeadlineKind.INSTALMENT
    }


class Referred(_Moved):
    """The debtor was referred for help; collection pauses.

    A running arrangement ends: the help decides what the debtor can pay.
    """

    kind: ReferralKind

    def apply(self, case: Case) -> None:
        super().apply(case)
        _end_arrangement(case)


class ReferralEnded(_Moved):
    """The help ended without settling the claim; collection resumes."""

    outcome: ReferralOutcome


class LegalTrackProposed(_Moved):
    """The agency proposed court proceedings to the client, with an estimate."""

    claim_value: Money
    estimated_costs: Money
    rules: tuple[RuleApplication, ...]


class LegalTrackApproved(_Moved):
    """The client approved the legal track."""


class SummonsServed(_Moved):
    """The bailiff served the summons."""


class JudgmentObtained(_Moved):
    """The court gave judgment for the claim."""


class JudgmentServed(_Moved):
    """The judgment was served on the debtor: an enforceable title."""


class CourtLeaveGranted(CaseEvent):
    """The court gave leave for prejudgment attachment (art. 700 Rv)."""

    main_action_by: date | None

    def apply(self, case: Case) -> None:
        case.court_leave = True
        case.last_on = self.on


class AttachmentLaid(_Moved):
    """The bailiff laid an attachment."""

    kind: str


class CaseClosed(_Moved):
    """The case was closed; closed is final.

    ``handling_fee_due`` is what the client owes the agency on closure
    without result, after setting off collection costs already received.
    """

    reason: CloseReason
    handling_fee_due: Money
    rules: tuple[RuleApplication, ...]

    def apply(self, case: Case) -> None:
        super().apply(case)
        case.close_reason = self.reason
        case.closed_on = self.on
        case.handling_fee_due = self.handling_fee_due
        case.deadlines = {}
        case.arrangement = None
