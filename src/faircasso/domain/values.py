"""Value types of the collection domain: parties, invoices and their kinds.

All are frozen: a changed value is a new value. Each checks its own
invariants when made, so an invalid invoice or debtor never exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from faircasso.domain.errors import (
    InvalidInvoiceError,
    InvalidValueError,
    NonPositiveAmountError,
    UnsupportedCurrencyError,
)
from faircasso.domain.money import Money


class DebtorKind(StrEnum):
    """Whether the debtor is a consumer or acts for a business.

    A consumer is a natural person not acting for a profession or business
    (art. 6:96(5) BW); the kind decides which cost and interest rules apply.
    """

    CONSUMER = "consumer"
    BUSINESS = "business"


class Assessment(StrEnum):
    """What the agency concluded about the debtor's ability and will to pay."""

    ABLE = "able"
    WILLING_BUT_UNABLE = "willing_but_unable"
    UNWILLING = "unwilling"
    FRAUD = "fraud"
    UNREACHABLE = "unreachable"


class ReferralKind(StrEnum):
    """Where a debtor who wants to pay and cannot is referred."""

    BUDGET_GUIDANCE = "budget_guidance"
    DEBT_HELP = "debt_help"
    WSNP = "wsnp"


class ReferralOutcome(StrEnum):
    """How a referral ended."""

    HELP_ENDED = "help_ended"
    DEBT_SETTLEMENT = "debt_settlement"
    WRITTEN_OFF = "written_off"


class CloseReason(StrEnum):
    """Why a case was closed; closed is final."""

    PAID = "paid"
    ARRANGEMENT_COMPLETED = "arrangement_completed"
    SETTLED_THROUGH_DEBT_HELP = "settled_through_debt_help"
    WITHDRAWN_BY_CLIENT = "withdrawn_by_client"
    CLIENT_DECLINED_LEGAL = "client_declined_legal"
    UNCOLLECTABLE = "uncollectable"
    TIME_BARRED = "time_barred"
    REJECTED_AT_INTAKE = "rejected_at_intake"

    @property
    def with_result(self) -> bool:
        """True when the client got its money (in full or as agreed)."""
        return self in _WITH_RESULT


_WITH_RESULT = frozenset(
    {
        CloseReason.PAID,
        CloseReason.ARRANGEMENT_COMPLETED,
        CloseReason.SETTLED_THROUGH_DEBT_HELP,
    }
)


class BusinessCosts(StrEnum):
    """Which collection costs a client's business debtors are charged.

    ``scale`` is the BIK scale, default law between businesses (HR 10 July
    2015); ``minimum`` the flat amount of art. 6:96(4) BW in a commercial
    transaction; ``none`` charges no costs at all.
    """

    SCALE = "scale"
    MINIMUM = "minimum"
    NONE = "none"


class ContactChannel(StrEnum):
    """How the agency and the debtor were in touch."""

    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    VISIT = "visit"
    PORTAL = "portal"


def require_eur(amount: Money, what: str) -> Money:
    """Return ``amount`` if it is in EUR, else refuse it."""
    if amount.currency != "EUR":
        raise UnsupportedCurrencyError(amount.currency, what)
    return amount


def require_positive(amount: Money, what: str) -> Money:
    """Return ``amount`` if it is a positive EUR amount, else refuse it.

    ``what`` may open a sentence ("A payment"); the currency error names it
    mid-sentence, so its first letter is lowered there.
    """
    require_eur(amount, what[:1].lower() + what[1:])
    if not amount.is_positive():
        raise NonPositiveAmountError(what, amount)
    return amount


def require_text(field: str, value: str, max_length: int = 200) -> str:
    """Return ``value`` stripped if it is non-empty and not too long."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(field, value, "a non-empty text")
    if len(value) > max_length:
        raise InvalidValueError(
            field, value, f"at most {max_length} characters, got {len(value)}"
        )
    return value.strip()


@dataclass(frozen=True, slots=True)
class Invoice:
    """One unpaid invoice of a claim.

    ``consumer_sale`` marks the price of goods sold to a consumer, whose
    claim is time-barred after two years instead of five (art. 7:28 BW).
    """

    number: str
    invoice_date: date
    due_date: date
    principal: Money
    consumer_sale: bool = False

    def __post_init__(self) -> None:
        require_text("invoice number", self.number, max_length=64)
        if self.principal.currency != "EUR":
            raise UnsupportedCurrencyError(
                self.principal.currency, f"invoice {self.number!r}"
            )
        if not self.principal.is_positive():
            raise NonPositiveAmountError(
                f"The principal of invoice {self.number!r}", self.principal
            )
        if self.due_date < self.invoice_date:
            raise InvalidInvoiceError(
                self.number,
                f"due date {self.due_date.isoformat()} is before invoice date "
                f"{self.invoice_date.isoformat()}",
            )


@dataclass(frozen=True, slots=True)
class Debtor:
    """The person or business that owes the claim.

    Contact details are personal data: they live in events and views, but
    never in log lines at INFO or above.
    """

    name: str
    kind: DebtorKind
    address: str = ""
    email: str = ""
    phone: str = ""
    iban: str = ""

    def __post_init__(self) -> None:
        require_text("debtor name", self.name)
        if not isinstance(self.kind, DebtorKind):
            raise InvalidValueError("debtor kind", self.kind, "consumer or business")


@dataclass(frozen=True, slots=True)
class Agreement:
    """The terms a client signed with the agency.

    ``handling_fee`` is what the client owes when a case closes without
    result; collection costs the agency already received are set off
    against it. ``can_deduct_vat`` decides the VAT surcharge on collection
    costs (art. 2(3) Besluit BIK). ``legal_threshold`` is the smallest
    outstanding balance for which the agency proposes a legal track.
    ``instalment_tolerance`` is how many missed instalments an arrangement
    survives before it is in default. ``business_costs`` says which costs
    business debtors are charged when the case is accepted.
    """

    handling_fee: Money
    can_deduct_vat: bool
    portfolio: DebtorKind
    legal_threshold: Money
    private_individual: bool = False
    instalment_tolerance: int = 1
    business_costs: BusinessCosts = BusinessCosts.SCALE

    def __post_init__(self) -> None:
        require_eur(self.handling_fee, "the handling fee")
        require_eur(self.legal_threshold, "the legal threshold")
        if self.handling_fee.is_negative():
            raise NonPositiveAmountError("The handling fee", self.handling_fee)
        if self.legal_threshold.is_negative():
            raise NonPositiveAmountError("The legal threshold", self.legal_threshold)
        if not 0 <= self.instalment_tolerance <= 12:
            raise InvalidValueError(
                "instalment tolerance", self.instalment_tolerance, "0 to 12"
            )
