"""The errors faircasso raises: one root, one class per broken rule.

Each error keeps the values it complains about as attributes, so a caller
can act on them, and its message says what was attempted, with which
values, and what would be accepted instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from uuid import UUID


class FaircassoError(Exception):
    """Root of every error faircasso raises on purpose."""


# -- money and input values -------------------------------------------------


class InvalidMoneyError(FaircassoError, ValueError):
    """Raised when a value cannot be an amount of money in whole cents."""

    def __init__(self, value: object, expected: str) -> None:
        self.value = value
        self.expected = expected
        super().__init__(f"Invalid money value {value!r}: expected {expected}.")


class CurrencyMismatchError(FaircassoError, ValueError):
    """Raised when amounts in two currencies are added, subtracted or compared."""

    def __init__(self, left: str, right: str, operation: str) -> None:
        self.left = left
        self.right = right
        self.operation = operation
        super().__init__(
            f"Cannot {operation} {left} and {right} amounts: "
            "convert them to one currency first."
        )


class UnsupportedCurrencyError(FaircassoError, ValueError):
    """Raised when a claim or payment is in a currency other than EUR."""

    def __init__(self, currency: str, what: str) -> None:
        self.currency = currency
        self.what = what
        super().__init__(
            f"Cannot accept {what} in {currency}: faircasso collects in EUR only."
        )


class NonPositiveAmountError(FaircassoError, ValueError):
    """Raised when an amount that must be more than zero is zero or negative."""

    def __init__(self, what: str, amount: object) -> None:
        self.what = what
        self.amount = amount
        super().__init__(f"{what} must be more than EUR 0.00, got {amount}.")


class InvalidInvoiceError(FaircassoError, ValueError):
    """Raised when an invoice's own data contradict each other."""

    def __init__(self, invoice_number: str, reason: str) -> None:
        self.invoice_number = invoice_number
        self.reason = reason
        super().__init__(f"Invoice {invoice_number!r} is invalid: {reason}.")


class InvalidValueError(FaircassoError, ValueError):
    """Raised when a command argument is outside what the command accepts."""

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"Invalid {field} {value!r}: expected {expected}.")


# -- parties and cases --------------------------------------------------------


class UnknownClientError(FaircassoError, LookupError):
    """Raised when a command names a client that was never registered."""

    def __init__(self, client_id: UUID | str) -> None:
        self.client_id = client_id
        super().__init__(
            f"Unknown client {client_id}: register the client and its "
            "agreement before submitting cases."
        )


class DuplicateClientError(FaircassoError):
    """Raised when a client code is registered a second time."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"Client {code!r} is already registered.")


class AgreementMissingError(FaircassoError):
    """Raised when a case is submitted for a client without a recorded agreement."""

    def __init__(self, client: str) -> None:
        self.client = client
        super().__init__(
            f"Cannot take in cases for client {client!r}: its agreement is not "
            "recorded yet; record the agreement first."
        )


class UnknownCaseError(FaircassoError, LookupError):
    """Raised when a command or query names a case that does not exist."""

    def __init__(self, case: UUID | str) -> None:
        self.case = case
        super().__init__(f"Unknown case {case}.")


class DuplicateCaseError(FaircassoError):
    """Raised when a client submits the same case reference a second time."""

    def __init__(self, client: str, reference: str, case_id: UUID) -> None:
        self.client = client
        self.reference = reference
        self.case_id = case_id
        super().__init__(
            f"Client {client!r} already submitted case reference {reference!r} "
            f"(case {case_id}); a case is taken in once."
        )


# -- lifecycle ----------------------------------------------------------------


class CommandNotAllowedError(FaircassoError):
    """Raised when a command does not fit the case's phase and step."""

    def __init__(
        self,
        case: str,
        command: str,
        phase: str,
        step: str,
        allowed: Sequence[str] = (),
        reason: str = "",
    ) -> None:
        self.case = case
        self.command = command
        self.phase = phase
        self.step = step
        self.allowed = tuple(allowed)
        self.reason = reason
        where = f"{phase}/{step}" if step else phase
        message = f"Cannot {command} on case {case} in {where}"
        message += f": {reason}." if reason else "."
        if allowed:
            message += f" Allowed now: {', '.join(allowed)}."
        super().__init__(message)


class CaseClosedError(CommandNotAllowedError):
    """Raised when a command other than recording money targets a closed case."""


class AttachmentNotAllowedError(CommandNotAllowedError):
    """Raised when attachment is asked without a served judgment or court leave."""


class TimeBarredError(CommandNotAllowedError):
    """Raised when a time-barred claim would be taken to court."""


class ReferralPauseError(CommandNotAllowedError):
    """Raised when contact pressure or new costs are asked during a referral."""


class ConcurrencyConflictError(FaircassoError):
    """Raised when a case kept changing under a command through every retry."""

    def __init__(self, case: str, attempts: int) -> None:
        self.case = case
        self.attempts = attempts
        super().__init__(
            f"Case {case} was changed by another writer {attempts} times in a "
            "row; the command was not recorded. Try again."
        )


# -- time ---------------------------------------------------------------------


class ClockError(FaircassoError, ValueError):
    """Raised when time would run backwards or past what the clock allows."""

    def __init__(self, requested: date, today: date, reason: str) -> None:
        self.requested = requested
        self.today = today
        self.reason = reason
        super().__init__(
            f"Cannot move the clock to {requested.isoformat()} "
            f"(today is {today.isoformat()}): {reason}."
        )


# -- rules and data -----------------------------------------------------------


class PolicyTableError(FaircassoError, ValueError):
    """Raised when a rate or tariff table is malformed, unsorted or has gaps."""

    def __init__(self, source: str, row: int | None, reason: str) -> None:
        self.source = source
        self.row = row
        self.reason = reason
        where = f"{source}, row {row}" if row is not None else source
        super().__init__(f"Rate table {where}: {reason}.")


class NoRateInForceError(FaircassoError, LookupError):
    """Raised when a table has no row in force on the date asked."""

    def __init__(self, table: str, on: date) -> None:
        self.table = table
        self.on = on
        super().__init__(
            f"Table {table!r} has no entry in force on {on.isoformat()}; load a "
            "table that covers that date."
        )


# -- files ----------------------------------------------------------------------


class InputFileError(FaircassoError, ValueError):
    """Raised when a row or element of an input file is invalid."""

    def __init__(
        self,
        file: str,
        location: str,
        field: str,
        value: object,
        expected: str,
    ) -> None:
        self.file = file
        self.location = location
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(
            f"{file}, {location}, field {field!r}: got {value!r}, expected {expected}."
        )


class UnsafeXmlError(FaircassoError, ValueError):
    """Raised when an XML file carries a DTD, an entity or an external reference."""

    def __init__(self, file: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(
            f"Refused {file}: {reason}. faircasso reads XML without DTDs, entities "
            "or external references; export the file without a DOCTYPE."
        )


class InputTooLargeError(FaircassoError, ValueError):
    """Raised when an input file is larger than the limit set for reading it."""

    def __init__(self, file: str, size: int, limit: int) -> None:
        self.file = file
        self.size = size
        self.limit = limit
        super().__init__(
            f"Refused {file}: it has more than {limit} bytes (at least {size}); "
            "split the file or raise the limit."
        )


class UnsupportedFormatVersionError(FaircassoError, NotImplementedError):
    """Raised when a file is in a format or version faircasso cannot read."""

    def __init__(self, file: str, found: str, supported: Sequence[str]) -> None:
        self.file = file
        self.found = found
        self.supported = tuple(supported)
        super().__init__(
            f"Cannot read {file}: {found} is not supported; faircasso reads "
            f"{', '.join(self.supported)}."
        )


class UnknownRuleError(FaircassoError, LookupError):
    """Raised when a record names a rule or rule version that cannot be rerun."""

    def __init__(self, rule: str, version: str) -> None:
        self.rule = rule
        self.version = version
        super().__init__(
            f"Cannot recompute rule {rule!r} version {version!r}: no such rule "
            "version is registered; recompute it with the faircasso release "
            "that recorded it."
        )
