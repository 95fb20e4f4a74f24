"""The suspense list: money that came in and matched no case.

A credit whose payment reference names no case is never dropped: it is
held as a :class:`SuspenseItem`, with the cases it might belong to
(matched on an invoice number in the description, or on the debtor's
account and the amount) as proposals only. Staff assign it to a case
later; only then is it booked. One item per bank entry, so the same entry
in two overlapping statements is held once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from faircasso.domain.clock import current_clock
from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money

_NAMESPACE = uuid5(NAMESPACE_URL, "https://faircasso.nl/ids/suspense")


def suspense_id_for(entry_id: str) -> UUID:
    """The id of the suspense item for a bank entry."""
    return uuid5(_NAMESPACE, entry_id)


def _recording_time() -> datetime:
    return current_clock().now()


@dataclass(frozen=True, slots=True)
class Proposal:
    """A case the money may belong to, and why it was proposed."""

    case_id: UUID
    reason: str


class SuspenseEvent(Aggregate.Event):
    """Something that happened to held money on business date ``on``."""

    on: date

    create_timestamp = staticmethod(_recording_time)

    def apply(self, item: SuspenseItem) -> None:
        """Set what this event changed."""


class CreditHeld(SuspenseEvent, Aggregate.Created):
    """Money came in that matched no case; it is held until assigned.

    ``kind`` is ``credit`` for a payment and ``reversal`` for a bank
    reversal that matched no payment.
    """

    entry_id: str
    kind: str
    amount: Money
    booked_on: date
    reference: str
    description: str
    payer_name: str
    payer_iban: str
    bank_reference: str
    source: str
    proposals: tuple[Proposal, ...]

    def apply(self, item: SuspenseItem) -> None:
        item.entry_id = self.entry_id
        item.kind = self.kind
        item.amount = self.amount
        item.booked_on = self.booked_on
        item.reference = self.reference
        item.description = self.description
        item.payer_name = self.payer_name
        item.payer_iban = self.payer_iban
        item.bank_reference = self.bank_reference
        item.source = self.source
        item.proposals = self.proposals
        item.assigned_to = None


class CreditAssigned(SuspenseEvent):
    """Staff assigned the held money to a case, where it was booked."""

    case_id: UUID

    def apply(self, item: SuspenseItem) -> None:
        item.assigned_to = self.case_id


class SuspenseItem(Aggregate):
    """Money held because it matched no case."""

    entry_id: str
    kind: str
    amount: Money
    booked_on: date
    reference: str
    description: str
    payer_name: str
    payer_iban: str
    bank_reference: str
    source: str
    proposals: tuple[Proposal, ...]
    assigned_to: UUID | None

    def __init__(self) -> None:
        """State comes from the events; see :meth:`hold`."""

    @classmethod
    def hold(
        cls,
        *,
        entry_id: str,
        kind: str,
        amount: Money,
        booked_on: date,
        reference: str,
        description: str,
        payer_name: str,
        payer_iban: str,
        bank_reference: str,
        source: str,
        proposals: tuple[Proposal, ...],
        on: date,
    ) -> SuspenseItem:
        """Hold money that matched no case."""
        return cls._create(
            CreditHeld,
            id=suspense_id_for(entry_id),
            on=on,
            entry_id=entry_id,
            kind=kind,
            amount=amount,
            booked_on=booked_on,
            reference=reference,
            description=description[:500],
            payer_name=payer_name,
            payer_iban=payer_iban,
            bank_reference=bank_reference,
            source=source,
            proposals=proposals,
        )

    @property
    def is_open(self) -> bool:
        """True until the money is assigned to a case."""
        return self.assigned_to is None

    def assign(self, case_id: UUID, on: date) -> None:
        """Assign the money to a case; it can be assigned once."""
        if self.assigned_to is not None:
            raise InvalidValueError(
                "suspense item",
                self.entry_id,
                f"an item not yet assigned; it went to case {self.assigned_to}",
            )
        if self.kind != "credit":
            raise InvalidValueError(
                "suspense item",
                self.entry_id,
                "a credit; reversals are handled by hand",
            )
        self.trigger_event(CreditAssigned, on=on, case_id=case_id)
