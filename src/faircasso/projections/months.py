"""Calendar months as the reports name them: ``YYYY-MM`` text.

The portfolio counters and the ledger keep business dates as ISO text, so
a month is the text every date in it starts with, and months sort as
text. These helpers check a month given by a caller and step through
months without a calendar library.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from faircasso.domain.errors import InvalidValueError

_MONTH = re.compile(r"(\d{4})-(\d{2})")
EXPECTED = "YYYY-MM, for example 2026-03"


def check_month(month: str) -> str:
    """Return ``month`` when it is a real month written ``YYYY-MM``, else refuse."""
    found = _MONTH.fullmatch(month) if isinstance(month, str) else None
    if found is None or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1:
        raise InvalidValueError("month", month, EXPECTED)
    return month


def shift(month: str, months: int) -> str:
    """The month ``months`` later (earlier when negative) than ``month``."""
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_ending(month: str, count: int) -> list[str]:
    """The ``count`` months up to and including ``month``, oldest first."""
    return [shift(month, offset) for offset in range(1 - count, 1)]


def last_day(month: str) -> date:
    """The last day of ``month``."""
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, calendar.monthrange(year, number)[1])
