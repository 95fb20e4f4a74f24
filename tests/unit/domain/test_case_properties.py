"""Random command sequences against an engine never break a case.

A Hypothesis state machine opens one case on an in-memory engine and runs
every engine command on it, with arguments that are sometimes valid and
sometimes not, payments of random amounts, and time moving forward. After
every step the case must hold together: a refused command changed nothing,
the state is a known one, closed stays closed, every cent is accounted for,
replaying the stored events (from scratch or from a snapshot) gives the
same case, and the status view agrees with it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import select

from case_checks import assert_money_conserved, comparable
from faircasso.domain.case import Case, replay
from faircasso.domain.clock import VirtualClock
from faircasso.domain.errors import FaircassoError
from faircasso.domain.lifecycle import ALL_STATES
from faircasso.domain.money import Money
from faircasso.domain.values import (
    Assessment,
    CloseReason,
    ContactChannel,
    ReferralKind,
    ReferralOutcome,
)
from faircasso.engine import Engine
from stores import START, add_client
from strategies import case_openings, money, payment_amounts

LAST_DAY = date(2027, 12, 31)

# Commands that close a case wait a few steps, so most runs go deep first.
CLOSING_AFTER = 12


def may_close(machine: CaseMachine) -> bool:
    return machine.steps >= CLOSING_AFTER


# Business dates a little before today are refused once the case moved on.
days_back = st.sampled_from([None, None, None, 0, 1, 5])
payment_ids = st.one_of(st.none(), st.sampled_from([f"bank:{n}" for n in range(8)]))
invoice_numbers = st.one_of(st.none(), st.sampled_from(["F-1", "F-2", "F-9"]))


class CaseMachine(RuleBasedStateMachine):
    """One case, driven through the engine by random commands."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = VirtualClock(START)
        self.engine = Engine("memory://", clock=self.clock)
        add_client(self.engine, "ACME", instalment_tolerance=1)
        add_client(self.engine, "PRIV", private_individual=True, instalment_tolerance=0)
        self.case_id: UUID | None = None
        self.was_closed = False
        self.snapshots: set[int] = set()
        self.steps = 0

    def teardown(self) -> None:
        self.engine.close()

    # -- helpers ---------------------------------------------------------------

    @property
    def id(self) -> UUID:
        assert self.case_id is not None
        return self.case_id

    def case(self) -> Case:
        return self.engine.case(self.id)

    def day(self, back: int | None) -> date | None:
        return None if back is None else self.clock.today() - timedelta(days=back)

    def attempt(self, name: str, command: Callable[[Engine, UUID], Any]) -> None:
        """Run a command; when it is refused, the case must be as it was."""
        self.steps += 1
        before = self.case()
        stored_before = len(self.engine.events(self.id))
        try:
            command(self.engine, self.id)
        except FaircassoError as error:
            event(f"{name} refused: {type(error).__name__}")
            after = self.case()
            assert (after.version, after.state) == (before.version, before.state)
            assert len(self.engine.events(self.id)) == stored_before
            assert comparable(after) == comparable(before)
        else:
            event(f"{name} done")

    # -- opening ---------------------------------------------------------------

    @initialize(opening=case_openings(clients=("ACME", "PRIV")))
    def open_case(self, opening: dict[str, Any]) -> None:
        self.case_id = self.engine.open_case(opening)

    # -- intake and amicable ---------------------------------------------------

    @rule(back=days_back)
    def accept(self, back: int | None) -> None:
        self.attempt("accept", lambda e, c: e.accept_case(c, on=self.day(back)))

    @precondition(may_close)
    @rule(back=days_back)
    def reject(self, back: int | None) -> None:
        self.attempt("reject", lambda e, c: e.reject_case(c, on=self.day(back)))

    @rule(back=days_back)
    def send_letter(self, back: int | None) -> None:
        self.attempt("letter", lambda e, c: e.send_letter(c, on=self.day(back)))

    @rule(back=days_back)
    def send_reminder(self, back: int | None) -> None:
        self.attempt("reminder", lambda e, c: e.send_reminder(c, on=self.day(back)))

    @rule(channel=st.sampled_from([*ContactChannel, "pigeon"]), summary=st.text())
    def record_contact(self, channel: str, summary: str) -> None:
        self.attempt("contact", lambda e, c: e.record_contact(c, channel, summary))

    @rule(assessment=st.sampled_from(Assessment))
    def assess(self, assessment: Assessment) -> None:
        self.attempt("assess", lambda e, c: e.assess_debtor(c, assessment))

    @rule(back=days_back)
    def charge_costs(self, back: int | None) -> None:
        self.attempt(
            "costs", lambda e, c: e.charge_collection_costs(c, on=self.day(back))
        )

    # -- arrangement -----------------------------------------------------------

    @rule(
        instalments=st.integers(0, 14),
        first_in=st.integers(-2, 60),
        interval=st.integers(1, 3),
    )
    def propose_arrangement(
        self, instalments: int, first_in: int, interval: int
    ) -> None:
        first_due = self.clock.today() + timedelta(days=first_in)
        self.attempt(
            "propose arrangement",
            lambda e, c: e.propose_arrangement(
                c,
                instalments=instalments,
                first_due=first_due,
                interval_months=interval,
            ),
        )

    @rule()
    def agree_arrangement(self) -> None:
        self.attempt("agree", lambda e, c: e.agree_arrangement(c))

    @rule()
    def decline_arrangement(self) -> None:
        self.attempt("decline", lambda e, c: e.decline_arrangement(c))

    @rule(number=st.integers(0, 6))
    def record_instalment_missed(self, number: int) -> None:
        self.attempt("missed", lambda e, c: e.record_instalment_missed(c, number))

    # -- referral --------------------------------------------------------------

    @rule(kind=st.sampled_from([*ReferralKind, "church"]))
    def refer(self, kind: str) -> None:
        self.attempt("refer", lambda e, c: e.refer(c, kind))

    @precondition(may_close)
    @rule(outcome=st.sampled_from(ReferralOutcome))
    def end_referral(self, outcome: ReferralOutcome) -> None:
        self.attempt("end referral", lambda e, c: e.end_referral(c, outcome))

    # -- legal -----------------------------------------------------------------

    @rule()
    def propose_legal(self) -> None:
        self.attempt("propose legal", lambda e, c: e.propose_legal(c))

    @rule()
    def approve_legal(self) -> None:
        self.attempt("approve legal", lambda e, c: e.approve_legal(c))

    @precondition(may_close)
    @rule()
    def decline_legal(self) -> None:
        self.attempt("decline legal", lambda e, c: e.decline_legal(c))

    @rule()
    def record_summons(self) -> None:
        self.attempt("summons", lambda e, c: e.record_summons_served(c))

    @rule(awarded=st.one_of(st.none(), money(-500, 50_000).map(str)))
    def record_judgment(self, awarded: str | None) -> None:
        self.attempt(
            "judgment", lambda e, c: e.record_judgment(c, awarded_costs=awarded)
        )

    @rule()
    def record_judgment_served(self) -> None:
        self.attempt("served", lambda e, c: e.record_judgment_served(c))

    @rule()
    def grant_court_leave(self) -> None:
        self.attempt("leave", lambda e, c: e.grant_court_leave(c))

    @rule(kind=st.sampled_from(["bank account", "wages", " "]))
    def lay_attachment(self, kind: str) -> None:
        self.attempt("attachment", lambda e, c: e.lay_attachment(c, kind))

    # -- closing ---------------------------------------------------------------

    @precondition(may_close)
    @rule()
    def withdraw(self) -> None:
        self.attempt("withdraw", lambda e, c: e.withdraw(c))

    @precondition(may_close)
    @rule(reason=st.sampled_from(CloseReason))
    def close(self, reason: CloseReason) -> None:
        self.attempt("close", lambda e, c: e.close_case(c, reason))

    # -- money and time --------------------------------------------------------

    @rule(
        amount=payment_amounts(),
        payment_id=payment_ids,
        invoice=invoice_numbers,
        back=days_back,
    )
    def record_payment(
        self,
        amount: Money,
        payment_id: str | None,
        invoice: str | None,
        back: int | None,
    ) -> None:
        self.attempt(
            "payment",
            lambda e, c: e.record_payment(
                c, amount, payment_id=payment_id, designated_invoice=invoice,
                on=self.day(back),
            ),
        )  # fmt: skip

    @precondition(may_close)
    @rule()
    def pay_the_balance(self) -> None:
        owed = self.case().balance_on(self.clock.today())
        if owed.is_positive():
            self.attempt("pay off", lambda e, c: e.record_payment(c, owed))

    @precondition(lambda self: self.clock.today() < LAST_DAY)
    @rule(days=st.integers(1, 60))
    def advance(self, days: int) -> None:
        day = min(self.clock.today() + timedelta(days=days), LAST_DAY)

        self.engine.advance_to(day)

        assert self.engine.advance_to(day).deadlines_fired == 0
        assert not self.case().due_deadlines(day)

    @rule()
    def take_the_usual_next_step(self) -> None:
        """The step a case in this state usually takes next, to reach deep states."""
        state = self.case().state
        step = USUAL_NEXT_STEP.get(state)
        if step is None:
            return
        self.attempt(f"usual step from {state}", step)

    # -- what always holds -----------------------------------------------------

    @invariant()
    def the_state_is_known_and_closed_is_final(self) -> None:
        if self.case_id is None:
            return
        case = self.case()
        assert case.state in ALL_STATES
        if self.was_closed:
            assert case.state == "closed"
        self.was_closed = case.state == "closed"
        assert (case.close_reason is None) == case.is_open

    @invariant()
    def money_is_conserved(self) -> None:
        if self.case_id is None:
            return
        history = self.engine.events(self.id)
        case = self.case()
        assert case.version == len(history)
        assert_money_conserved(case, history)

    @invariant()
    def replay_equals_the_live_case(self) -> None:
        if self.case_id is None:
            return
        live = self.case()

        from_scratch = replay(None, self.engine.events(self.id))
        # A version has one snapshot; the store takes one every 50 events.
        if live.version not in self.snapshots and live.version % 50:
            self.engine.store.take_snapshot(self.id)
            self.snapshots.add(live.version)
        from_snapshot = self.engine.store.repository.get(
            self.id, version=live.version, projector_func=replay
        )

        assert from_scratch is not None
        assert comparable(from_scratch) == comparable(live)
        assert comparable(from_snapshot) == comparable(live)

    @invariant()
    def the_status_view_agrees_with_the_case(self) -> None:
        if self.case_id is None:
            return
        case = self.case()
        status = self.engine.views.tables().case_status

        with self.engine.views.connect() as conn:
            row = (
                conn.execute(select(status).where(status.c.case_id == self.id.hex))
                .mappings()
                .one()
            )

        assert row["state"] == case.state
        assert row["balance_cents"] == case.balance.cents
        assert row["paid_cents"] == case.received.cents
        assert row["surplus_cents"] == case.surplus.cents
        assert row["version"] == case.version


USUAL_NEXT_STEP: dict[str, Callable[[Engine, UUID], Any]] = {
    "intake.registered": lambda e, c: e.accept_case(c),
    "amicable.new": lambda e, c: e.send_letter(c),
    "amicable.letter_sent": lambda e, c: e.propose_legal(c),
    "amicable.reminding": lambda e, c: e.propose_arrangement(
        c, instalments=3, first_due=e.today()
    ),
    "arrangement.proposed": lambda e, c: e.agree_arrangement(c),
    "arrangement.active": lambda e, c: e.propose_legal(c),
    "referral.debt_help": lambda e, c: e.end_referral(c, "help_ended"),
    "legal.proposed": lambda e, c: e.approve_legal(c),
    "legal.approved": lambda e, c: e.record_summons_served(c),
    "legal.summoned": lambda e, c: e.record_judgment(c, awarded_costs="250.00"),
    "legal.judgment": lambda e, c: e.record_judgment_served(c),
    "legal.judgment_served": lambda e, c: e.lay_attachment(c),
}


CaseMachine.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_commands_never_break_a_case = CaseMachine.TestCase
