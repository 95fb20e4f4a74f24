"""The lifecycle machine: every transition it lists, and every refusal."""

from __future__ import annotations

import pytest

from faircasso.domain import lifecycle
from faircasso.domain.errors import (
    CaseClosedError,
    CommandNotAllowedError,
    ReferralPauseError,
    TimeBarredError,
)
from faircasso.domain.lifecycle import (
    _TABLE,
    ALL_STATES,
    PRESSURE_TRIGGERS,
    STEPS,
    Phase,
    allowed_triggers,
    decide,
    split_state,
)


def states_under(source: str) -> list[str]:
    """The states a source names: itself, or every step of a phase."""
    return sorted(s for s in ALL_STATES if s == source or s.startswith(f"{source}."))


def sources_of(row_sources: str | list[str]) -> list[str]:
    names = [row_sources] if isinstance(row_sources, str) else row_sources
    return sorted({state for name in names for state in states_under(name)})


TRANSITIONS = [
    (trigger, state, destination or state)
    for trigger, row_sources, destination, _guard in _TABLE
    for state in sources_of(row_sources)
]
TRIGGERS = sorted({trigger for trigger, *_ in _TABLE})
ALLOWED_FROM = {
    trigger: {state for t, s, _ in TRANSITIONS if t == trigger for state in [s]}
    for trigger in TRIGGERS
}
REFUSALS = [
    (trigger, state)
    for trigger in TRIGGERS
    for state in sorted(ALL_STATES - ALLOWED_FROM[trigger])
]


def expected_refusal(trigger: str, state: str) -> type[CommandNotAllowedError]:
    if state == "closed":
        return CaseClosedError
    if state.startswith("referral.") and trigger in PRESSURE_TRIGGERS:
        return ReferralPauseError
    return CommandNotAllowedError


# -- the states ------------------------------------------------------------------


def test_every_state_is_a_phase_and_one_of_its_steps() -> None:
    assert len(ALL_STATES) == 16
    assert "closed" in ALL_STATES
    for phase, steps in STEPS.items():
        for step in steps:
            assert f"{phase.value}.{step}" in ALL_STATES


def test_a_state_splits_into_its_phase_and_step() -> None:
    assert split_state("legal.judgment_served") == (Phase.LEGAL, "judgment_served")
    assert split_state("closed") == (Phase.CLOSED, "")


def test_the_table_lists_every_trigger_from_at_least_one_state() -> None:
    assert all(ALLOWED_FROM[trigger] for trigger in TRIGGERS)
    assert len(TRANSITIONS) > len(TRIGGERS)


# -- every listed transition -----------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "state", "destination"),
    TRANSITIONS,
    ids=[f"{t}@{s}" for t, s, _ in TRANSITIONS],
)
def test_every_listed_transition_leads_to_its_destination(
    trigger: str, state: str, destination: str
) -> None:
    reached = decide(state, trigger, case_label="C-1")

    assert reached == destination
    assert trigger in allowed_triggers(state)


@pytest.mark.parametrize(
    ("state", "trigger", "destination"),
    [
        ("intake.registered", "accept", "amicable.new"),
        ("intake.registered", "reject", "closed"),
        ("amicable.new", "send_letter", "amicable.letter_sent"),
        ("amicable.letter_sent", "end_term", "amicable.reminding"),
        ("amicable.reminding", "send_letter", "amicable.letter_sent"),
        ("arrangement.active", "send_reminder", "arrangement.active"),
        ("legal.judgment", "send_reminder", "legal.judgment"),
        ("arrangement.proposed", "decline_arrangement", "amicable.reminding"),
        ("arrangement.active", "default_arrangement", "amicable.reminding"),
        ("arrangement.active", "refer_debt_help", "referral.debt_help"),
        ("referral.budget_guidance", "refer_wsnp", "referral.wsnp"),
        ("referral.wsnp", "end_referral", "amicable.reminding"),
        ("referral.debt_help", "settle_referral", "closed"),
        ("arrangement.active", "propose_legal", "legal.proposed"),
        ("legal.summoned", "grant_court_leave", "legal.summoned"),
        ("legal.approved", "lay_attachment", "legal.attachment"),
        ("legal.attachment", "lay_attachment", "legal.attachment"),
        ("intake.registered", "pay_off", "closed"),
        ("legal.judgment_served", "withdraw", "closed"),
    ],
)
def test_a_few_transitions_by_hand(state: str, trigger: str, destination: str) -> None:
    assert decide(state, trigger, case_label="C-1") == destination


# -- every refusal ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("trigger", "state"), REFUSALS, ids=[f"{t}@{s}" for t, s in REFUSALS]
)
def test_a_trigger_from_a_state_it_does_not_list_is_refused(
    trigger: str, state: str
) -> None:
    with pytest.raises(CommandNotAllowedError) as refused:
        decide(state, trigger, case_label="C-1")

    assert type(refused.value) is expected_refusal(trigger, state)
    phase, step = split_state(state)
    assert (refused.value.phase, refused.value.step) == (phase.value, step)
    assert refused.value.command == lifecycle._words(trigger)
    assert trigger not in allowed_triggers(state)


def test_a_closed_case_refuses_and_says_only_money_is_still_recorded() -> None:
    with pytest.raises(CaseClosedError) as refused:
        decide("closed", "send_letter", case_label="C-4711")

    assert str(refused.value) == (
        "Cannot send letter on case C-4711 in closed: the case is closed; "
        "only money received is still recorded."
    )
    assert refused.value.allowed == ()


def test_a_referral_pauses_contact_pressure_and_lists_what_is_allowed() -> None:
    with pytest.raises(ReferralPauseError) as refused:
        decide("referral.debt_help", "record_contact", case_label="C-4711")

    assert str(refused.value) == (
        "Cannot record contact on case C-4711 in referral/debt_help: collection "
        "is paused while the debtor is referred for help. Allowed now: assess "
        "debtor, close case, end referral, record credit note, refer to the Wsnp, "
        "withdraw."
    )


def test_a_referral_refuses_other_commands_as_not_allowed() -> None:
    with pytest.raises(CommandNotAllowedError) as refused:
        decide("referral.wsnp", "propose_legal", case_label="C-4711")

    assert type(refused.value) is CommandNotAllowedError
    assert str(refused.value) == (
        "Cannot propose legal on case C-4711 in referral/wsnp. Allowed now: "
        "assess debtor, close case, end referral, record credit note, refer to "
        "the Wsnp, withdraw."
    )


def test_a_step_out_of_order_is_refused_with_the_steps_allowed_instead() -> None:
    with pytest.raises(CommandNotAllowedError) as refused:
        decide("intake.registered", "send_letter", case_label="C-4711")

    assert str(refused.value) == (
        "Cannot send letter on case C-4711 in intake/registered. Allowed now: "
        "accept case, charge collection costs, close case, record credit note, "
        "reject case, withdraw."
    )
    assert refused.value.allowed == (
        "accept case",
        "charge collection costs",
        "close case",
        "record credit note",
        "reject case",
        "withdraw",
    )


# -- guards ----------------------------------------------------------------------


def _time_barred() -> None:
    raise TimeBarredError("C-1", "propose legal", "amicable", "new", reason="barred")


def test_a_guard_refuses_with_its_own_error_after_the_state_fits() -> None:
    with pytest.raises(TimeBarredError) as refused:
        decide(
            "amicable.new",
            "propose_legal",
            case_label="C-1",
            guards={"propose_legal": _time_barred},
        )

    assert (
        str(refused.value)
        == "Cannot propose legal on case C-1 in amicable/new: barred."
    )


def test_a_guard_is_not_asked_when_the_state_does_not_fit() -> None:
    with pytest.raises(CommandNotAllowedError) as refused:
        decide(
            "intake.registered",
            "propose_legal",
            case_label="C-1",
            guards={"propose_legal": _time_barred},
        )

    assert type(refused.value) is CommandNotAllowedError


def test_a_guarded_answer_is_never_remembered() -> None:
    allowed = decide("amicable.reminding", "propose_legal", case_label="C-1")

    with pytest.raises(TimeBarredError):
        decide(
            "amicable.reminding",
            "propose_legal",
            case_label="C-1",
            guards={"propose_legal": _time_barred},
        )

    assert allowed == "legal.proposed"
