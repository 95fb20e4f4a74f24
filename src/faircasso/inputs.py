"""Validated inputs at the engine's edge, with pydantic.

Callers may pass plain values (strings for dates and amounts, dicts for a
debtor or an invoice) or faircasso's own value objects; both are checked
here and turned into domain values. Amounts are never taken from floats.
A refusal keeps the most specific faircasso error (a negative principal
raises :class:`NonPositiveAmountError`, a float :class:`InvalidMoneyError`);
anything else is reported as :class:`InvalidCommandError`, naming each
field, the value given and what was expected.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from faircasso.domain.errors import FaircassoError, InvalidMoneyError
from faircasso.domain.money import Money
from faircasso.domain.values import (
    Agreement,
    BusinessCosts,
    Debtor,
    DebtorKind,
    Invoice,
)


class InvalidCommandError(FaircassoError, ValueError):
    """Raised when a command's arguments do not have the expected shape."""

    def __init__(self, command: str, problems: list[tuple[str, object, str]]) -> None:
        self.command = command
        self.problems = problems
        details = "; ".join(
            f"{field}: got {value!r}, expected {expected}"
            for field, value, expected in problems
        )
        super().__init__(f"Invalid input for {command}: {details}.")


def _to_money(value: object) -> Money:
    if isinstance(value, Money):
        return value
    if isinstance(value, float):
        raise InvalidMoneyError(
            value, "a Decimal, int or str; floats cannot hold cents exactly"
        )
    if isinstance(value, int | str | Decimal):
        return Money(value)
    raise InvalidMoneyError(value, "an amount such as '12.34'")


MoneyField = Annotated[Any, BeforeValidator(_to_money)]


def _fields_of(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return value


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class DebtorInput(_Input):
    """Who owes the claim."""

    name: str = Field(min_length=1, max_length=200)
    kind: DebtorKind
    address: str = ""
    email: str = ""
    phone: str = ""
    iban: str = ""

    def to_domain(self) -> Debtor:
        """The domain value."""
        return Debtor(**self.model_dump())


class InvoiceInput(_Input):
    """One unpaid invoice."""

    number: str = Field(min_length=1, max_length=64)
    invoice_date: date
    due_date: date
    principal: MoneyField
    consumer_sale: bool = False

    def to_domain(self) -> Invoice:
        """The domain value; checks the dates and the amount."""
        return Invoice(
            number=self.number,
            invoice_date=self.invoice_date,
            due_date=self.due_date,
            principal=self.principal,
            consumer_sale=self.consumer_sale,
        )


class OpenCaseInput(_Input):
    """A case handed in by a client."""

    client: str = Field(min_length=1, max_length=40)
    reference: str = Field(min_length=1, max_length=64)
    debtor: Annotated[DebtorInput, BeforeValidator(_fields_of)]
    invoices: list[Annotated[InvoiceInput, BeforeValidator(_fields_of)]] = Field(
        min_length=1
    )
    on: date | None = None


class AgreementInput(_Input):
    """A client's agreement terms."""

    handling_fee: MoneyField = Money("25.00")
    can_deduct_vat: bool = True
    portfolio: DebtorKind = DebtorKind.CONSUMER
    legal_threshold: MoneyField = Money("500.00")
    private_individual: bool = False
    instalment_tolerance: int = 1
    business_costs: BusinessCosts = BusinessCosts.SCALE

    def to_domain(self) -> Agreement:
        """The domain value."""
        return Agreement(**dict(self))


class PaymentInput(_Input):
    """Money received for a case."""

    amount: MoneyField
    on: date | None = None
    payment_id: str | None = Field(default=None, max_length=120)
    designated_invoice: str | None = None
    source: str = ""


_Model = TypeVar("_Model", bound=BaseModel)


def validate(command: str, model: type[_Model], data: Any) -> _Model:
    """Validate ``data`` as ``model``, raising faircasso's errors."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(_fields_of(data))
    except ValidationError as error:
        raise _translate(command, error) from None


def build(command: str, make: Callable[[], _T]) -> _T:
    """Run ``make`` and translate a validation error raised inside it."""
    try:
        return make()
    except ValidationError as error:
        raise _translate(command, error) from None


_T = TypeVar("_T")


def _translate(command: str, error: ValidationError) -> FaircassoError:
    problems: list[tuple[str, object, str]] = []
    for item in error.errors():
        original = (item.get("ctx") or {}).get("error")
        if isinstance(original, FaircassoError):
            return original
        field = _location(item["loc"])
        problems.append((field, item.get("input"), item["msg"]))
    return InvalidCommandError(command, problems)


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "input"
