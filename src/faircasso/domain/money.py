"""Money: an amount in whole cents with its currency.

Every amount faircasso shows, stores or computes passes through this one
type. It never holds a float and never more precision than a cent. Where a
rule produces fractions of a cent (percentages, interest), the caller rounds
explicitly with :meth:`Money.of_rounded`, naming the rounding mode.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from faircasso.domain.errors import CurrencyMismatchError, InvalidMoneyError

CENT: Final = Decimal("0.01")
_ZERO: Final = Decimal("0.00")
_ZEROS: dict[str, Money] = {}


def _to_decimal(amount: object) -> Decimal:
    """Turn an int, str or Decimal into a Decimal; refuse floats and bools."""
    if isinstance(amount, bool | float):
        raise InvalidMoneyError(
            amount, "a Decimal, int or str; floats cannot hold cents exactly"
        )
    if isinstance(amount, Decimal):
        return amount
    if isinstance(amount, int):
        return Decimal(amount)
    if isinstance(amount, str):
        try:
            return Decimal(amount.strip())
        except InvalidOperation:
            raise InvalidMoneyError(amount, "a number such as '12.34'") from None
    raise InvalidMoneyError(amount, "a Decimal, int or str")


class Money:
    """An amount of money in whole cents, in one currency.

    ``Money("12.34")`` and ``Money(Decimal("12.34"), "EUR")`` are the same.
    Arithmetic keeps cents exact: adding or subtracting needs the same
    currency, multiplying takes an ``int`` only. Amounts may be negative;
    commands that need a positive amount check that themselves.
    """

    __slots__ = ("amount", "currency")

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str = "EUR") -> None:
        value = _to_decimal(amount)
        if not value.is_finite():
            raise InvalidMoneyError(amount, "a finite number")
        quantised = value.quantize(CENT)
        if quantised != value:
            raise InvalidMoneyError(
                amount, "at most two decimals (whole cents); round it first"
            )
        if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
            raise InvalidMoneyError(
                currency, "a three-letter ISO 4217 currency code such as 'EUR'"
            )
        object.__setattr__(self, "amount", quantised)
        object.__setattr__(self, "currency", currency)

    @classmethod
    def zero(cls, currency: str = "EUR") -> Money:
        """Return nothing, in the given currency."""
        # Money is immutable, so one zero per currency serves everyone.
        found = _ZEROS.get(currency)
        if found is None:
            found = _ZEROS[currency] = cls(_ZERO, currency)
        return found

    @classmethod
    def _exact(cls, amount: Decimal, currency: str) -> Money:
        """Money from the sum, difference or multiple of checked amounts.

        Such a result is in whole cents already and its currency was
        checked, so the checks of ``__init__`` are skipped: arithmetic on
        Money is the hottest path of a large intake.
        """
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    @classmethod
    def from_cents(cls, cents: int, currency: str = "EUR") -> Money:
        """Return the amount for a whole number of cents."""
        if isinstance(cents, bool) or not isinstance(cents, int):
            raise InvalidMoneyError(cents, "a whole number of cents (int)")
        return cls(Decimal(cents).scaleb(-2), currency)

    @classmethod
    def of_rounded(
        cls, value: Decimal, currency: str = "EUR", rounding: str = ROUND_HALF_UP
    ) -> Money:
        """Round an exact intermediate result to cents with a named mode.

        Rules that compute fractions of a cent (a percentage, a day's
        interest) call this once, at the end, so the rounding is visible.
        """
        if not isinstance(value, Decimal):
            raise InvalidMoneyError(value, "a Decimal to round")
        return cls(value.quantize(CENT, rounding=rounding), currency)

    @property
    def cents(self) -> int:
        """The amount as an integer number of cents."""
        return int(self.amount.scaleb(2))

    def is_zero(self) -> bool:
        """True when the amount is exactly nothing."""
        return self.amount == 0

    def is_positive(self) -> bool:
        """True when the amount is more than nothing."""
        return self.amount > 0

    def is_negative(self) -> bool:
        """True when the amount is less than nothing."""
        return self.amount < 0

    def _check_same_currency(self, other: object, operation: str) -> Money:
        if not isinstance(other, Money):
            raise InvalidMoneyError(other, f"Money to {operation} with {self}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency, operation)
        return other

    def __add__(self, other: Money) -> Money:
        other = self._check_same_currency(other, "add")
        return Money._exact(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        other = self._check_same_currency(other, "subtract")
        return Money._exact(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money._exact(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money._exact(abs(self.amount), self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise InvalidMoneyError(
                factor,
                "an int; for rates use Money.of_rounded(amount * rate) and "
                "name the rounding",
            )
        return Money._exact(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._check_same_currency(other, "compare").amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._check_same_currency(other, "compare").amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._check_same_currency(other, "compare").amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._check_same_currency(other, "compare").amount

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.amount == other.amount and self.currency == other.currency

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Money is immutable")

    def __reduce__(self) -> tuple[type[Money], tuple[Decimal, str]]:
        return (Money, (self.amount, self.currency))

    def __deepcopy__(self, memo: dict[int, object]) -> Money:
        return self

    def __copy__(self) -> Money:
        return self

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"

    def __str__(self) -> str:
        return f"{self.currency} {self.amount:,.2f}"

    def split(self, weights: Sequence[int | Decimal]) -> list[Money]:
        """Split the amount in proportion to ``weights``, keeping every cent.

        Largest remainder: each part gets its rounded-down share, and the
        cents left over go one by one to the parts with the largest
        remainders; ties go to the earlier part, so the result is
        deterministic. The parts always add up to the whole.
        """
        return split_cents(self, weights)

    def min(self, other: Money) -> Money:
        """The smaller of the two amounts."""
        return self if self <= other else other

    def max(self, other: Money) -> Money:
        """The larger of the two amounts."""
        return self if self >= other else other


def split_cents(total: Money, weights: Sequence[int | Decimal]) -> list[Money]:
    """Split ``total`` in proportion to ``weights`` by largest remainder."""
    if not weights:
        raise InvalidMoneyError(weights, "at least one weight to split over")
    exact = [Decimal(w) for w in weights]
    if any(w < 0 for w in exact) or sum(exact) == 0:
        raise InvalidMoneyError(weights, "non-negative weights, not all zero")
    sign = -1 if total.cents < 0 else 1
    cents = abs(total.cents)
    weight_sum = sum(exact)

    # Each part first gets its share rounded down; the shortfall is spread
    # over the largest remainders, earliest first on ties.
    shares = [cents * w / weight_sum for w in exact]
    floors = [int(s) for s in shares]
    leftover = cents - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(shares[i] - floors[i]), i))
    for index in order[:leftover]:
        floors[index] += 1

    parts = [Money.from_cents(sign * c, total.currency) for c in floors]
    if sum((p.cents for p in parts), 0) != total.cents:
        raise ArithmeticError(f"split of {total} lost cents: {parts}")
    return parts


def total_of(amounts: Iterable[Money], currency: str = "EUR") -> Money:
    """Add up amounts of one currency; an empty sequence gives zero."""
    result = Money.zero(currency)
    for amount in amounts:
        result = result + amount
    return result
