"""Canonical text for the inputs a rule records, and the way back.

A :class:`~faircasso.policies.provenance.RuleApplication` stores its inputs
as text so that it survives storage unchanged. Every rule writes its inputs
with the functions here and the registry reads them back with the matching
``parse_`` functions, so a recorded result can be recomputed exactly.

Amounts are written as ``"1234.56"`` (EUR, whole cents), dates as ISO
``"2026-01-31"``, flags as ``"true"``/``"false"``, and lists as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money


def money_text(amount: Money) -> str:
    """The amount as plain text in euros, such as ``"1234.56"``."""
    return str(amount.amount)


def date_text(day: date) -> str:
    """The date in ISO form, such as ``"2026-01-31"``."""
    return day.isoformat()


def flag_text(flag: bool) -> str:
    """``"true"`` or ``"false"``."""
    return "true" if flag else "false"


def list_text(items: Sequence[object]) -> str:
    """A list of texts or of mappings of texts, as compact JSON."""
    return json.dumps(list(items), separators=(",", ":"), sort_keys=True)


def parse_money(inputs: Mapping[str, str], name: str) -> Money:
    """Read back an amount written by :func:`money_text`."""
    return Money(_field(inputs, name))


def parse_date(inputs: Mapping[str, str], name: str) -> date:
    """Read back a date written by :func:`date_text`."""
    text = _field(inputs, name)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValueError(name, text, "a date as YYYY-MM-DD") from None


def parse_flag(inputs: Mapping[str, str], name: str) -> bool:
    """Read back a flag written by :func:`flag_text`."""
    text = _field(inputs, name)
    if text not in ("true", "false"):
        raise InvalidValueError(name, text, "'true' or 'false'")
    return text == "true"


def parse_decimal(inputs: Mapping[str, str], name: str) -> Decimal:
    """Read back a number such as a rate or a share."""
    text = _field(inputs, name)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InvalidValueError(name, text, "a number such as '0.07'") from None


def parse_int(inputs: Mapping[str, str], name: str) -> int:
    """Read back a whole number."""
    text = _field(inputs, name)
    if not text.lstrip("-").isdigit():
        raise InvalidValueError(name, text, "a whole number")
    return int(text)


def parse_list(inputs: Mapping[str, str], name: str) -> list[object]:
    """Read back a list written by :func:`list_text`."""
    text = _field(inputs, name)
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise InvalidValueError(name, text, "a JSON list") from None
    if not isinstance(value, list):
        raise InvalidValueError(name, text, "a JSON list")
    return value


def _field(inputs: Mapping[str, str], name: str) -> str:
    """The recorded text of one input, or a clear refusal when it is absent."""
    if name not in inputs:
        raise InvalidValueError("recorded input", name, "an input the rule recorded")
    return inputs[name]


def percent_text(rate: Decimal) -> str:
    """A rate as a percentage for people, such as ``"0.07"`` -> ``"7%"``."""
    return f"{format((rate * 100).normalize(), 'f')}%"


def rate_text(rate: Decimal) -> str:
    """A rate as a fraction without trailing zeros, such as ``"0.07"``."""
    return format(rate.normalize(), "f")
