"""Recomputing a recorded rule application from its recorded inputs.

Every rule leaves a :class:`~faircasso.policies.provenance.RuleApplication`
naming the rule and its version, with its inputs in canonical text and the
table rows it used. :func:`recompute` runs the named rule again on exactly
those inputs, with tables made of the recorded rows only, never today's
tables, so an auditor can check that a stored figure still follows from
what was recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from faircasso.domain.errors import UnknownRuleError
from faircasso.policies import (
    allocation,
    arrangements,
    costs,
    interest,
    legal,
    letter,
    limitation,
    recurring_costs,
    settlement,
    triage,
)
from faircasso.policies.provenance import RuleApplication
from faircasso.policies.tables import PolicyTables

Rerun = Callable[[Mapping[str, str], PolicyTables], RuleApplication]


def _without_tables(
    rerun: Callable[[Mapping[str, str]], RuleApplication],
) -> Rerun:
    """Adapt a rule that reads no tables to the common signature."""
    return lambda inputs, _tables: rerun(inputs)


RULES: Mapping[tuple[str, str], Rerun] = {
    ("collection_costs", costs.VERSION): costs.rerun_collection_costs,
    ("collection_costs_for_claims", costs.VERSION): (
        costs.rerun_collection_costs_for_claims
    ),
    ("commercial_minimum_costs", costs.VERSION): costs.rerun_commercial_minimum_costs,
    (recurring_costs.RULE, recurring_costs.VERSION): recurring_costs.rerun,
    ("statutory_interest", interest.VERSION): interest.rerun_statutory_interest,
    ("accrue_interest", interest.VERSION): interest.rerun_accrue_interest,
    (legal.RULE, legal.VERSION): legal.rerun,
    (allocation.RULE, allocation.VERSION): _without_tables(allocation.rerun),
    (letter.RULE, letter.VERSION): _without_tables(letter.rerun),
    (limitation.RULE, limitation.VERSION): _without_tables(limitation.rerun),
    ("settle_payment", settlement.VERSION): _without_tables(
        settlement.rerun_settle_payment
    ),
    ("closing_settlement", settlement.VERSION): _without_tables(
        settlement.rerun_closing_settlement
    ),
    ("instalment_schedule", arrangements.VERSION): _without_tables(
        arrangements.rerun_instalment_schedule
    ),
    ("suggest_instalments", arrangements.VERSION): _without_tables(
        arrangements.rerun_suggest_instalments
    ),
    (triage.RULE, triage.VERSION): _without_tables(triage.rerun),
}


def recompute(record: RuleApplication) -> RuleApplication:
    """Run the recorded rule and version again on the recorded inputs."""
    rerun = RULES.get((record.rule, record.version))
    if rerun is None:
        raise UnknownRuleError(record.rule, record.version)
    return rerun(record.inputs, PolicyTables.from_recorded(record.inputs))


def is_reproducible(record: RuleApplication) -> bool:
    """True when recomputing ``record`` gives the same record back."""
    return recompute(record) == record
