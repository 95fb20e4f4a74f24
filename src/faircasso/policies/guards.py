"""Checks on the amounts the rules accept, shared by the policy modules."""

from __future__ import annotations

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money
from faircasso.domain.values import require_eur


def require_not_negative(amount: Money, field: str) -> Money:
    """Return ``amount`` if it is a EUR amount of zero or more, else refuse it."""
    require_eur(amount, f"the {field}")
    if amount.is_negative():
        raise InvalidValueError(field, str(amount), "EUR 0.00 or more")
    return amount
