"""faircasso: the case workflow of a socially responsible collection agency.

Open an :class:`Engine` on a database URL and run commands on it; see the
README for a first example and ``docs/`` for the rules and formats.
"""

import logging

from faircasso.domain.clock import SystemClock, VirtualClock
from faircasso.domain.errors import FaircassoError
from faircasso.domain.lifecycle import Phase
from faircasso.domain.money import Money
from faircasso.domain.values import (
    Agreement,
    Assessment,
    CloseReason,
    Debtor,
    DebtorKind,
    Invoice,
    ReferralKind,
    ReferralOutcome,
)
from faircasso.engine import Engine

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Agreement",
    "Assessment",
    "CloseReason",
    "Debtor",
    "DebtorKind",
    "Engine",
    "FaircassoError",
    "Invoice",
    "Money",
    "Phase",
    "ReferralKind",
    "ReferralOutcome",
    "SystemClock",
    "VirtualClock",
]
