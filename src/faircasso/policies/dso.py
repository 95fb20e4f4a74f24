"""Days sales outstanding (DSO) of a client's portfolio.

Business measures, not law: how many days of sales are waiting to be paid.

- Standard DSO: receivables divided by the credit sales of a period, times
  the days of that period. Receivables of EUR 30,000 against EUR 90,000 of
  sales in a 90-day quarter give 30 days.
- Countback DSO: start from the receivables at month end and walk back
  through the months, newest first, taking each month's sales off in full
  and counting its days, until the rest is smaller than a month's sales;
  that month counts for the same fraction of its days. It is not thrown off
  by a month of unusually high or low sales.

Both are rounded half up to two decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money
from faircasso.domain.values import require_eur
from faircasso.policies.guards import require_not_negative

_HUNDREDTH = Decimal("0.01")


def dso_standard(receivables: Money, credit_sales: Money, days: int) -> Decimal:
    """Receivables over credit sales, times the days of the period."""
    require_not_negative(receivables, "receivables")
    _check_days(days)
    require_eur(credit_sales, "the credit sales")
    if not credit_sales.is_positive():
        raise InvalidValueError(
            "credit sales", str(credit_sales), "more than EUR 0.00 in the period"
        )
    return _rounded(receivables.amount / credit_sales.amount * days)


def dso_countback(
    receivables: Money, monthly_sales: Sequence[tuple[int, Money]]
) -> Decimal:
    """Countback DSO over ``(days, credit sales)`` per month, newest first."""
    require_not_negative(receivables, "receivables")
    remaining = receivables.amount
    counted = Decimal(0)

    for days, sales in monthly_sales:
        _check_days(days)
        require_not_negative(sales, "monthly sales")
        if remaining <= 0:
            break
        if remaining >= sales.amount:
            counted += days
            remaining -= sales.amount
        else:
            counted += remaining / sales.amount * days
            remaining = Decimal(0)

    if remaining > 0:
        raise InvalidValueError(
            "monthly sales",
            f"{len(monthly_sales)} months",
            f"enough months to use up the receivables of {receivables}; "
            f"{Money(remaining)} is left",
        )
    return _rounded(counted)


def _rounded(value: Decimal) -> Decimal:
    return value.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def _check_days(days: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InvalidValueError("days", days, "a whole number of days, at least 1")
