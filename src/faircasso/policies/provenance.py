"""Provenance: the record a rule leaves behind each time it is applied.

A :class:`RuleApplication` names the rule, its version and legal basis,
holds the inputs in a canonical text form and the result, and explains the
arithmetic in lines a person can follow. Events store it as it was, so a
later table update never changes history, and an auditor can recompute it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RuleApplication:
    """What one rule computed, from what, and on which legal basis.

    ``inputs`` maps each input's name to its canonical text (amounts as
    ``"1234.56"``, dates as ISO ``"2026-01-31"``, rates as ``"0.07"``), so
    the record survives storage unchanged and can be fed back to the rule.
    ``unconfirmed`` lists the table rows or assumptions the reference marks
    UNCONFIRMED that this result relied on; empty when it used none.
    """

    rule: str
    version: str
    legal_basis: str
    inputs: Mapping[str, str]
    result: str
    breakdown: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    unconfirmed: tuple[str, ...] = field(default=())

    @property
    def is_unconfirmed(self) -> bool:
        """True when the result used anything marked UNCONFIRMED."""
        return bool(self.unconfirmed)

    def explain(self) -> str:
        """The record as a few lines of plain text."""
        lines = [f"{self.rule} v{self.version} ({self.legal_basis}): {self.result}"]
        lines += [f"  {line}" for line in self.breakdown]
        if self.unconfirmed:
            lines.append("  UNCONFIRMED: " + "; ".join(self.unconfirmed))
        return "\n".join(lines)
