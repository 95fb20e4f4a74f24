"""Field parsers shared by the readers, and pydantic errors turned into ours.

Each parser takes the text (or JSON value) of one field and returns the
typed value, or raises :class:`ValueError` whose message is what the field
expects. The readers put that message in an
:class:`~faircasso.domain.errors.InputFileError` with the file, location
and field, so every reader says the same thing about the same mistake.

The parsers run once per invoice of a batch of perhaps millions, so they
are written to be cheap on the common, valid path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Final

from pydantic import PlainValidator, StringConstraints, ValidationError

from faircasso.domain.money import CENT
from faircasso.domain.values import DebtorKind

AMOUNT_EXPECTED: Final = (
    "an amount with a dot for decimals and at most 13 digits before it, such as 1234.56"
)
CENTS_EXPECTED: Final = "an amount in whole cents (at most two decimals)"
POSITIVE_EXPECTED: Final = "an amount more than 0.00"
DATE_EXPECTED: Final = "a date as YYYY-MM-DD, such as 2026-01-31"
CURRENCY_EXPECTED: Final = "EUR: faircasso collects in EUR only"
MAX_TEXT: Final = 200
MAX_NUMBER: Final = 64

_AMOUNT = re.compile(r"[0-9]{1,13}(?:\.[0-9]+)?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_YES_NO: Final = {"": False, "no": False, "yes": True}
_KINDS: Final = {kind.value: kind for kind in DebtorKind}
_AMOUNT_LIMIT: Final = Decimal(10) ** 13


def _cents(value: Decimal) -> Decimal:
    """Refuse more than two decimals and amounts of zero or less."""
    if not value.is_finite() or abs(value) >= _AMOUNT_LIMIT:
        raise ValueError(AMOUNT_EXPECTED)
    if value != value.quantize(CENT):
        raise ValueError(CENTS_EXPECTED)
    if value <= 0:
        raise ValueError(POSITIVE_EXPECTED)
    return value


def parse_amount(value: object) -> Decimal:
    """A positive amount in whole cents, from text or an exact JSON number."""
    if isinstance(value, str):
        text = value.strip()
        if not _AMOUNT.fullmatch(text):
            raise ValueError(AMOUNT_EXPECTED)
        return _cents(Decimal(text))
    if isinstance(value, Decimal):
        return _cents(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _cents(Decimal(value))
    raise ValueError(AMOUNT_EXPECTED)


def parse_iso_date(value: object) -> date:
    """A calendar date written as ``YYYY-MM-DD``."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
    raise ValueError(DATE_EXPECTED)


def parse_currency(value: object) -> str:
    """``EUR``, also when left empty; any other currency is refused."""
    if value is None or (isinstance(value, str) and value.strip() in ("", "EUR")):
        return "EUR"
    raise ValueError(CURRENCY_EXPECTED)


def parse_optional_text(value: object) -> str:
    """A text of at most 200 characters, or nothing."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("a text")
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"at most {MAX_TEXT} characters")
    return text


def parse_email(value: object) -> str:
    """An e-mail address, or nothing."""
    text = parse_optional_text(value)
    if text and not _EMAIL.fullmatch(text):
        raise ValueError("an e-mail address such as naam@voorbeeld.nl, or nothing")
    return text


def parse_debtor_kind(value: object) -> DebtorKind:
    """``consumer`` or ``business``, in any letter case."""
    kind = _KINDS.get(value.strip().lower()) if isinstance(value, str) else None
    if kind is None:
        raise ValueError("consumer or business")
    return kind


def parse_yes_no(value: object) -> bool:
    """``yes`` or ``no`` (empty means no); JSON may give true or false."""
    if isinstance(value, bool):
        return value
    answer = _YES_NO.get(value.strip().lower()) if isinstance(value, str) else None
    if answer is None:
        raise ValueError("yes or no")
    return answer


Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)
]
InvoiceNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NUMBER)
]
Amount = Annotated[Decimal, PlainValidator(parse_amount)]
IsoDate = Annotated[date, PlainValidator(parse_iso_date)]
Currency = Annotated[str, PlainValidator(parse_currency)]
OptionalText = Annotated[str, PlainValidator(parse_optional_text)]
Email = Annotated[str, PlainValidator(parse_email)]
Kind = Annotated[DebtorKind, PlainValidator(parse_debtor_kind)]
YesNo = Annotated[bool, PlainValidator(parse_yes_no)]

_PYDANTIC_EXPECTED: Final = {
    "missing": "a value; the field is required",
    "extra_forbidden": "no such field",
    "model_type": "an object",
    "dict_type": "an object",
    "list_type": "a list",
    "too_short": "at least one item",
    "string_type": "a text",
    "string_too_short": "a non-empty text",
}


def _expected(detail: Any) -> str:
    """What a pydantic error says the field should have been, in our words."""
    context = detail.get("ctx", {})
    if "error" in context:
        return str(context["error"])
    if detail["type"] == "string_too_long":
        return f"at most {context['max_length']} characters"
    known = _PYDANTIC_EXPECTED.get(detail["type"])
    return known or str(detail["msg"]).removeprefix("Input should be ")


def first_problem(error: ValidationError) -> tuple[tuple[int | str, ...], Any, str]:
    """The location, input and expected text of a validation's first error."""
    detail = error.errors()[0]
    value = None if detail["type"] == "missing" else detail["input"]
    if isinstance(value, Decimal):
        value = str(value)
    return tuple(detail["loc"]), value, _expected(detail)


def json_path(base: str, location: Sequence[int | str]) -> str:
    """``$.cases[3]`` plus ``("invoices", 0, "principal")`` as one JSON path."""
    path = base
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
