"""A sample story that runs the whole workflow on a fresh store.

Two clients and five cases, each down another path, under the store's own
calendar starting on Monday 5 January 2026:

- C-1001: the debtor pays within the fourteen-day term; no costs;
- C-1002: the term passes, costs are charged, an arrangement is agreed and
  every instalment paid;
- C-1003: an arrangement is agreed, two instalments are missed, it
  defaults back to amicable collection;
- C-1004: the debtor wants to pay and cannot; referred to municipal debt
  help, which settles the claim;
- C-2001: a business that will not pay: legal track, judgment, attachment,
  and then payment in full.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from faircasso.domain.money import Money
from faircasso.engine import Engine

START = date(2026, 1, 5)


def _invoice(number: str, amount: str, due: date) -> dict[str, str]:
    return {
        "number": number,
        "invoice_date": (due - timedelta(days=30)).isoformat(),
        "due_date": due.isoformat(),
        "principal": amount,
    }


def _open(
    engine: Engine,
    client: str,
    reference: str,
    name: str,
    kind: str,
    *invoices: dict[str, str],
) -> UUID:
    return engine.open_case(
        client=client,
        reference=reference,
        debtor={"name": name, "kind": kind, "address": "Dorpsstraat 1, Utrecht"},
        invoices=list(invoices),
    )


def register_clients(engine: Engine) -> None:
    """A housing corporation (cannot deduct VAT) and a wholesaler."""
    engine.register_client(
        "WONEN",
        "Woonstichting Het Anker",
        agreement={
            "handling_fee": "35.00",
            "can_deduct_vat": False,
            "portfolio": "consumer",
            "legal_threshold": "750.00",
            "instalment_tolerance": 1,
        },
    )
    engine.register_client(
        "GROOT",
        "Groothandel Van Dijk B.V.",
        agreement={
            "handling_fee": "50.00",
            "can_deduct_vat": True,
            "portfolio": "business",
            "legal_threshold": "1000.00",
        },
    )


def run_demo(engine: Engine) -> list[UUID]:
    """Play the story on ``engine``; returns the case ids in story order."""
    if not engine.store.recorder.max_notification_id():
        engine.start_calendar(START)
    register_clients(engine)
    due = date(2025, 11, 30)
    paid = _open(
        engine,
        "WONEN",
        "C-1001",
        "Anna Bakker",
        "consumer",
        _invoice("HUUR-2025-11", "450.00", due),
    )
    plan = _open(
        engine,
        "WONEN",
        "C-1002",
        "Sven Jansen",
        "consumer",
        _invoice("HUUR-2025-10", "600.00", date(2025, 10, 31)),
        _invoice("HUUR-2025-11B", "600.00", due),
    )
    defaulted = _open(
        engine,
        "WONEN",
        "C-1003",
        "Fatma Yılmaz",
        "consumer",
        _invoice("HUUR-2025-11C", "800.00", due),
    )
    helped = _open(
        engine,
        "WONEN",
        "C-1004",
        "Joël van 't Hof",
        "consumer",
        _invoice("HUUR-2025-09", "2400.00", date(2025, 9, 30)),
    )
    legal = _open(
        engine,
        "GROOT",
        "C-2001",
        "Bouwbedrijf De Ruyter B.V.",
        "business",
        _invoice("VF-88123", "8500.00", date(2025, 10, 15)),
    )

    for case_id in (paid, plan, defaulted, helped):
        engine.send_letter(case_id)
    paid_on = date(2026, 1, 12)
    in_full = engine.case(paid).balance_on(paid_on)
    engine.record_payment(paid, in_full, payment_id="demo-1", on=paid_on)
    engine.advance_to(date(2026, 1, 26))
    _arrangements(engine, plan, defaulted)
    _debt_help(engine, helped)
    _legal_track(engine, legal)
    engine.advance_to(date(2026, 8, 3))
    return [paid, plan, defaulted, helped, legal]


def _arrangements(engine: Engine, kept: UUID, defaulted: UUID) -> None:
    """One plan paid to the end; the other paid once, then missed twice."""
    engine.assess_debtor(kept, "able", "steady income, asked for time")
    engine.propose_arrangement(kept, instalments=6, first_due=date(2026, 2, 1))
    engine.agree_arrangement(kept)
    engine.propose_arrangement(defaulted, instalments=4, first_due=date(2026, 2, 1))
    engine.agree_arrangement(defaulted)
    plan = engine.case(kept).arrangement
    assert plan is not None
    for instalment in plan.instalments:
        engine.advance_to(instalment.due_on)
        engine.record_payment(
            kept, instalment.amount, payment_id=f"demo-plan-{instalment.number}"
        )
        if instalment.number == 1:
            engine.record_payment(defaulted, "200.00", payment_id="demo-3-1")


def _debt_help(engine: Engine, case_id: UUID) -> None:
    engine.record_contact(case_id, "phone", "lost job, several creditors")
    engine.assess_debtor(case_id, "willing_but_unable", "income below social minimum")
    engine.refer(case_id, "debt_help")
    engine.record_payment(case_id, Money("960.00"), payment_id="demo-4-settlement")
    engine.end_referral(case_id, "debt_settlement")


def _legal_track(engine: Engine, case_id: UUID) -> None:
    engine.send_reminder(case_id)
    engine.assess_debtor(case_id, "unwilling", "disputes nothing, does not pay")
    engine.propose_legal(case_id)
    engine.approve_legal(case_id)
    engine.record_summons_served(case_id)
    engine.record_judgment(case_id, awarded_costs="1150.00")
    engine.record_judgment_served(case_id)
    engine.lay_attachment(case_id, "bank account")
    case = engine.case(case_id)
    engine.record_payment(
        case_id, case.balance_on(engine.today()), payment_id="demo-5-attachment"
    )
