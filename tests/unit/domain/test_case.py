"""The case aggregate on its own: every command, every guard, every refusal.

No store and no engine: a case is opened with :meth:`Case.open`, commands
are called on it, and what it recorded is read from its pending events.
Time comes from a virtual clock, as in the engine.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid5

import pytest

from case_checks import assert_money_conserved
from faircasso.domain import case_events as ev
from faircasso.domain.books import DeadlineKind
from faircasso.domain.case import Case
from faircasso.domain.clock import VirtualClock, using_clock
from faircasso.domain.errors import (
    AttachmentNotAllowedError,
    CaseClosedError,
    CommandNotAllowedError,
    InvalidInvoiceError,
    InvalidValueError,
    NonPositiveAmountError,
    ReferralPauseError,
    TimeBarredError,
    UnsupportedCurrencyError,
)
from faircasso.domain.money import Money
from faircasso.domain.values import (
    Agreement,
    Assessment,
    BusinessCosts,
    CloseReason,
    ContactChannel,
    Debtor,
    DebtorKind,
    Invoice,
    ReferralKind,
    ReferralOutcome,
)

START = date(2026, 1, 5)  # a Monday
DUE = date(2025, 12, 1)
TERM_ENDS = date(2026, 1, 21)  # delivered Wednesday 7 January, 14 days after
COSTS_DUE = date(2026, 1, 22)
NAMESPACE = UUID("6b1c2f0e-8d3a-4c55-9a57-5f3e2b7d9c10")


@pytest.fixture(autouse=True, scope="module")
def _virtual_time() -> Iterator[VirtualClock]:
    with using_clock(VirtualClock(START)) as clock:
        yield clock


def invoice(
    number: str = "F-1",
    principal: str = "1000.00",
    due: date = DUE,
    *,
    consumer_sale: bool = False,
) -> Invoice:
    issued = due - timedelta(days=30)
    return Invoice(number, issued, due, Money(principal), consumer_sale)


def open_case(
    *,
    debtor: DebtorKind = DebtorKind.CONSUMER,
    private: bool = False,
    invoices: list[Invoice] | None = None,
    tolerance: int = 1,
    business_costs: BusinessCosts = BusinessCosts.SCALE,
) -> Case:
    """A case of client ACME, its opening events already collected."""
    agreement = Agreement(
        handling_fee=Money("25.00"),
        can_deduct_vat=True,
        portfolio=debtor,
        legal_threshold=Money("500.00"),
        private_individual=private,
        instalment_tolerance=tolerance,
        business_costs=business_costs,
    )
    case = Case.open(
        case_id=uuid5(NAMESPACE, "C-4711"),
        client_id=uuid5(NAMESPACE, "ACME"),
        client_code="ACME",
        agreement=agreement,
        reference="C-4711",
        debtor=Debtor("Jan de Vries", debtor),
        invoices=[invoice()] if invoices is None else invoices,
        payment_reference="RF18 4711",
        on=START,
    )
    case.collect_events()
    return case


def recorded(case: Case) -> list[str]:
    """The names of the events recorded since the last look, oldest first."""
    return [type(event).__name__ for event in case.collect_events()]


def state_of(case: Case) -> dict[str, Any]:
    """Everything the case holds, pending events included, to compare later."""
    return copy.deepcopy(case.__dict__)


def after_term(case: Case) -> Case:
    """Send the letter and let its term pass: costs are charged."""
    case.send_letter(START)
    case.fire_deadlines(COSTS_DUE)
    case.collect_events()
    return case


def legal_case(*, up_to: str = "approved") -> Case:
    steps: dict[str, Callable[[Case], None]] = {
        "proposed": lambda c: c.propose_legal(START),
        "approved": lambda c: c.approve_legal(START),
        "summoned": lambda c: c.record_summons_served(START),
        "judgment": lambda c: c.record_judgment(START),
        "judgment_served": lambda c: c.record_judgment_served(START),
    }
    case = open_case()
    for name, step in steps.items():
        step(case)
        if name == up_to:
            break
    case.collect_events()
    return case


def agreed_arrangement(*, tolerance: int = 1, instalments: int = 3) -> Case:
    case = open_case(tolerance=tolerance)
    case.propose_arrangement(START, instalments=instalments, first_due=date(2026, 2, 1))
    case.agree_arrangement(START)
    case.collect_events()
    return case


# -- intake ----------------------------------------------------------------------


def test_a_case_for_a_business_client_is_accepted_when_it_is_opened() -> None:
    agreement = Agreement(Money("25.00"), True, DebtorKind.CONSUMER, Money("500.00"))

    case = Case.open(
        case_id=uuid5(NAMESPACE, "C-1"),
        client_id=uuid5(NAMESPACE, "ACME"),
        client_code="ACME",
        agreement=agreement,
        reference=" C-1 ",
        debtor=Debtor("Jan de Vries", DebtorKind.CONSUMER),
        invoices=[invoice()],
        payment_reference="RF18 1",
        on=START,
    )

    assert case.state == "amicable.new"
    assert case.reference == "C-1"
    events = case.collect_events()
    assert [type(e).__name__ for e in events] == ["CaseOpened"]
    assert {e.timestamp.date() for e in events} == {START}
    assert case.balance == Money("1000.00")
    assert case.deadlines["limitation:F-1"].due_on == date(2030, 12, 2)


def test_a_private_individuals_case_waits_at_intake_until_it_is_accepted() -> None:
    case = open_case(private=True)

    waiting = case.state
    case.accept(START)

    assert waiting == "intake.registered"
    assert case.state == "amicable.new"
    assert recorded(case) == ["CaseAccepted"]


def test_a_private_individuals_case_can_be_rejected_at_intake_without_a_fee() -> None:
    case = open_case(private=True)

    case.reject(START)

    assert case.state == "closed"
    assert case.close_reason is CloseReason.REJECTED_AT_INTAKE
    assert case.closed_on == START
    assert case.handling_fee_due == Money.zero()


def test_a_case_waiting_at_intake_takes_no_letter() -> None:
    case = open_case(private=True)
    before = state_of(case)

    with pytest.raises(CommandNotAllowedError) as refused:
        case.send_letter(START)

    assert str(refused.value) == (
        "Cannot send letter on case C-4711 in intake/registered. Allowed now: "
        "accept case, charge collection costs, close case, record credit note, "
        "reject case, withdraw."
    )
    assert state_of(case) == before


def test_a_case_needs_at_least_one_invoice() -> None:
    with pytest.raises(InvalidValueError) as refused:
        open_case(invoices=[])

    assert str(refused.value) == (
        "Invalid invoices []: expected at least one invoice for case C-4711."
    )


def test_an_invoice_number_is_used_once_within_a_case() -> None:
    with pytest.raises(InvalidValueError) as refused:
        open_case(invoices=[invoice("F-1"), invoice("F-1", "20.00")])

    assert str(refused.value) == (
        "Invalid invoice numbers ['F-1']: expected each invoice once within a case."
    )


# -- collection costs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "costs"),
    [
        (BusinessCosts.SCALE, Money("150.00")),
        (BusinessCosts.MINIMUM, Money("40.00")),
        (BusinessCosts.NONE, Money("0.00")),
    ],
)
def test_business_debtors_are_charged_the_costs_the_client_agreed(
    terms: BusinessCosts, costs: Money
) -> None:
    case = open_case(debtor=DebtorKind.BUSINESS, business_costs=terms)

    charged = case.costs_charged

    assert charged == costs
    assert case.state == "amicable.new"


def test_a_business_debtor_is_charged_collection_costs_at_acceptance() -> None:
    case = open_case(debtor=DebtorKind.BUSINESS, private=True)

    case.accept(START)

    assert recorded(case) == ["CaseAccepted", "CostsCharged"]
    assert case.costs_open == Money("150.00")
    assert case.balance == Money("1150.00")


def test_a_consumer_is_not_charged_costs_at_acceptance() -> None:
    case = open_case(private=True)

    case.accept(START)

    assert recorded(case) == ["CaseAccepted"]
    assert case.costs_charged == Money.zero()


def test_the_letter_sets_the_end_of_the_fourteen_day_term() -> None:
    case = open_case()

    case.send_letter(START)

    assert case.state == "amicable.letter_sent"
    assert case.letter_term_ends_on == TERM_ENDS
    assert case.deadlines["letter_term"].due_on == COSTS_DUE
    events = case.collect_events()
    letter = next(e for e in events if isinstance(e, ev.LetterSent))
    assert letter.announced_costs == Money("150.00")
    assert letter.delivered_on == date(2026, 1, 7)


def test_consumer_costs_are_refused_before_a_letter_is_sent() -> None:
    case = open_case()
    before = state_of(case)

    with pytest.raises(CommandNotAllowedError) as refused:
        case.charge_collection_costs(START)

    assert str(refused.value) == (
        "Cannot charge collection costs on case C-4711 in amicable/new: "
        "the 14-day term runs until a letter is sent."
    )
    assert state_of(case) == before


def test_consumer_costs_are_refused_until_the_term_has_ended() -> None:
    case = open_case()
    case.send_letter(START)
    before = state_of(case)

    with pytest.raises(CommandNotAllowedError) as refused:
        case.charge_collection_costs(TERM_ENDS)

    assert str(refused.value) == (
        "Cannot charge collection costs on case C-4711 in amicable/letter_sent: "
        "the 14-day term runs until 2026-01-21."
    )
    assert refused.value.reason == "the 14-day term runs until 2026-01-21"
    assert state_of(case) == before


def test_consumer_costs_are_charged_when_the_term_passes_unpaid() -> None:
    case = open_case()
    case.send_letter(START)
    case.collect_events()

    fired = case.fire_deadlines(COSTS_DUE)

    assert fired == 1
    assert recorded(case) == ["DeadlineFired", "TermEnded", "CostsCharged"]
    assert case.state == "amicable.reminding"
    assert case.costs_open == Money("150.00")


def test_consumer_costs_can_be_charged_by_hand_the_day_after_the_term() -> None:
    case = open_case()
    case.send_letter(START)
    case.collect_events()

    case.charge_collection_costs(COSTS_DUE)

    assert recorded(case) == ["CostsCharged"]
    assert case.costs_open == Money("150.00")


def test_collection_costs_charged_by_hand_are_not_charged_again_at_the_term() -> None:
    case = open_case()
    case.send_letter(START)
    case.charge_collection_costs(COSTS_DUE)
    case.collect_events()

    case.fire_deadlines(COSTS_DUE)

    assert recorded(case) == ["DeadlineFired", "TermEnded"]
    assert case.costs_charged == Money("150.00")


def test_collection_costs_are_charged_once_per_case() -> None:
    case = open_case(debtor=DebtorKind.BUSINESS)
    before = state_of(case)

    with pytest.raises(CommandNotAllowedError) as refused:
        case.charge_collection_costs(START)

    assert str(refused.value) == (
        "Cannot charge collection costs on case C-4711 in amicable/new: "
        "collection costs were charged on 2026-01-05; they are charged once."
    )
    assert state_of(case) == before


def test_a_second_letter_does_not_charge_the_costs_again() -> None:
    case = after_term(open_case())
    case.send_letter(COSTS_DUE)

    case.fire_deadlines(date(2026, 2, 15))

    assert case.costs_charged == Money("150.00")


def test_costs_are_split_over_the_invoices_by_their_principal() -> None:
    case = open_case(
        debtor=DebtorKind.BUSINESS,
        private=True,
        invoices=[invoice("F-1", "600.00"), invoice("F-2", "400.00")],
    )

    case.accept(START)

    assert case.books["F-1"].costs_open == Money("90.00")
    assert case.books["F-2"].costs_open == Money("60.00")


# -- amicable --------------------------------------------------------------------


def test_a_reminder_moves_the_case_to_reminding_and_renews_limitation() -> None:
    case = open_case()

    case.send_reminder(START)

    assert case.state == "amicable.reminding"
    assert recorded(case) == ["ReminderSent", "LimitationRenewed", "DeadlineSet"]
    assert case.books["F-1"].limitation_date == date(2031, 1, 6)


def test_every_reminder_in_time_renews_limitation_again() -> None:
    case = open_case(invoices=[invoice(due=date(2021, 3, 1))])
    case.send_letter(START)

    case.send_reminder(date(2026, 4, 1))

    assert case.books["F-1"].limitation_date == date(2031, 4, 2)
    assert case.deadlines["limitation:F-1"].due_on == date(2031, 4, 2)


def test_a_reminder_after_limitation_has_run_does_not_revive_the_claim() -> None:
    case = open_case(invoices=[invoice(due=date(2020, 1, 1))])

    case.send_reminder(START)

    assert case.books["F-1"].limitation_date == date(2025, 1, 2)
    assert recorded(case) == ["ReminderSent"]


def test_an_invoice_not_yet_due_is_not_taken_in() -> None:
    with pytest.raises(InvalidInvoiceError) as refused:
        open_case(invoices=[invoice(due=START)])

    assert str(refused.value) == (
        "Invoice 'F-1' is invalid: it is not past its due date 2026-01-05 on "
        "2026-01-05; only unpaid invoices past their due date are handed in."
    )


def test_contact_and_assessment_are_recorded_without_changing_the_step() -> None:
    case = open_case()

    case.record_contact(START, ContactChannel.PHONE, "  promised to pay  ")
    case.assess(START, Assessment.WILLING_BUT_UNABLE, "lost job")

    assert case.state == "amicable.new"
    assert case.assessment is Assessment.WILLING_BUT_UNABLE
    contact, assessed = case.collect_events()
    assert contact.summary == "promised to pay"
    assert assessed.note == "lost job"


def test_business_dates_of_a_case_never_go_back() -> None:
    case = open_case()
    case.send_reminder(date(2026, 1, 10))
    before = state_of(case)

    with pytest.raises(InvalidValueError) as refused:
        case.record_contact(date(2026, 1, 9), ContactChannel.EMAIL, "")

    assert str(refused.value) == (
        "Invalid business date '2026-01-09': expected 2026-01-10 or later for "
        "case C-4711; business dates of a case never go back."
    )
    assert state_of(case) == before


# -- arrangement -----------------------------------------------------------------


def test_a_proposed_plan_asks_the_balance_of_the_day_in_instalments() -> None:
    case = open_case()
    owed = case.balance_on(START)

    case.propose_arrangement(START, instalments=3, first_due=date(2026, 2, 1))

    assert case.state == "arrangement.proposed"
    assert case.arrangement is not None
    assert case.arrangement.total == owed == case.balance
    assert [i.due_on for i in case.arrangement.instalments] == [
        date(2026, 2, 1),
        date(2026, 3, 1),
        date(2026, 4, 1),
    ]


def test_an_agreed_plan_sets_a_deadline_the_day_after_each_instalment() -> None:
    case = open_case()
    case.propose_arrangement(START, instalments=2, first_due=date(2026, 2, 1))

    case.agree_arrangement(START)

    assert case.state == "arrangement.active"
    assert case.arrangement is not None
    assert case.arrangement.agreed_on == START
    assert case.deadlines["instalment:1"].due_on == date(2026, 2, 2)
    assert case.deadlines["instalment:2"].kind is DeadlineKind.INSTALMENT


def test_a_declined_plan_returns_the_case_to_reminding() -> None:
    case = open_case()
    case.propose_arrangement(START, instalments=2, first_due=date(2026, 2, 1))

    case.decline_arrangement(START)

    assert case.state == "amicable.reminding"
    assert case.arrangement is None


@pytest.mark.parametrize(
    ("instalments", "first_due", "message"),
    [
        (0, date(2026, 2, 1), "Invalid number of instalments 0: expected 1 to 120."),
        (
            121,
            date(2026, 2, 1),
            "Invalid number of instalments 121: expected 1 to 120.",
        ),
        (
            2,
            date(2026, 1, 4),
            "Invalid first instalment date '2026-01-04': expected on or after "
            "2026-01-05.",
        ),
    ],
)
def test_a_plan_outside_the_limits_is_refused(
    instalments: int, first_due: date, message: str
) -> None:
    case = open_case()
    before = state_of(case)

    with pytest.raises(InvalidValueError) as refused:
        case.propose_arrangement(START, instalments=instalments, first_due=first_due)

    assert str(refused.value) == message
    assert state_of(case) == before


def test_a_plan_of_more_instalments_than_cents_owed_changes_nothing() -> None:
    case = open_case(invoices=[invoice(principal="0.05")])
    before = state_of(case)

    with pytest.raises(InvalidValueError) as refused:
        case.propose_arrangement(START, instalments=10, first_due=START)

    assert str(refused.value) == (
        "Invalid instalment count 10: expected a whole number from 1 to 5."
    )
    assert state_of(case) == before


def test_a_missed_instalment_within_the_tolerance_keeps_the_plan() -> None:
    case = agreed_arrangement(tolerance=1)

    case.record_instalment_missed(date(2026, 2, 2), 1)

    assert case.state == "arrangement.active"
    assert case.arrangement is not None
    assert case.arrangement.missed == 1


def test_missed_instalments_past_the_tolerance_default_back_to_amicable() -> None:
    case = agreed_arrangement(tolerance=1)
    case.record_instalment_missed(date(2026, 2, 2), 1)
    case.collect_events()

    case.record_instalment_missed(date(2026, 3, 2), 2)

    assert recorded(case)[:2] == ["InstalmentMissed", "ArrangementDefaulted"]
    assert case.state == "amicable.reminding"
    assert case.arrangement is None
    assert not any(k.startswith("instalment:") for k in case.deadlines)


def test_with_no_tolerance_the_first_missed_instalment_defaults() -> None:
    case = agreed_arrangement(tolerance=0)

    case.record_instalment_missed(date(2026, 2, 2), 1)

    assert case.state == "amicable.reminding"


def test_an_unpaid_instalment_is_found_missed_when_its_deadline_comes() -> None:
    case = agreed_arrangement(tolerance=1)

    case.fire_deadlines(date(2026, 2, 2))

    assert recorded(case) == ["DeadlineFired", "InstalmentMissed"]
    assert case.arrangement is not None
    assert case.arrangement.missed == 1


def test_a_paid_instalment_is_not_missed_when_its_deadline_comes() -> None:
    case = agreed_arrangement(tolerance=0)
    assert case.arrangement is not None
    first = case.arrangement.instalments[0].amount
    case.record_payment(date(2026, 2, 1), first, payment_id="bank:1")
    case.collect_events()

    case.fire_deadlines(date(2026, 2, 2))

    assert recorded(case) == ["DeadlineFired"]
    assert case.state == "arrangement.active"


def test_an_instalment_the_plan_does_not_have_is_refused() -> None:
    case = agreed_arrangement(instalments=3)
    before = state_of(case)

    with pytest.raises(InvalidValueError) as refused:
        case.record_instalment_missed(START, 7)

    assert str(refused.value) == "Invalid instalment number 7: expected 1 to 3."
    assert state_of(case) == before


def test_no_instalment_is_missed_before_the_plan_is_agreed() -> None:
    case = open_case()
    case.propose_arrangement(START, instalments=2, first_due=date(2026, 2, 1))
    before = state_of(case)

    with pytest.raises(CommandNotAllowedError) as refused:
        case.record_instalment_missed(START, 1)

    assert str(refused.value).startswith(
        "Cannot record instalment missed on case C-4711 in arrangement/proposed. "
        "Allowed now: agree arrangement,"
    )
    assert state_of(case) == before


def test_paying_every_instalment_completes_the_arrangement() -> None:
    case = agreed_arrangement(instalments=2)
    assert case.arrangement is not None
    first, second = (i.amount for i in case.arrangement.instalments)

    case.record_payment(date(2026, 2, 1), first, payment_id="bank:1")
    case.record_payment(date(2026, 3, 1), second, payment_id="bank:2")

    assert case.state == "closed"
    assert case.close_reason is CloseReason.ARRANGEMENT_COMPLETED
    assert case.balance == Money.zero()
    assert case.handling_fee_due == Money.zero()


# -- referral --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "state"),
    [
        (ReferralKind.BUDGET_GUIDANCE, "referral.budget_guidance"),
        (ReferralKind.DEBT_HELP, "referral.debt_help"),
        (ReferralKind.WSNP, "referral.wsnp"),
    ],
)
def test_a_referral_pauses_collection(kind: ReferralKind, state: str) -> None:
    case = open_case()

    case.refer(START, kind)

    assert case.state == state


def test_a_referral_ends_an_agreed_plan_and_its_deadlines() -> None:
    case = agreed_arrangement()

    case.refer(date(2026, 1, 10), ReferralKind.DEBT_HELP)

    assert case.arrangement is None
    assert not any(k.startswith("instalment:") for k in case.deadlines)


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (lambda c: c.send_letter(START), "send letter"),
        (lambda c: c.send_reminder(START), "send reminder"),
        (lambda c: c.record_contact(START, ContactChannel.PHONE, ""), "record contact"),
        (lambda c: c.charge_collection_costs(START), "charge costs"),
    ],
)
def test_no_pressure_and_no_new_costs_during_a_referral(
    command: Callable[[Case], None], words: str
) -> None:
    case = open_case(debtor=DebtorKind.BUSINESS)
    case.refer(START, ReferralKind.DEBT_HELP)
    case.collect_events()
    before = state_of(case)

    with pytest.raises(ReferralPauseError) as refused:
        command(case)

    assert str(refused.value).startswith(
        f"Cannot {words} on case C-4711 in referral/debt_help: collection is "
        "paused while the debtor is referred for help."
    )
    assert state_of(case) == before


def test_when_the_help_ends_collection_resumes_with_reminders() -> None:
    case = open_case()
    case.refer(START, ReferralKind.BUDGET_GUIDANCE)

    case.end_referral(date(2026, 3, 1), ReferralOutcome.HELP_ENDED)

    assert case.state == "amicable.reminding"


@pytest.mark.parametrize(
    ("outcome", "reason", "fee"),
    [
        (
            ReferralOutcome.DEBT_SETTLEMENT,
            CloseReason.SETTLED_THROUGH_DEBT_HELP,
            "0.00",
        ),
        (ReferralOutcome.WRITTEN_OFF, CloseReason.UNCOLLECTABLE, "25.00"),
    ],
)
def test_a_settlement_or_write_off_closes_the_case(
    outcome: ReferralOutcome, reason: CloseReason, fee: str
) -> None:
    case = open_case()
    case.refer(START, ReferralKind.DEBT_HELP)

    case.end_referral(date(2026, 3, 1), outcome)

    assert case.state == "closed"
    assert case.close_reason is reason
    assert case.handling_fee_due == Money(fee)


# -- legal -----------------------------------------------------------------------


def test_the_legal_track_is_proposed_with_the_claim_and_a_cost_estimate() -> None:
    case = open_case()

    case.propose_legal(START)

    assert case.state == "legal.proposed"
    proposal = case.collect_events()[-1]
    assert isinstance(proposal, ev.LegalTrackProposed)
    assert proposal.claim_value == case.balance_on(START)
    assert proposal.estimated_costs.is_positive()


def test_a_time_barred_claim_is_never_taken_to_court() -> None:
    case = open_case(invoices=[invoice(due=date(2020, 1, 1))])
    before = state_of(case)

    with pytest.raises(TimeBarredError) as refused:
        case.propose_legal(START)

    assert str(refused.value) == (
        "Cannot propose legal on case C-4711 in amicable/new: invoice F-1 is "
        "time-barred since 2025-01-02; a time-barred claim is never taken to court."
    )
    assert state_of(case) == before


def test_a_consumer_sale_is_time_barred_two_years_after_its_due_date() -> None:
    case = open_case(invoices=[invoice(due=date(2023, 6, 1), consumer_sale=True)])

    with pytest.raises(TimeBarredError) as refused:
        case.propose_legal(START)

    assert case.books["F-1"].limitation_date == date(2025, 6, 2)
    assert str(refused.value) == (
        "Cannot propose legal on case C-4711 in amicable/new: invoice F-1 is "
        "time-barred since 2025-06-02; a time-barred claim is never taken to court."
    )


def test_a_claim_becomes_time_barred_when_its_limitation_date_comes() -> None:
    case = open_case(invoices=[invoice(due=date(2020, 1, 1))])

    case.fire_deadlines(START)

    assert recorded(case) == ["DeadlineFired", "ClaimTimeBarred"]
    assert case.books["F-1"].time_barred


def test_a_balance_below_the_clients_threshold_is_not_taken_to_court() -> None:
    case = open_case(invoices=[invoice(principal="100.00")])
    before = state_of(case)

    with pytest.raises(CommandNotAllowedError) as refused:
        case.propose_legal(START)

    assert type(refused.value) is CommandNotAllowedError
    assert str(refused.value) == (
        f"Cannot propose legal on case C-4711 in amicable/new: the balance "
        f"{case.balance_on(START)} is below the client's legal threshold "
        "EUR 500.00."
    )
    assert state_of(case) == before


def test_the_client_can_decline_the_legal_track_which_closes_the_case() -> None:
    case = legal_case(up_to="proposed")

    case.decline_legal(START)

    assert case.close_reason is CloseReason.CLIENT_DECLINED_LEGAL
    assert case.handling_fee_due == Money("25.00")


def test_the_legal_track_runs_from_summons_to_attachment() -> None:
    case = legal_case(up_to="approved")

    case.record_summons_served(date(2026, 2, 1))
    case.record_judgment(date(2026, 4, 1), Money("350.00"))
    case.record_judgment_served(date(2026, 4, 15))
    case.lay_attachment(date(2026, 5, 1), "wages")

    assert case.state == "legal.attachment"
    assert case.costs_open == Money("350.00")
    names = recorded(case)
    assert names[0] == "SummonsServed"
    assert names[-1] == "AttachmentLaid"
    assert "CostsCharged" in names


def test_a_judgment_without_awarded_costs_adds_no_costs() -> None:
    case = legal_case(up_to="summoned")

    case.record_judgment(START, Money.zero())

    assert recorded(case) == ["JudgmentObtained"]


@pytest.mark.parametrize(
    ("awarded", "error", "message"),
    [
        (
            Money("-5.00"),
            NonPositiveAmountError,
            "The costs awarded must be more than EUR 0.00, got EUR -5.00.",
        ),
        (
            Money("5.00", "USD"),
            UnsupportedCurrencyError,
            "Cannot accept the costs awarded in USD: faircasso collects in EUR only.",
        ),
    ],
)
def test_awarded_costs_that_are_no_amount_owed_change_nothing(
    awarded: Money, error: type[Exception], message: str
) -> None:
    case = legal_case(up_to="summoned")
    before = state_of(case)

    with pytest.raises(error) as refused:
        case.record_judgment(START, awarded)

    assert str(refused.value) == message
    assert state_of(case) == before


@pytest.mark.parametrize("up_to", ["approved", "summoned", "judgment"])
def test_no_attachment_without_a_served_judgment_or_court_leave(up_to: str) -> None:
    case = legal_case(up_to=up_to)
    before = state_of(case)

    with pytest.raises(AttachmentNotAllowedError) as refused:
        case.lay_attachment(START)

    assert str(refused.value) == (
        f"Cannot lay attachment on case C-4711 in legal/{up_to}: there is no "
        "served judgment and no court leave for prejudgment attachment."
    )
    assert state_of(case) == before


@pytest.mark.parametrize("up_to", ["approved", "summoned"])
def test_court_leave_allows_attachment_before_judgment(up_to: str) -> None:
    case = legal_case(up_to=up_to)
    case.grant_court_leave(START, main_action_by=date(2026, 3, 1))

    case.lay_attachment(START, "bank account")

    assert case.court_leave
    assert case.state == "legal.attachment"


def test_attachment_is_allowed_once_the_judgment_is_served() -> None:
    case = legal_case(up_to="judgment_served")

    case.lay_attachment(START)
    case.lay_attachment(START, "wages")

    assert case.state == "legal.attachment"


def test_an_attachment_names_what_is_attached() -> None:
    case = legal_case(up_to="judgment_served")
    before = state_of(case)

    with pytest.raises(InvalidValueError) as refused:
        case.lay_attachment(START, "  ")

    assert str(refused.value) == (
        "Invalid attachment kind '  ': expected a non-empty text."
    )
    assert state_of(case) == before


# -- closing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "prepare",
    [
        lambda: open_case(private=True),
        open_case,
        agreed_arrangement,
        lambda: legal_case(up_to="judgment"),
    ],
    ids=["intake", "amicable", "arrangement", "legal"],
)
def test_the_client_can_withdraw_a_case_in_any_open_phase(
    prepare: Callable[[], Case],
) -> None:
    case = prepare()

    case.withdraw(date(2026, 1, 20))

    assert case.state == "closed"
    assert case.close_reason is CloseReason.WITHDRAWN_BY_CLIENT
    assert case.closed_on == date(2026, 1, 20)
    assert case.handling_fee_due == Money("25.00")
    assert case.deadlines == {}


def test_collection_costs_received_are_set_off_against_the_handling_fee() -> None:
    case = after_term(open_case())
    case.record_payment(COSTS_DUE, Money("140.00"), payment_id="bank:1")

    case.withdraw(COSTS_DUE)

    assert case.to_agency == Money("140.00")
    assert case.handling_fee_due == Money.zero()


@pytest.mark.parametrize("reason", [CloseReason.UNCOLLECTABLE, CloseReason.TIME_BARRED])
def test_a_case_can_be_closed_as_uncollectable_or_time_barred(
    reason: CloseReason,
) -> None:
    case = open_case()

    case.close(START, reason)

    assert case.close_reason is reason
    assert case.handling_fee_due == Money("25.00")


def test_a_case_with_a_balance_cannot_be_closed_as_paid() -> None:
    case = open_case()
    before = state_of(case)

    with pytest.raises(CommandNotAllowedError) as refused:
        case.close(START, CloseReason.PAID)

    assert str(refused.value) == (
        "Cannot close as paid on case C-4711 in amicable/new: the balance is "
        f"still {case.balance_on(START)}."
    )
    assert state_of(case) == before


@pytest.mark.parametrize(
    "reason",
    [
        CloseReason.ARRANGEMENT_COMPLETED,
        CloseReason.SETTLED_THROUGH_DEBT_HELP,
        CloseReason.WITHDRAWN_BY_CLIENT,
        CloseReason.CLIENT_DECLINED_LEGAL,
        CloseReason.REJECTED_AT_INTAKE,
    ],
)
def test_reasons_that_have_their_own_command_are_refused_by_close(
    reason: CloseReason,
) -> None:
    case = open_case()
    before = state_of(case)

    with pytest.raises(InvalidValueError) as refused:
        case.close(START, reason)

    assert str(refused.value) == (
        f"Invalid close reason '{reason.value}': expected one of paid, "
        "time_barred, uncollectable."
    )
    assert state_of(case) == before


EVERY_COMMAND_BUT_PAYMENT: list[tuple[str, Callable[[Case, date], None]]] = [
    ("accept case", lambda c, d: c.accept(d)),
    ("reject case", lambda c, d: c.reject(d)),
    ("send letter", lambda c, d: c.send_letter(d)),
    ("send reminder", lambda c, d: c.send_reminder(d)),
    ("record contact", lambda c, d: c.record_contact(d, ContactChannel.PHONE, "")),
    ("assess debtor", lambda c, d: c.assess(d, Assessment.ABLE)),
    ("charge collection costs", lambda c, d: c.charge_collection_costs(d)),
    (
        "propose arrangement",
        lambda c, d: c.propose_arrangement(d, instalments=2, first_due=d),
    ),
    ("agree arrangement", lambda c, d: c.agree_arrangement(d)),
    ("decline arrangement", lambda c, d: c.decline_arrangement(d)),
    ("record instalment missed", lambda c, d: c.record_instalment_missed(d, 1)),
    ("refer to debt help", lambda c, d: c.refer(d, ReferralKind.DEBT_HELP)),
    ("end referral", lambda c, d: c.end_referral(d, ReferralOutcome.HELP_ENDED)),
    ("end referral", lambda c, d: c.end_referral(d, ReferralOutcome.WRITTEN_OFF)),
    ("propose legal", lambda c, d: c.propose_legal(d)),
    ("approve legal", lambda c, d: c.approve_legal(d)),
    ("decline legal", lambda c, d: c.decline_legal(d)),
    ("record summons served", lambda c, d: c.record_summons_served(d)),
    ("record judgment", lambda c, d: c.record_judgment(d, Money("10.00"))),
    ("record judgment served", lambda c, d: c.record_judgment_served(d)),
    ("grant court leave", lambda c, d: c.grant_court_leave(d)),
    ("lay attachment", lambda c, d: c.lay_attachment(d)),
    ("withdraw", lambda c, d: c.withdraw(d)),
    ("close case", lambda c, d: c.close(d, CloseReason.UNCOLLECTABLE)),
]


@pytest.mark.parametrize(
    ("words", "command"),
    EVERY_COMMAND_BUT_PAYMENT,
    ids=[words for words, _ in EVERY_COMMAND_BUT_PAYMENT],
)
def test_a_closed_case_refuses_every_command_but_a_payment(
    words: str, command: Callable[[Case, date], None]
) -> None:
    case = open_case()
    case.withdraw(date(2026, 1, 20))
    case.collect_events()
    before = state_of(case)

    with pytest.raises(CaseClosedError) as refused:
        command(case, date(2026, 2, 1))

    assert str(refused.value) == (
        f"Cannot {words} on case C-4711 in closed: the case is closed; "
        "only money received is still recorded."
    )
    assert state_of(case) == before


def test_a_closed_case_has_no_deadlines_left_to_fire() -> None:
    case = open_case()
    case.send_letter(START)
    case.withdraw(START)
    case.collect_events()

    fired = case.fire_deadlines(date(2031, 12, 31))

    assert fired == 0
    assert recorded(case) == []


# -- money -----------------------------------------------------------------------


def test_a_partial_payment_pays_costs_first_then_interest_then_principal() -> None:
    case = after_term(open_case())
    interest = case.interest_on(COSTS_DUE)

    case.record_payment(COSTS_DUE, Money("400.00"), payment_id="bank:1")

    payment = case.collect_events()[-1]
    assert isinstance(payment, ev.PaymentReceived)
    (share,) = payment.shares
    assert share.costs == Money("150.00")
    assert share.interest == interest
    assert share.principal == Money("250.00") - interest
    assert case.costs_open == Money.zero()
    assert case.interest_open == Money.zero()
    assert case.principal_open == Money("750.00") + interest
    assert case.state == "amicable.reminding"


def test_a_payment_that_clears_the_balance_closes_the_case_as_paid() -> None:
    case = after_term(open_case())
    owed = case.balance_on(date(2026, 2, 1))

    case.record_payment(date(2026, 2, 1), owed, payment_id="bank:1")

    assert recorded(case) == ["InterestAccrued", "PaymentReceived", "CaseClosed"]
    assert case.state == "closed"
    assert case.close_reason is CloseReason.PAID
    assert case.balance == Money.zero()
    assert case.surplus == Money.zero()
    assert case.handling_fee_due == Money.zero()


def test_a_payment_at_intake_that_clears_the_balance_closes_the_case() -> None:
    case = open_case(private=True)

    case.record_payment(START, case.balance_on(START), payment_id="bank:1")

    assert case.close_reason is CloseReason.PAID


def test_paying_more_than_is_owed_keeps_the_rest_as_surplus() -> None:
    case = open_case()
    owed = case.balance_on(START)

    case.record_payment(START, owed + Money("12.34"), payment_id="bank:1")

    assert case.close_reason is CloseReason.PAID
    assert case.surplus == Money("12.34")
    assert case.received == owed + Money("12.34")


def test_money_arriving_on_a_closed_case_is_recorded_as_surplus() -> None:
    case = open_case()
    case.record_payment(START, case.balance_on(START), payment_id="bank:1")
    case.collect_events()

    late = case.record_payment(date(2026, 2, 1), Money("20.00"), payment_id="bank:2")

    assert late
    assert recorded(case) == ["PaymentReceived"]
    assert case.state == "closed"
    assert case.closed_on == START
    assert case.surplus == Money("20.00")


def test_money_arriving_on_a_withdrawn_case_still_pays_what_is_owed() -> None:
    case = open_case()
    case.withdraw(START)

    case.record_payment(date(2026, 2, 1), Money("100.00"), payment_id="bank:1")

    assert case.state == "closed"
    assert case.principal_open == Money("900.00")
    assert case.surplus == Money.zero()


def test_the_same_payment_id_is_recorded_once() -> None:
    case = open_case()
    case.record_payment(START, Money("10.00"), payment_id="bank:1")
    case.collect_events()
    before = state_of(case)

    again = case.record_payment(START, Money("10.00"), payment_id="bank:1")

    assert again is False
    assert state_of(case) == before


def test_a_payment_received_earlier_is_booked_on_the_cases_last_date() -> None:
    case = open_case()
    case.send_reminder(date(2026, 1, 10))
    case.collect_events()

    case.record_payment(date(2026, 1, 6), Money("10.00"), payment_id="bank:1")

    payment = case.collect_events()[-1]
    assert isinstance(payment, ev.PaymentReceived)
    assert (payment.received_on, payment.on) == (date(2026, 1, 6), date(2026, 1, 10))


def test_a_designated_invoice_is_paid_first() -> None:
    case = open_case(
        invoices=[invoice("F-1", "100.00", date(2025, 10, 1)), invoice("F-2", "100.00")]
    )

    case.record_payment(START, Money("50.00"), payment_id="b", designated_invoice="F-2")

    assert case.books["F-2"].principal_open < Money("100.00")
    assert case.books["F-1"].principal_open == Money("100.00")


@pytest.mark.parametrize(
    ("amount", "options", "error", "message"),
    [
        (
            Money("0.00"),
            {},
            NonPositiveAmountError,
            "A payment must be more than EUR 0.00, got EUR 0.00.",
        ),
        (
            Money("-1.00"),
            {},
            NonPositiveAmountError,
            "A payment must be more than EUR 0.00, got EUR -1.00.",
        ),
        (
            Money("1.00", "USD"),
            {},
            UnsupportedCurrencyError,
            "Cannot accept a payment in USD: faircasso collects in EUR only.",
        ),
        (
            Money("1.00"),
            {"payment_id": " "},
            InvalidValueError,
            "Invalid payment id ' ': expected a non-empty text.",
        ),
        (
            Money("1.00"),
            {"designated_invoice": "F-9"},
            InvalidValueError,
            "Invalid designated invoice 'F-9': expected one of F-1.",
        ),
    ],
)
def test_a_payment_that_is_not_one_is_refused_and_changes_nothing(
    amount: Money, options: dict[str, str], error: type[Exception], message: str
) -> None:
    case = open_case()
    before = state_of(case)
    arguments = {"payment_id": "bank:1", **options}

    with pytest.raises(error) as refused:
        case.record_payment(START, amount, **arguments)

    assert str(refused.value) == message
    assert state_of(case) == before


def test_money_is_conserved_over_payments_in_every_phase() -> None:
    case = open_case(invoices=[invoice("F-1", "700.00"), invoice("F-2", "300.00")])
    case.send_letter(START)
    case.fire_deadlines(COSTS_DUE)
    amounts = ["0.01", "99.99", "123.45", "10.00", "400.00"]

    for number, amount in enumerate(amounts):
        case.record_payment(
            date(2026, 2, 1) + timedelta(days=number * 20),
            Money(amount),
            payment_id=f"bank:{number}",
        )
    rest = case.balance_on(date(2026, 6, 1))
    case.record_payment(date(2026, 6, 1), rest, payment_id="rest")
    case.record_payment(date(2026, 7, 1), Money("5.00"), payment_id="late")

    assert case.close_reason is CloseReason.PAID
    assert case.surplus == Money("5.00")
    assert_money_conserved(case, case.pending_events)


# -- corrections and reversals -------------------------------------------------


def test_a_reminder_during_the_term_leaves_the_costs_due_when_it_ends() -> None:
    case = open_case()
    case.send_letter(START)
    case.send_reminder(date(2026, 1, 12))

    case.fire_deadlines(COSTS_DUE)

    assert case.state == "amicable.reminding"
    assert case.costs_charged == Money("150.00")


def test_an_instalment_recorded_as_missed_is_not_counted_again_by_its_deadline() -> (
    None
):
    case = agreed_arrangement(tolerance=1)
    case.record_instalment_missed(date(2026, 2, 1), 1)

    case.fire_deadlines(date(2026, 2, 2))

    assert case.state == "arrangement.active"
    assert case.arrangement is not None
    assert case.arrangement.missed_numbers == (1,)


def test_an_instalment_is_recorded_as_missed_once() -> None:
    case = agreed_arrangement(tolerance=2)
    case.record_instalment_missed(date(2026, 2, 2), 1)

    with pytest.raises(InvalidValueError) as refused:
        case.record_instalment_missed(date(2026, 2, 3), 1)

    assert str(refused.value) == (
        "Invalid instalment number 1: expected an instalment not yet recorded "
        "as missed."
    )


def test_a_reversed_payment_is_owed_again_and_its_remittance_taken_back() -> None:
    case = after_term(open_case())
    case.record_payment(date(2026, 1, 23), Money("200.00"), payment_id="bank-1")
    owed_before = case.balance
    case.collect_events()

    undone = case.reverse_payment(date(2026, 1, 26), "bank-1", reason="AC04")

    assert undone is True
    assert recorded(case) == ["PaymentReversed"]
    assert case.received == Money.zero()
    assert case.to_agency == Money.zero()
    assert case.to_client == Money.zero()
    assert case.balance == owed_before + Money("200.00")
    assert case.payments["bank-1"].reversed is True


def test_a_payment_is_reversed_once() -> None:
    case = open_case()
    case.record_payment(START, Money("50.00"), payment_id="bank-1")
    case.reverse_payment(START, "bank-1", reason="AC04")

    again = case.reverse_payment(START, "bank-1", reason="AC04")

    assert again is False


def test_a_credit_note_lowers_the_principal_of_its_invoice() -> None:
    case = open_case()

    case.record_credit_note(START, "F-1", Money("250.00"), "CN-9")

    assert recorded(case) == ["CreditNoteRecorded"]
    assert case.principal == Money("750.00")
    assert case.principal_open == Money("750.00")


def test_a_credit_note_larger_than_the_open_principal_is_refused() -> None:
    case = open_case()

    with pytest.raises(InvalidValueError) as refused:
        case.record_credit_note(START, "F-1", Money("1000.01"), "CN-9")

    assert str(refused.value) == (
        "Invalid credit note amount 'EUR 1,000.01': expected at most the principal "
        "still open on invoice F-1, EUR 1,000.00."
    )
