"""The monthly portfolio report, checked against the demo story by hand.

The demo (``faircasso.demo``) hands in four cases of the housing
corporation WONEN and one of the wholesaler GROOT on 5 January 2026 and
plays them out until August. The figures below follow from the story's
events, month by month:

- January: C-1001 pays 452.84 in full (450.00 principal, 2.84 interest;
  no costs inside the fourteen-day term) and closes as paid; C-1002 and
  C-1003 agree arrangements; C-1004 stays amicable. Handed in: 450.00 +
  2 x 600.00 + 800.00 + 2,400.00 = 4,850.00.
- March: C-1003 misses two instalments and defaults back to amicable.
- July: C-1002 pays its last instalment (238.36) and completes;
  C-1004's debt help settles for 960.00 (435.60 costs to the agency,
  83.90 interest and 440.50 principal to the client). GROOT's case pays
  11,059.83 after attachment: 1,950.00 costs (800.00 collection costs and
  1,150.00 awarded by the court) to the agency, 609.83 interest and
  8,500.00 principal to the client.
- Principal collected by the end of July: C-1001 450.00, C-1002 1,200.00,
  C-1003 48.53, C-1004 440.50: 2,139.03 of 4,850.00, a rate of 0.4410.
"""

from __future__ import annotations

import csv
import struct
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from faircasso.demo import run_demo
from faircasso.domain.client import client_id_for
from faircasso.domain.clock import VirtualClock
from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money
from faircasso.engine import Engine
from faircasso.projections.ledger import payments
from faircasso.projections.portfolio import monthly_report
from faircasso.projections.report_files import (
    chart_path,
    report_text,
    write_chart,
    write_csv,
    write_report_files,
)
from stores import START, add_client, open_consumer_case
from view_checks import assert_views_equal_a_rebuild

WONEN = client_id_for("WONEN")
GROOT = client_id_for("GROOT")


@pytest.fixture(scope="module")
def demo() -> Iterator[Engine]:
    """An engine on which the demo story has run (read only)."""
    with Engine("memory://") as engine:
        run_demo(engine)
        yield engine


def phases(**counts: int) -> dict[str, int]:
    every = dict.fromkeys(
        ["intake", "amicable", "arrangement", "referral", "legal", "closed"], 0
    )
    return every | counts


# -- the demo, by hand ------------------------------------------------------------


def test_wonen_in_january_takes_in_four_cases_and_closes_the_one_paid(
    demo: Engine,
) -> None:
    report = monthly_report(demo.views, WONEN, "2026-01")

    assert report.client_code == "WONEN"
    assert report.opened == 4
    assert report.closed == {"paid": 1}
    assert report.phases == phases(amicable=1, arrangement=2, closed=1)
    assert report.principal_in == Money("4850.00")
    assert report.payments == 1
    assert report.collected == Money("452.84")
    assert report.remitted == Money("452.84")
    assert report.kept == Money("0.00")
    assert report.recovery_rate == Decimal("0.0928")


def test_wonen_in_march_counts_the_defaulted_arrangement_as_amicable(
    demo: Engine,
) -> None:
    report = monthly_report(demo.views, WONEN, "2026-03")

    assert report.opened == 0
    assert report.closed == {}
    assert report.phases == phases(amicable=2, arrangement=1, closed=1)
    assert report.collected == Money("238.36")


def test_wonen_in_july_closes_the_arrangement_and_the_debt_help_case(
    demo: Engine,
) -> None:
    report = monthly_report(demo.views, WONEN, "2026-07")

    assert report.opened == 0
    assert report.closed == {"arrangement_completed": 1, "settled_through_debt_help": 1}
    assert report.closed_total == 2
    assert report.phases == phases(amicable=1, closed=3)
    assert report.payments == 2
    assert report.collected == Money("1198.36")
    assert report.remitted == Money("762.76")
    assert report.kept == Money("435.60")
    assert report.principal_in == Money("0.00")
    assert report.handling_fees == Money("0.00")
    assert report.principal_in_to_date == Money("4850.00")
    assert report.principal_collected_to_date == Money("2139.03")
    assert report.recovery_rate == Decimal("0.4410")


def test_groot_in_july_collects_the_whole_claim_after_attachment(
    demo: Engine,
) -> None:
    report = monthly_report(demo.views, GROOT, "2026-07")

    assert report.client_code == "GROOT"
    assert report.closed == {"paid": 1}
    assert report.phases == phases(closed=1)
    assert report.collected == Money("11059.83")
    assert report.remitted == Money("9109.83")
    assert report.kept == Money("1950.00")
    assert report.recovery_rate == Decimal("1.0000")


def test_the_series_holds_twelve_months_ending_with_the_report_month(
    demo: Engine,
) -> None:
    report = monthly_report(demo.views, WONEN, "2026-07")

    months = [m.month for m in report.series]
    assert months[0] == "2025-08"
    assert months[-1] == "2026-07"
    assert len(months) == 12
    by_month = {m.month: m for m in report.series}
    assert by_month["2025-12"].collected == Money("0.00")
    assert by_month["2025-12"].phases == phases()
    assert by_month["2026-02"].collected == Money("438.36")
    assert by_month["2026-03"].phases == phases(amicable=2, arrangement=1, closed=1)
    assert by_month["2026-07"].phases == report.phases


def test_a_series_that_starts_after_the_first_cases_carries_their_phases(
    demo: Engine,
) -> None:
    report = monthly_report(demo.views, WONEN, "2027-03")

    assert report.series[0].month == "2026-04"
    assert report.series[0].phases == phases(amicable=2, arrangement=1, closed=1)
    assert report.phases == phases(amicable=1, closed=3)
    assert report.recovery_rate == Decimal("0.4410")


def test_a_client_without_cases_gets_a_report_of_zeros(demo: Engine) -> None:
    report = monthly_report(demo.views, client_id_for("NOBODY"), "2026-07")

    assert report.client_code == ""
    assert report.opened == 0
    assert report.phases == phases()
    assert report.collected == Money("0.00")
    assert report.recovery_rate is None


def test_a_registered_client_without_cases_is_named_by_its_code() -> None:
    with Engine("memory://", clock=VirtualClock(START)) as engine:
        add_client(engine, "EMPTY")

        report = monthly_report(engine.views, client_id_for("EMPTY"), "2026-01")

    assert report.client_code == "EMPTY"
    assert report_text(report).startswith("Portfolio report EMPTY, 2026-01\n")


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "2026-7", "26-07", "", "x"])
def test_a_malformed_month_is_refused(demo: Engine, month: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        monthly_report(demo.views, WONEN, month)

    assert str(refused.value) == (
        f"Invalid month {month!r}: expected YYYY-MM, for example 2026-03."
    )


# -- handling fees, reversals and credit notes -----------------------------------------


def test_a_withdrawn_case_makes_the_handling_fee_due_in_its_month() -> None:
    with Engine("memory://", clock=VirtualClock(START)) as engine:
        add_client(engine)
        engine.withdraw(open_consumer_case(engine))

        report = monthly_report(engine.views, client_id_for("ACME"), "2026-01")

    assert report.closed == {"withdrawn_by_client": 1}
    assert report.handling_fees == Money("25.00")
    assert report.phases == phases(closed=1)


def test_a_reversed_payment_and_a_credit_note_count_back_everywhere() -> None:
    with Engine("memory://", clock=VirtualClock(START)) as engine:
        add_client(engine)
        case_id = open_consumer_case(engine, principal="1000.00")
        engine.record_payment(case_id, "200.00", payment_id="bank:1")
        case = engine.case(case_id)
        case.reverse_payment(START, "bank:1", reason="AC04", reversal_id="rev:1")
        case.record_credit_note(START, "F-C-4711", Money("100.00"), "CN-1")
        engine.save_together(case)

        report = monthly_report(engine.views, client_id_for("ACME"), "2026-01")
        lines = payments(engine.views, client_id_for("ACME"))
        status = engine.views.tables().case_status
        with engine.views.connect() as conn:
            row = conn.execute(status.select()).mappings().one()
        case = engine.case(case_id)
        assert_views_equal_a_rebuild(engine.views)

    assert (report.payments, report.reversals) == (1, 1)
    assert report.collected == Money("0.00")
    assert report.credited == Money("100.00")
    assert report.principal_in_to_date == Money("900.00")
    assert report.recovery_rate == Decimal("0.0000")
    assert [(line.payment_id, line.amount, line.reverses) for line in lines] == [
        ("bank:1", Money("200.00"), ""),
        ("rev:1", Money("-200.00"), "bank:1"),
    ]
    assert row["principal_cents"] == case.principal.cents == 90_000
    assert row["paid_cents"] == case.received.cents == 0
    assert row["balance_cents"] == case.balance.cents


# -- files ------------------------------------------------------------------------


GROOT_TEXT = """\
Portfolio report GROOT, 2026-07

Cases
  opened in the month       0
  closed in the month       1
    paid                    1
  per phase on 2026-07-31:
    intake                  0
    amicable                0
    arrangement             0
    referral                0
    legal                   0
    closed                  1

Money in the month (EUR)
  principal handed in          0.00
  principal credited           0.00
  collected               11,059.83
  remitted to the client   9,109.83
  kept by the agency       1,950.00
  handling fees due            0.00
  payments received               1
  payments reversed               0

Recovery rate to date: 100.00 % (principal collected 8,500.00 of 8,500.00 \
handed in less credited, up to 2026-07-31)

Last 12 months (cases per phase at month end)
month    collected  intake  amicable  arrangement  referral  legal  closed
-------  ---------  ------  --------  -----------  --------  -----  ------
2025-08       0.00       0         0            0         0      0       0
2025-09       0.00       0         0            0         0      0       0
2025-10       0.00       0         0            0         0      0       0
2025-11       0.00       0         0            0         0      0       0
2025-12       0.00       0         0            0         0      0       0
2026-01       0.00       0         1            0         0      0       0
2026-02       0.00       0         1            0         0      0       0
2026-03       0.00       0         1            0         0      0       0
2026-04       0.00       0         1            0         0      0       0
2026-05       0.00       0         1            0         0      0       0
2026-06       0.00       0         1            0         0      0       0
2026-07  11,059.83       0         0            0         0      0       1"""


def test_the_report_reads_as_text(demo: Engine) -> None:
    report = monthly_report(demo.views, GROOT, "2026-07")

    assert report_text(report) == GROOT_TEXT


def test_the_csv_holds_the_month_and_the_series(demo: Engine, tmp_path: Path) -> None:
    report = monthly_report(demo.views, WONEN, "2026-07")

    path = write_csv(report, tmp_path / "wonen.csv")

    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["section", "month", "figure", "value"]
    figures = {(s, m, f): v for s, m, f, v in rows[1:]}
    assert len(figures) == len(rows) - 1
    assert figures[("month", "2026-07", "client")] == "WONEN"
    assert figures[("month", "2026-07", "closed")] == "2"
    assert figures[("month", "2026-07", "closed:settled_through_debt_help")] == "1"
    assert figures[("month", "2026-07", "closed:paid")] == "0"
    assert figures[("month", "2026-07", "phase:amicable")] == "1"
    assert figures[("month", "2026-07", "collected")] == "1198.36"
    assert figures[("month", "2026-07", "remitted")] == "762.76"
    assert figures[("month", "2026-07", "kept")] == "435.60"
    assert figures[("month", "2026-07", "recovery_rate")] == "0.4410"
    assert figures[("series", "2026-02", "collected")] == "438.36"
    assert figures[("series", "2026-03", "phase:arrangement")] == "1"
    assert len([k for k in figures if k[0] == "series"]) == 12 * 7


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header chunk."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert header[12:16] == b"IHDR"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_the_chart_is_a_png_of_the_twelve_months(demo: Engine, tmp_path: Path) -> None:
    report = monthly_report(demo.views, WONEN, "2026-07")

    first = write_chart(report, tmp_path / "first.png")
    second = write_chart(report, tmp_path / "second.png")

    assert png_size(first) == (900, 650)
    assert 10_000 < first.stat().st_size < 500_000
    assert first.read_bytes() == second.read_bytes()


def test_the_chart_goes_beside_the_csv(demo: Engine, tmp_path: Path) -> None:
    report = monthly_report(demo.views, GROOT, "2026-07")

    written = write_report_files(report, tmp_path / "groot.csv")

    assert written == (tmp_path / "groot.csv", tmp_path / "groot.png")
    assert all(path.is_file() for path in written)


def test_a_csv_named_like_the_chart_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidValueError) as refused:
        chart_path(tmp_path / "report.png")

    assert str(refused.value) == (
        f"Invalid CSV file '{tmp_path / 'report.png'}': expected a name not "
        "ending .png (the chart gets that)."
    )
