"""The engine's contract, the same on every store: memory, SQLite, PostgreSQL.

Each test runs once per backend (see ``backend_url`` in ``conftest.py``);
the PostgreSQL runs are skipped, saying so, when no server is named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select

from case_checks import assert_money_conserved, comparable
from faircasso.domain import case_events as ev
from faircasso.domain.case import replay
from faircasso.domain.clock import VirtualClock
from faircasso.domain.errors import (
    AgreementMissingError,
    DuplicateCaseError,
    FaircassoError,
    InvalidInvoiceError,
    InvalidMoneyError,
    NonPositiveAmountError,
    UnknownCaseError,
    UnknownClientError,
    UnsupportedCurrencyError,
)
from faircasso.domain.money import Money
from faircasso.domain.values import CloseReason
from faircasso.engine import Engine
from stores import START, add_client, open_consumer_case

COSTS_DUE = date(2026, 1, 22)  # the letter of 5 January: its term ends on the 21st


def names(engine: Engine, case_id: UUID) -> list[str]:
    """The names of a case's events, oldest first."""
    return [type(event).__name__ for event in engine.events(case_id)]


def stored(engine: Engine) -> tuple[int, int]:
    """How many events the store holds, and how many case rows the views."""
    notifications = engine.store.recorder.select_notifications(start=1, limit=10**6)
    status = engine.views.tables().case_status
    with engine.views.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(status)).scalar()
    return len(notifications), int(rows or 0)


def status_row(engine: Engine, case_id: UUID) -> dict[str, Any]:
    status = engine.views.tables().case_status
    query = select(status).where(status.c.case_id == case_id.hex)
    with engine.views.connect() as conn:
        return dict(conn.execute(query).mappings().one())


def case_input(**changes: Any) -> dict[str, Any]:
    """The fields of a consumer case with one invoice, changed as asked."""
    invoice = {
        "number": "F-1",
        "invoice_date": "2025-11-01",
        "due_date": "2025-12-01",
        "principal": "1000.00",
    }
    invoice.update(changes.pop("invoice", {}))
    return {
        "client": "ACME",
        "reference": "C-4711",
        "debtor": {"name": "Jan de Vries", "kind": "consumer"},
        "invoices": [invoice],
        **changes,
    }


BAD_CASES = [
    pytest.param(
        {"principal": "-5.00"},
        NonPositiveAmountError,
        "The principal of invoice 'F-1' must be more than EUR 0.00, got EUR -5.00.",
        id="negative",
    ),
    pytest.param(
        {"principal": "0"},
        NonPositiveAmountError,
        "The principal of invoice 'F-1' must be more than EUR 0.00, got EUR 0.00.",
        id="zero",
    ),
    pytest.param(
        {"principal": 10.5},
        InvalidMoneyError,
        "Invalid money value 10.5: expected a Decimal, int or str; floats cannot "
        "hold cents exactly.",
        id="float",
    ),
    pytest.param(
        {"principal": "10.005"},
        InvalidMoneyError,
        "Invalid money value '10.005': expected at most two decimals (whole "
        "cents); round it first.",
        id="sub-cent",
    ),
    pytest.param(
        {"principal": Money("10.00", "USD")},
        UnsupportedCurrencyError,
        "Cannot accept invoice 'F-1' in USD: faircasso collects in EUR only.",
        id="usd",
    ),
    pytest.param(
        {"due_date": "2025-10-31"},
        InvalidInvoiceError,
        "Invoice 'F-1' is invalid: due date 2025-10-31 is before invoice date "
        "2025-11-01.",
        id="due-before-invoice",
    ),
]

BAD_PAYMENTS = [
    pytest.param(
        "-1.00",
        NonPositiveAmountError,
        "A payment must be more than EUR 0.00, got EUR -1.00.",
        id="negative",
    ),
    pytest.param(
        0,
        NonPositiveAmountError,
        "A payment must be more than EUR 0.00, got EUR 0.00.",
        id="zero",
    ),
    pytest.param(
        12.5,
        InvalidMoneyError,
        "Invalid money value 12.5: expected a Decimal, int or str; floats cannot "
        "hold cents exactly.",
        id="float",
    ),
    pytest.param(
        "0.001",
        InvalidMoneyError,
        "Invalid money value '0.001': expected at most two decimals (whole "
        "cents); round it first.",
        id="sub-cent",
    ),
    pytest.param(
        Money("5.00", "USD"),
        UnsupportedCurrencyError,
        "Cannot accept a payment in USD: faircasso collects in EUR only.",
        id="usd",
    ),
]


class TestEngineContract:
    """What every store must do the same way."""

    @pytest.fixture
    def engine(self, backend_url: str, clock: VirtualClock) -> Iterator[Engine]:
        with Engine(backend_url, clock=clock) as engine:
            add_client(engine)
            yield engine

    @pytest.fixture
    def case_id(self, engine: Engine) -> UUID:
        return UUID(str(open_consumer_case(engine)))

    # -- taking cases in ---------------------------------------------------------

    def test_an_opened_case_is_read_back_as_it_was_taken_in(
        self, engine: Engine
    ) -> None:
        case_id = engine.open_case(case_input())

        case = engine.case(case_id)
        assert case_id == engine.case_id("ACME", "C-4711")
        assert case.state == "amicable.new"
        assert case.reference == "C-4711"
        assert case.balance == Money("1000.00")
        assert names(engine, case_id) == ["CaseOpened"]
        assert status_row(engine, case_id)["state"] == "amicable.new"

    def test_a_reference_submitted_twice_is_refused_and_nothing_is_written(
        self, engine: Engine, case_id: UUID
    ) -> None:
        before = stored(engine)

        with pytest.raises(DuplicateCaseError) as refused:
            open_consumer_case(engine, principal="50.00")

        assert str(refused.value) == (
            f"Client 'ACME' already submitted case reference 'C-4711' (case "
            f"{case_id}); a case is taken in once."
        )
        assert refused.value.case_id == case_id
        assert stored(engine) == before
        assert engine.case(case_id).balance == Money("1000.00")

    def test_a_reference_submitted_twice_is_refused_by_a_second_engine_too(
        self, backend_url: str, engine: Engine, case_id: UUID
    ) -> None:
        if backend_url == "memory://":
            pytest.skip("a memory store is private to the engine that made it")
        before = stored(engine)

        with (
            Engine(backend_url, clock=VirtualClock(START)) as other,
            pytest.raises(DuplicateCaseError),
        ):
            open_consumer_case(other, principal="50.00")

        assert stored(engine) == before

    def test_a_case_for_an_unknown_client_is_refused(self, engine: Engine) -> None:
        before = stored(engine)

        with pytest.raises(UnknownClientError) as refused:
            engine.open_case(case_input(client="NOPE"))

        assert str(refused.value) == (
            "Unknown client NOPE: register the client and its agreement before "
            "submitting cases."
        )
        assert stored(engine) == before

    def test_a_case_for_a_client_without_an_agreement_is_refused(
        self, engine: Engine
    ) -> None:
        engine.register_client("BARE", "Bare B.V.")
        before = stored(engine)

        with pytest.raises(AgreementMissingError) as refused:
            engine.open_case(case_input(client="BARE"))

        assert str(refused.value) == (
            "Cannot take in cases for client 'BARE': its agreement is not "
            "recorded yet; record the agreement first."
        )
        assert stored(engine) == before

    @pytest.mark.parametrize(("invoice", "error", "message"), BAD_CASES)
    def test_an_invalid_invoice_is_refused_with_its_own_error(
        self,
        engine: Engine,
        invoice: dict[str, Any],
        error: type[FaircassoError],
        message: str,
    ) -> None:
        before = stored(engine)

        with pytest.raises(error) as refused:
            engine.open_case(case_input(invoice=invoice))

        assert type(refused.value) is error
        assert str(refused.value) == message
        assert stored(engine) == before

    def test_a_private_individuals_case_waits_at_intake_until_accepted(
        self, engine: Engine
    ) -> None:
        add_client(engine, "PRIV", private_individual=True)
        case_id = engine.open_case(case_input(client="PRIV"))

        waiting = engine.case(case_id).state
        accepted = engine.accept_case(case_id, on=date(2026, 1, 6))

        assert waiting == "intake.registered"
        assert accepted.state == "amicable.new"
        assert engine.case(case_id).state == "amicable.new"

    def test_an_unknown_case_is_refused(self, engine: Engine) -> None:
        unknown = engine.case_id("ACME", "NOPE")

        with pytest.raises(UnknownCaseError) as refused:
            engine.send_letter(unknown)

        assert str(refused.value) == f"Unknown case {unknown}."

    # -- the happy paths ---------------------------------------------------------

    def test_costs_are_charged_after_the_term_paid_first_and_payment_closes(
        self, engine: Engine, case_id: UUID
    ) -> None:
        engine.send_letter(case_id)
        report = engine.advance_to(COSTS_DUE)
        charged = engine.case(case_id)
        interest = charged.interest_on(COSTS_DUE)
        engine.record_payment(case_id, "200.00", payment_id="bank:1")
        partly = engine.case(case_id)
        owed = partly.balance_on(date(2026, 2, 2))
        engine.advance_to(date(2026, 2, 2))
        engine.record_payment(case_id, owed, payment_id="bank:2")

        assert report.deadlines_fired == 1
        assert charged.state == "amicable.reminding"
        assert charged.costs_open == Money("150.00")
        first = [e for e in engine.events(case_id) if isinstance(e, ev.PaymentReceived)]
        (share,) = first[0].shares
        assert (share.costs, share.interest) == (Money("150.00"), interest)
        assert share.principal == Money("50.00") - interest
        assert partly.costs_open == Money.zero()
        closed = engine.case(case_id)
        assert closed.state == "closed"
        assert closed.close_reason is CloseReason.PAID
        assert closed.balance == Money.zero()
        assert closed.received == Money("200.00") + owed
        assert_money_conserved(closed, engine.events(case_id))
        row = status_row(engine, case_id)
        assert (row["state"], row["close_reason"]) == ("closed", "paid")
        assert row["paid_cents"] == closed.received.cents

    def test_paying_each_instalment_on_time_completes_the_arrangement(
        self, engine: Engine, case_id: UUID
    ) -> None:
        plan = engine.propose_arrangement(
            case_id, instalments=2, first_due=date(2026, 2, 1)
        ).arrangement
        engine.agree_arrangement(case_id)
        assert plan is not None
        first, second = plan.instalments

        engine.advance_to(first.due_on)
        engine.record_payment(case_id, first.amount, payment_id="bank:1")
        after_first = engine.advance_to(date(2026, 2, 2))
        engine.advance_to(second.due_on)
        engine.record_payment(case_id, second.amount, payment_id="bank:2")

        assert after_first.deadlines_fired == 1
        case = engine.case(case_id)
        assert case.state == "closed"
        assert case.close_reason is CloseReason.ARRANGEMENT_COMPLETED
        assert case.received == first.amount + second.amount
        assert "InstalmentMissed" not in names(engine, case_id)
        assert_money_conserved(case, engine.events(case_id))

    def test_a_business_debtor_owes_costs_from_acceptance(self, engine: Engine) -> None:
        add_client(engine, "B2B", portfolio="business")
        business = {"name": "Bakkerij B.V.", "kind": "business"}

        case_id = engine.open_case(case_input(client="B2B", debtor=business))

        assert engine.case(case_id).costs_open == Money("150.00")
        assert status_row(engine, case_id)["costs_open_cents"] == 15000

    def test_a_payment_id_seen_before_is_not_recorded_again(
        self, engine: Engine, case_id: UUID
    ) -> None:
        first = engine.record_payment(case_id, "10.00", payment_id="bank:1")
        before = stored(engine)

        again = engine.record_payment(case_id, "10.00", payment_id="bank:1")

        assert (first, again) == (True, False)
        assert stored(engine) == before
        assert engine.case(case_id).received == Money("10.00")

    @pytest.mark.parametrize(("amount", "error", "message"), BAD_PAYMENTS)
    def test_an_invalid_payment_is_refused_and_nothing_is_written(
        self,
        engine: Engine,
        case_id: UUID,
        amount: Any,
        error: type[FaircassoError],
        message: str,
    ) -> None:
        before = stored(engine)

        with pytest.raises(error) as refused:
            engine.record_payment(case_id, amount, payment_id="bank:1")

        assert type(refused.value) is error
        assert str(refused.value) == message
        assert stored(engine) == before

    # -- time ------------------------------------------------------------------

    def test_advancing_twice_fires_each_deadline_once(
        self, engine: Engine, case_id: UUID
    ) -> None:
        engine.send_letter(case_id)
        second_id = UUID(str(open_consumer_case(engine, "C-4712")))
        engine.send_letter(second_id)

        first = engine.advance_to(COSTS_DUE)
        again = engine.advance_to(COSTS_DUE)
        later = engine.advance_to(date(2026, 3, 1))

        assert (first.cases, first.deadlines_fired) == (2, 2)
        assert (again.cases, again.deadlines_fired) == (0, 0)
        assert later.deadlines_fired == 0
        for each in (case_id, second_id):
            assert names(engine, each).count("DeadlineFired") == 1
            assert names(engine, each).count("CostsCharged") == 1

    def test_the_clock_does_not_go_back(self, engine: Engine) -> None:
        engine.advance_to(date(2026, 2, 1))

        with pytest.raises(FaircassoError) as refused:
            engine.advance_to(date(2026, 1, 31))

        assert str(refused.value) == (
            "Cannot move the clock to 2026-01-31 (today is 2026-02-01): a virtual "
            "clock only moves forward."
        )

    # -- history -----------------------------------------------------------------

    def test_the_history_of_a_case_is_kept_in_order(
        self, engine: Engine, case_id: UUID
    ) -> None:
        engine.send_letter(case_id)
        engine.advance_to(COSTS_DUE)
        engine.record_payment(case_id, "25.00", payment_id="bank:1")

        history = engine.events(case_id)

        assert [e.originator_version for e in history] == list(
            range(1, len(history) + 1)
        )
        assert [type(e).__name__ for e in history] == [
            "CaseOpened",
            "LetterSent",
            "DeadlineSet",
            "LimitationRenewed",
            "DeadlineSet",
            "DeadlineFired",
            "TermEnded",
            "CostsCharged",
            "InterestAccrued",
            "PaymentReceived",
        ]
        days = [e.on for e in history]
        assert days == sorted(days)
        stamps = [e.timestamp for e in history]
        assert stamps == sorted(stamps)

    def test_a_case_can_be_read_as_it_was_after_any_event(
        self, engine: Engine, case_id: UUID
    ) -> None:
        engine.send_letter(case_id)
        engine.advance_to(COSTS_DUE)
        history = engine.events(case_id)

        states = [engine.case(case_id, version=n).state for n in (1, 2, 7)]
        costs = [engine.case(case_id, version=n).costs_open for n in (7, 8)]

        assert [type(history[n - 1]).__name__ for n in (2, 7, 8)] == [
            "LetterSent",
            "TermEnded",
            "CostsCharged",
        ]
        assert states == [
            "amicable.new",
            "amicable.letter_sent",
            "amicable.reminding",
        ]
        assert costs == [Money.zero(), Money("150.00")]
        latest = engine.case(case_id, version=len(history))
        assert comparable(latest) == comparable(engine.case(case_id))

    def test_a_version_that_does_not_exist_is_refused(
        self, engine: Engine, case_id: UUID
    ) -> None:
        with pytest.raises(UnknownCaseError):
            engine.case(engine.case_id("ACME", "NOPE"), version=1)

        assert engine.case(case_id, version=1).version == 1

    def test_replay_from_events_or_a_snapshot_equals_the_case_the_engine_keeps(
        self, engine: Engine, case_id: UUID
    ) -> None:
        engine.send_letter(case_id)
        engine.advance_to(COSTS_DUE)
        engine.propose_arrangement(case_id, instalments=3, first_due=date(2026, 2, 1))
        engine.agree_arrangement(case_id)
        engine.record_payment(case_id, "100.00", payment_id="bank:1")

        live = engine.case(case_id)
        rebuilt = replay(None, engine.events(case_id))
        engine.store.take_snapshot(case_id)
        from_snapshot = engine.store.repository.get(
            case_id, version=live.version, projector_func=replay
        )

        assert rebuilt is not None
        assert comparable(rebuilt) == comparable(live)
        assert comparable(from_snapshot) == comparable(live)

    def test_reopening_the_store_shows_the_same_cases(
        self, backend_url: str, engine: Engine, case_id: UUID
    ) -> None:
        if backend_url == "memory://":
            pytest.skip("a memory store lives only as long as its engine")
        engine.send_letter(case_id)
        engine.advance_to(COSTS_DUE)
        engine.record_payment(case_id, "60.00", payment_id="bank:1")
        before = comparable(engine.case(case_id))
        engine.close()

        with Engine(backend_url, clock=VirtualClock(COSTS_DUE)) as reopened:
            case = reopened.case(case_id)
            after = comparable(case)
            history = names(reopened, case_id)
            row = status_row(reopened, case_id)

        assert after == before
        assert history.count("PaymentReceived") == 1
        assert (row["state"], row["balance_cents"]) == (case.state, case.balance.cents)

    # -- views -------------------------------------------------------------------

    @pytest.mark.parametrize(
        "command",
        [
            lambda e, c: e.send_reminder(c),
            lambda e, c: e.refer(c, "debt_help"),
            lambda e, c: e.withdraw(c),
            lambda e, c: e.record_payment(c, "123.45", payment_id="bank:1"),
        ],
        ids=["reminder", "referral", "withdraw", "payment"],
    )
    def test_the_status_view_changes_with_each_command(
        self, engine: Engine, case_id: UUID, command: Callable[[Engine, UUID], Any]
    ) -> None:
        command(engine, case_id)

        case = engine.case(case_id)
        row = status_row(engine, case_id)
        assert row["state"] == case.state
        assert row["balance_cents"] == case.balance.cents
        assert row["paid_cents"] == case.received.cents
        assert row["version"] == case.version
