"""Views kept live, caught up after a crash, or rebuilt all end the same.

A rebuild folds every stored event from the first into a new version of
the view tables. Whatever way the views were kept before (live in each
command's transaction, or by a catch-up that failed half-way and was run
again), every row of every view table must equal the rebuilt one: no
event applied twice (the portfolio counters would show it) and none
skipped.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faircasso.domain.client import client_id_for
from faircasso.domain.clock import VirtualClock
from faircasso.domain.errors import FaircassoError
from faircasso.domain.lifecycle import allowed_triggers
from faircasso.domain.money import Money
from faircasso.domain.values import (
    Assessment,
    CloseReason,
    ReferralKind,
    ReferralOutcome,
)
from faircasso.engine import Engine
from faircasso.projections.portfolio import monthly_report
from faircasso.projections.writer import ViewWriter
from stores import START, add_client, open_consumer_case
from strategies import case_openings
from view_checks import assert_views_equal_a_rebuild, view_rows

LAST_DAY = date(2027, 6, 30)

Step = tuple[str, int, int, int, int]
"""(command, case index, amount in cents, a small number, days ahead)."""


def _pick(values: Any, number: int) -> Any:
    members = list(values)
    return members[number % len(members)]


COMMANDS: dict[str, Callable[[Engine, UUID, Step], Any]] = {
    "accept": lambda e, c, s: e.accept_case(c),
    "reject": lambda e, c, s: e.reject_case(c),
    "letter": lambda e, c, s: e.send_letter(c),
    "reminder": lambda e, c, s: e.send_reminder(c),
    "contact": lambda e, c, s: e.record_contact(c, "phone", "called back"),
    "assess": lambda e, c, s: e.assess_debtor(c, _pick(Assessment, s[3])),
    "costs": lambda e, c, s: e.charge_collection_costs(c),
    "propose arrangement": lambda e, c, s: e.propose_arrangement(
        c, instalments=s[3] + 1, first_due=e.today() + timedelta(days=s[4])
    ),
    "agree": lambda e, c, s: e.agree_arrangement(c),
    "decline": lambda e, c, s: e.decline_arrangement(c),
    "missed": lambda e, c, s: e.record_instalment_missed(c, s[3]),
    "refer": lambda e, c, s: e.refer(c, _pick(ReferralKind, s[3])),
    "end referral": lambda e, c, s: e.end_referral(c, _pick(ReferralOutcome, s[3])),
    "propose legal": lambda e, c, s: e.propose_legal(c),
    "approve legal": lambda e, c, s: e.approve_legal(c),
    "decline legal": lambda e, c, s: e.decline_legal(c),
    "summons": lambda e, c, s: e.record_summons_served(c),
    "judgment": lambda e, c, s: e.record_judgment(
        c, awarded_costs=Money.from_cents(s[2] // 10)
    ),
    "served": lambda e, c, s: e.record_judgment_served(c),
    "leave": lambda e, c, s: e.grant_court_leave(c),
    "attachment": lambda e, c, s: e.lay_attachment(c),
    "withdraw": lambda e, c, s: e.withdraw(c),
    "close": lambda e, c, s: e.close_case(c, _pick(CloseReason, s[3])),
    "pay": lambda e, c, s: e.record_payment(
        c, Money.from_cents(s[2]), payment_id=f"bank:{s[3]}"
    ),
    "pay off": lambda e, c, s: e.record_payment(c, e.case(c).balance_on(e.today())),
}

# The lifecycle's triggers and the commands above that pull them.
FOR_TRIGGER = {
    "accept": "accept",
    "reject": "reject",
    "send_letter": "letter",
    "send_reminder": "reminder",
    "record_contact": "contact",
    "assess": "assess",
    "charge_costs": "costs",
    "propose_arrangement": "propose arrangement",
    "agree_arrangement": "agree",
    "decline_arrangement": "decline",
    "miss_instalment": "missed",
    "refer_budget_guidance": "refer",
    "refer_debt_help": "refer",
    "refer_wsnp": "refer",
    "end_referral": "end referral",
    "settle_referral": "end referral",
    "propose_legal": "propose legal",
    "approve_legal": "approve legal",
    "decline_legal": "decline legal",
    "serve_summons": "summons",
    "obtain_judgment": "judgment",
    "serve_judgment": "served",
    "grant_court_leave": "leave",
    "lay_attachment": "attachment",
    "withdraw": "withdraw",
    "close": "close",
    "pay_off": "pay off",
}
CLOSING = {"reject", "withdraw", "close", "pay off", "decline legal"}
# Most steps pull a trigger the case allows; the rest move money and time.
KINDS = ["lifecycle"] * 8 + ["pay", "pay", "advance", "advance", "rebuild"]


def draw_step(data: st.DataObject, engine: Engine, case_ids: list[UUID]) -> Step:
    """A command the case's state allows, most of the time; money and time too.

    Commands are drawn from what the lifecycle allows now, so sequences go
    deep (a judgment needs a proposal, an approval and a summons first);
    commands that close a case are drawn less often, so cases stay open
    long enough to get there. A guard may still refuse a command.
    """
    open_ones = [i for i, c in enumerate(case_ids) if engine.case(c).is_open]
    index = data.draw(st.sampled_from(open_ones or range(len(case_ids))))
    name = data.draw(st.sampled_from(KINDS))
    if name == "lifecycle":
        state = engine.case(case_ids[index]).state
        allowed = sorted(
            {FOR_TRIGGER[t] for t in allowed_triggers(state) if t in FOR_TRIGGER}
        )
        weighted = [c for c in allowed for _ in range(1 if c in CLOSING else 4)]
        name = data.draw(st.sampled_from(weighted)) if weighted else "pay"
    return (
        name,
        index,
        data.draw(st.integers(1, 100_000)),
        data.draw(st.integers(0, 6)),
        data.draw(st.integers(1, 45)),
    )


def run_step(engine: Engine, case_ids: list[UUID], step: Step) -> None:
    """Run one command; a refused command is part of the game."""
    name = step[0]
    if name == "advance":
        engine.advance_to(min(engine.today() + timedelta(days=step[4]), LAST_DAY))
        return
    if name == "rebuild":
        engine.views.rebuild()
        return
    with contextlib.suppress(FaircassoError):
        COMMANDS[name](engine, case_ids[step[1] % len(case_ids)], step)


def openings() -> st.SearchStrategy[dict[str, Any]]:
    """Cases of either client, each invoice at least EUR 500.00, so that a
    payment or two does not close every case before it gets anywhere."""

    def raised(opening: dict[str, Any]) -> dict[str, Any]:
        invoices = [
            {**i, "principal": str((Money(i["principal"]) + Money("500.00")).amount)}
            for i in opening["invoices"]
        ]
        return {**opening, "invoices": invoices}

    return case_openings(clients=("ACME", "PRIV")).map(raised)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    openings=st.lists(openings(), min_size=1, max_size=3),
    count=st.integers(5, 50),
    data=st.data(),
)
def test_views_kept_live_equal_the_views_rebuilt_from_every_event(
    openings: list[dict[str, Any]], count: int, data: st.DataObject
) -> None:
    with Engine("memory://", clock=VirtualClock(START)) as engine:
        add_client(engine, "ACME")
        add_client(engine, "PRIV", private_individual=True)
        case_ids = [
            engine.open_case({**opening, "reference": f"C-{number}"})
            for number, opening in enumerate(openings)
        ]
        for _ in range(count):
            run_step(engine, case_ids, draw_step(data, engine, case_ids))

        assert_views_equal_a_rebuild(engine.views)


# -- a catch-up that fails half-way --------------------------------------------


def write_story(engine: Engine, cases: int = 12) -> int:
    """Cases with letters, payments and an arrangement; returns the case count."""
    add_client(engine, "ACME")
    for number in range(cases):
        case_id = open_consumer_case(engine, f"C-{number}", f"{100 + number}.00")
        engine.send_letter(case_id)
        engine.record_payment(case_id, "25.00", payment_id=f"bank:{number}")
        if number % 3 == 0:
            engine.propose_arrangement(case_id, instalments=3, first_due=START)
            engine.agree_arrangement(case_id)
        if number % 4 == 1:
            engine.withdraw(case_id)
    return cases


class CrashError(Exception):
    """Stands for the process dying in the middle of a catch-up."""


def fail_on_call(number: int, original: Callable[..., Any]) -> Callable[..., Any]:
    """A stand-in for a writer method that raises on its ``number``-th call."""
    calls = []

    def failing(self: ViewWriter, *args: Any) -> Any:
        calls.append(1)
        if len(calls) == number:
            raise CrashError
        return original(self, *args)

    return failing


@pytest.mark.parametrize(
    "method",
    # After the batch's rows were written, before its position; and between
    # writing its case rows and its deadlines.
    ["set_position", "_write_deadlines"],
)
def test_a_catch_up_that_crashes_half_way_resumes_without_repeating_or_skipping(
    backend_url: str, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Engine(backend_url, clock=VirtualClock(START), views="external") as engine:
        cases = write_story(engine)
        views = engine.views
        ids = [n.id for n in engine.store.recorder.select_notifications(1, 10_000)]
        monkeypatch.setattr(
            ViewWriter, method, fail_on_call(3, getattr(ViewWriter, method))
        )

        with pytest.raises(CrashError):
            views.catch_up(batch=40)

        assert views.position() == ids[79]
        monkeypatch.undo()

        applied = views.catch_up(batch=40)

        assert applied == len(ids) - 80
        assert views.position() == ids[-1]
        report = monthly_report(views, client_id_for("ACME"), "2026-01")
        assert report.opened == cases
        assert report.payments == cases
        assert report.collected == Money("25.00") * cases
        assert_views_equal_a_rebuild(views)


def test_the_views_are_empty_until_an_external_catch_up(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Engine(url, clock=VirtualClock(START), views="external") as engine:
        write_story(engine, cases=2)

        assert view_rows(engine.views, 1)["case_status"] == []
        assert engine.views.catch_up() == engine.store.recorder.max_notification_id()
        assert len(view_rows(engine.views, 1)["case_status"]) == 2


# -- view tables made by an older faircasso -------------------------------------------


def test_views_missing_a_newer_column_are_rebuilt_when_the_store_opens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "store.db"
    with Engine(f"sqlite:///{path}", clock=VirtualClock(START)) as engine:
        add_client(engine)
        engine.propose_legal(open_consumer_case(engine))
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE fc_case_status_v1 DROP COLUMN state_since")

    with Engine(f"sqlite:///{path}", clock=VirtualClock(START)) as engine:
        version = engine.views.current_version()
        rows = view_rows(engine.views, version)["case_status"]

    assert version == 2
    assert len(rows) == 1
    assert (
        "views v1 lack columns fc_case_status_v1.state_since; rebuilding"
        in caplog.messages
    )
