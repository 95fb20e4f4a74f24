"""The read-model commands of ``faircasso``, on a copy of the demo store.

``report``, ``worklist`` and ``ledger`` read the views; ``projections``
runs, rebuilds and inspects them. Each test works on its own copy of one
SQLite file on which the demo story ran.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from faircasso.cli.main import main
from faircasso.demo import run_demo
from faircasso.domain.clock import VirtualClock
from faircasso.engine import Engine
from stores import START, add_client, open_consumer_case


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The demo store, and the id of its newest event."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Engine(f"sqlite:///{path}") as engine:
        run_demo(engine)
        newest = engine.store.recorder.max_notification_id()
    return path, newest


@pytest.fixture
def db(demo_file: tuple[Path, int], tmp_path: Path) -> str:
    """A URL of this test's own copy of the demo store."""
    copy = tmp_path / "demo.db"
    shutil.copy(demo_file[0], copy)
    return f"sqlite:///{copy}"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# -- report -----------------------------------------------------------------------


def test_report_prints_the_month_of_one_client(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "--db", db, "report", "--client", "WONEN", "--month", "2026-07"
    )

    assert status == 0
    lines = out.splitlines()
    assert lines[:3] == ["Portfolio report WONEN, 2026-07", "", "Cases"]
    assert "  collected               1,198.36" in lines
    assert (
        "Recovery rate to date: 44.10 % (principal collected 2,139.03 of "
        "4,850.00 handed in less credited, up to 2026-07-31)"
    ) in lines
    assert lines[-1] == (
        "2026-07   1,198.36       0         1            0         0      0       3"
    )


def test_report_with_csv_writes_the_csv_and_the_chart_beside_it(
    db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "groot-2026-07.csv"

    status, out, _ = run(
        capsys, "--db", db, "report", "--client", "GROOT", "--month", "2026-07",
        "--csv", str(target),
    )  # fmt: skip

    chart = tmp_path / "groot-2026-07.png"
    assert status == 0
    assert out.endswith(f"\nwrote {target} and {chart}\n")
    assert target.read_text().startswith("section,month,figure,value\n")
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_refuses_a_malformed_month(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        capsys, "--db", db, "report", "--client", "WONEN", "--month", "2026-7"
    )

    assert status == 2
    assert out == ""
    assert err == (
        "faircasso: Invalid month '2026-7': expected YYYY-MM, for example 2026-03.\n"
    )


def test_report_refuses_an_unknown_client(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(
        capsys, "--db", db, "report", "--client", "NOPE", "--month", "2026-07"
    )

    assert status == 2
    assert err == (
        "faircasso: Unknown client NOPE: register the client and its agreement "
        "before submitting cases.\n"
    )


# -- worklist and ledger --------------------------------------------------------------


def test_worklist_lists_what_is_due(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "--db", db, "worklist", "--on", "2030-12-01")

    assert status == 0
    assert out == (
        "    due on  client  case    what\n"
        "----------  ------  ------  ------------------------------------------"
        "------------------------\n"
        "2031-01-27  WONEN   C-1003  invoice HUUR-2025-11C becomes time-barred: "
        "interrupt or act before\n"
    )


def test_worklist_of_one_client_can_be_empty(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "--db", db, "worklist", "--on", "2030-12-01", "--client", "GROOT"
    )

    assert status == 0
    assert out == "nothing due on 2030-12-01\n"


def test_ledger_prints_the_payments_of_a_month_with_totals(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "--db", db, "ledger", "--client", "WONEN", "--month", "2026-02"
    )

    assert status == 0
    assert out.splitlines() == [
        "booked      case    payment      amount   costs  interest  principal  "
        "surplus  to client  to agency",
        "----------  ------  -----------  ------  ------  --------  ---------  "
        "-------  ---------  ---------",
        "2026-02-01  C-1002  demo-plan-1  238.36  108.90      7.66     121.80  "
        "   0.00     129.46     108.90",
        "2026-02-01  C-1003  demo-3-1     200.00  145.20      6.27      48.53  "
        "   0.00      54.80     145.20",
        "total                            438.36  254.10     13.93     170.33  "
        "   0.00     184.26     254.10",
    ]


def test_ledger_says_when_there_is_nothing(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "--db", db, "ledger", "--client", "GROOT", "--month", "2026-02"
    )

    assert status == 0
    assert out == "no payments for GROOT in 2026-02\n"


# -- projections ----------------------------------------------------------------------


def test_projections_status_shows_version_position_and_lag(
    db: str, demo_file: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    newest = demo_file[1]

    status, out, _ = run(capsys, "--db", db, "projections", "status")

    assert status == 0
    assert out == (
        f"views version  v1\nposition       {newest}\n"
        f"newest event   {newest}\nlag            0 events\n"
    )


def test_projections_rebuild_switches_to_the_next_version(
    db: str, demo_file: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    newest = demo_file[1]

    status, out, _ = run(capsys, "--db", db, "projections", "rebuild")
    _, after, _ = run(capsys, "--db", db, "projections", "status")

    assert status == 0
    assert out == f"views rebuilt: v1 -> v2, {newest} events applied\n"
    assert after.startswith("views version  v2\n")


def test_projections_run_once_applies_what_another_engine_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Engine(url, clock=VirtualClock(START), views="external") as engine:
        add_client(engine)
        engine.send_letter(open_consumer_case(engine))
        newest = engine.store.recorder.max_notification_id()
    _, before, _ = run(capsys, "--db", url, "projections", "status")

    status, out, _ = run(capsys, "--db", url, "projections", "run", "--once")
    _, after, _ = run(capsys, "--db", url, "projections", "status")

    assert f"lag            {newest} events\n" in before
    assert status == 0
    assert out == f"views caught up: {newest} events applied\n"
    assert after.endswith("lag            0 events\n")
