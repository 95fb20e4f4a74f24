"""The lifecycle of a case: which step may follow which.

The phases and steps are defined once, here, as a ``transitions``
hierarchical state machine. The machine only *decides*: a command asks it
whether its trigger may fire from the case's current state, the machine
checks the source state and the guards, and answers with the destination.
The command then records that destination in its event, and the event sets
it on the case. The machine is never bound to the case, and replaying
events never calls it.

States are written ``phase.step`` (``"legal.judgment_served"``); a phase
without steps is written alone (``"closed"``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from transitions import MachineError
from transitions.extensions import HierarchicalMachine
from transitions.extensions.nesting import NestedState

from faircasso.domain.errors import (
    CaseClosedError,
    CommandNotAllowedError,
    ReferralPauseError,
)


class Phase(StrEnum):
    """The phases of a case, in the order a case usually meets them."""

    INTAKE = "intake"
    AMICABLE = "amicable"
    ARRANGEMENT = "arrangement"
    REFERRAL = "referral"
    LEGAL = "legal"
    CLOSED = "closed"


STEPS: Final[Mapping[Phase, tuple[str, ...]]] = {
    Phase.INTAKE: ("registered",),
    Phase.AMICABLE: ("new", "letter_sent", "reminding"),
    Phase.ARRANGEMENT: ("proposed", "active"),
    Phase.REFERRAL: ("budget_guidance", "debt_help", "wsnp"),
    Phase.LEGAL: (
        "proposed",
        "approved",
        "summoned",
        "judgment",
        "judgment_served",
        "attachment",
    ),
    Phase.CLOSED: (),
}

OPEN: Final = ["intake", "amicable", "arrangement", "referral", "legal"]
IN_TOUCH: Final = ["amicable", "arrangement", "legal"]

# Triggers that put pressure on the debtor or add costs; a referral pauses
# them, and saying so is more useful than "not allowed".
PRESSURE_TRIGGERS: Final = frozenset(
    {"send_letter", "send_reminder", "record_contact", "charge_costs"}
)

# Triggers that change nothing but must still fit the phase: an internal
# transition, which keeps the step as it was.
_STAY: Final = None

_LEGAL_STEPS: Final = ["legal." + step for step in STEPS[Phase.LEGAL]]
_REFERRAL_SOURCES: Final = ["amicable", "arrangement"]

# (trigger, sources, destination, guard); a destination of None keeps the
# state as it is.
_TABLE: Final[list[tuple[str, str | list[str], str | None, str | None]]] = [
    ("accept", "intake.registered", "amicable.new", None),
    ("reject", "intake.registered", "closed", None),
    ("send_letter", "amicable", "amicable.letter_sent", None),
    ("end_term", "amicable.letter_sent", "amicable.reminding", None),
    ("send_reminder", "amicable", "amicable.reminding", None),
    ("send_reminder", ["arrangement", "legal"], _STAY, None),
    ("record_contact", IN_TOUCH, _STAY, None),
    ("charge_costs", ["intake", *IN_TOUCH], _STAY, None),
    ("assess", [*IN_TOUCH, "referral"], _STAY, None),
    ("propose_arrangement", "amicable", "arrangement.proposed", None),
    ("agree_arrangement", "arrangement.proposed", "arrangement.active", None),
    ("decline_arrangement", "arrangement.proposed", "amicable.reminding", None),
    ("miss_instalment", "arrangement.active", _STAY, None),
    ("default_arrangement", "arrangement.active", "amicable.reminding", None),
    ("refer_budget_guidance", _REFERRAL_SOURCES, "referral.budget_guidance", None),
    ("refer_debt_help", _REFERRAL_SOURCES, "referral.debt_help", None),
    ("refer_wsnp", [*_REFERRAL_SOURCES, "referral"], "referral.wsnp", None),
    ("end_referral", "referral", "amicable.reminding", None),
    ("settle_referral", "referral", "closed", None),
    (
        "propose_legal",
        ["amicable", "arrangement.active"],
        "legal.proposed",
        "check_legal_allowed",
    ),
    ("approve_legal", "legal.proposed", "legal.approved", None),
    ("decline_legal", "legal.proposed", "closed", None),
    ("serve_summons", "legal.approved", "legal.summoned", None),
    ("obtain_judgment", "legal.summoned", "legal.judgment", None),
    ("serve_judgment", "legal.judgment", "legal.judgment_served", None),
    ("grant_court_leave", ["legal.approved", "legal.summoned"], _STAY, None),
    (
        "lay_attachment",
        _LEGAL_STEPS[1:],
        "legal.attachment",
        "check_attachment_allowed",
    ),
    ("credit", OPEN, _STAY, None),
    ("withdraw", OPEN, "closed", None),
    ("close", OPEN, "closed", None),
    ("pay_off", OPEN, "closed", None),
]

_TRANSITIONS: Final[list[dict[str, Any]]] = [
    {"trigger": trigger, "source": source, "dest": dest}
    | ({"conditions": guard} if guard else {})
    for trigger, source, dest, guard in _TABLE
]


class _DottedState(NestedState):
    """Nested state written ``phase.step``; step names may hold underscores."""

    separator = "."


class _LifecycleMachine(HierarchicalMachine):
    state_cls = _DottedState


def _state_tree() -> list[Any]:
    tree: list[Any] = []
    for phase, steps in STEPS.items():
        if steps:
            tree.append({"name": phase.value, "children": list(steps)})
        else:
            tree.append(phase.value)
    return tree


MACHINE: Final = _LifecycleMachine(
    model=None,
    states=_state_tree(),
    transitions=_TRANSITIONS,
    initial="intake.registered",
    auto_transitions=False,
    ignore_invalid_triggers=False,
    send_event=True,
)

ALL_STATES: Final = frozenset(
    f"{phase.value}.{step}" if step else phase.value
    for phase, steps in STEPS.items()
    for step in (steps or ("",))
)


def split_state(state: str) -> tuple[Phase, str]:
    """Split ``"legal.summoned"`` into ``(Phase.LEGAL, "summoned")``."""
    phase, _, step = state.partition(".")
    return Phase(phase), step


Guard = Callable[[], None]


@dataclass
class _Decision:
    """Throw-away object the machine moves; it carries the guards to run."""

    state: str
    guards: Mapping[str, Guard]

    def check_legal_allowed(self, _event: object) -> bool:
        return self._run_guard("propose_legal")

    def check_attachment_allowed(self, _event: object) -> bool:
        return self._run_guard("lay_attachment")

    def _run_guard(self, trigger: str) -> bool:
        guard = self.guards.get(trigger)
        if guard is not None:
            guard()
        return True


def allowed_triggers(state: str) -> list[str]:
    """The triggers the machine accepts from ``state``, sorted."""
    return sorted(MACHINE.get_triggers(state))


_GUARDED: Final = frozenset(t["trigger"] for t in _TRANSITIONS if "conditions" in t)
_decided: dict[tuple[str, str], str] = {}


def decide(
    state: str,
    trigger: str,
    *,
    case_label: str,
    guards: Mapping[str, Guard] | None = None,
) -> str:
    """Return the state ``trigger`` leads to from ``state``, or refuse.

    ``guards`` maps a trigger to a function that raises the precise error
    when the step is not allowed; the machine calls it as a condition,
    after it has checked the source state. A refusal by the machine raises
    the most specific error: a closed case, a paused referral, then any
    other phase mismatch with the triggers allowed instead.
    """
    # An unguarded answer depends on the state and trigger alone, so the
    # machine's first answer is remembered; refusals are never remembered.
    known = _decided.get((state, trigger))
    if known is not None:
        return known
    decision = _Decision(state=state, guards=guards or {})
    try:
        MACHINE.trigger_event(decision, trigger)
    except MachineError:
        raise _refusal(state, trigger, case_label) from None
    if trigger not in _GUARDED:
        _decided[(state, trigger)] = decision.state
    return decision.state


def _refusal(state: str, trigger: str, case_label: str) -> CommandNotAllowedError:
    phase, step = split_state(state)
    allowed = sorted({_words(t) for t in allowed_triggers(state) if t not in _INTERNAL})
    command = _words(trigger)
    if phase is Phase.CLOSED:
        return CaseClosedError(
            case_label,
            command,
            phase.value,
            step,
            reason="the case is closed; only money received is still recorded",
        )
    if phase is Phase.REFERRAL and trigger in PRESSURE_TRIGGERS:
        return ReferralPauseError(
            case_label,
            command,
            phase.value,
            step,
            allowed,
            reason="collection is paused while the debtor is referred for help",
        )
    return CommandNotAllowedError(case_label, command, phase.value, step, allowed)


# How refusals name a trigger: as the command a user calls. Triggers the
# case fires by itself are never offered as something to do.
_COMMAND_WORDS: Final = {
    "accept": "accept case",
    "reject": "reject case",
    "charge_costs": "charge collection costs",
    "assess": "assess debtor",
    "miss_instalment": "record instalment missed",
    "refer_budget_guidance": "refer to budget guidance",
    "refer_debt_help": "refer to debt help",
    "refer_wsnp": "refer to the Wsnp",
    "settle_referral": "end referral",
    "serve_summons": "record summons served",
    "obtain_judgment": "record judgment",
    "serve_judgment": "record judgment served",
    "credit": "record credit note",
    "close": "close case",
}
_INTERNAL: Final = frozenset({"end_term", "pay_off", "default_arrangement"})


def _words(trigger: str) -> str:
    return _COMMAND_WORDS.get(trigger, trigger.replace("_", " "))
