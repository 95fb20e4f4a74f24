"""The monthly portfolio report as text, as a CSV file and as a chart.

- :func:`report_text`: a few aligned blocks for the terminal;
- :func:`write_csv`: one file in long form, one figure a row
  (``section,month,figure,value``), which any spreadsheet or the ``csv``
  module reads without knowing the layout: section ``month`` holds the
  report month's figures, section ``series`` the chart's twelve months.
  Amounts are euros with two decimals and a point, no thousands
  separator; the recovery rate is a fraction with four decimals;
- :func:`write_chart`: a PNG with two panels over the twelve months:
  cases per phase at month end as stacked bars, and money collected.
  Drawn with matplotlib's Agg backend on a figure of its own (no pyplot,
  no display, no global state), without a software stamp in the file,
  so the same report gives the same picture.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from faircasso.domain.errors import InvalidValueError
from faircasso.domain.money import Money
from faircasso.domain.values import CloseReason
from faircasso.projections.portfolio import PHASES, PortfolioReport

# Limitation: the report, the CSV's figure names and the chart are in English only.
CSV_HEADER = ("section", "month", "figure", "value")

PHASE_COLOURS = {
    "intake": "#9e9e9e",
    "amicable": "#4e79a7",
    "arrangement": "#59a14f",
    "referral": "#edc948",
    "legal": "#e15759",
    "closed": "#bab0ac",
}
COLLECTED_COLOUR = "#76b7b2"


def _euros(amount: Money) -> str:
    return f"{amount.amount:,.2f}"


def _rate_text(report: PortfolioReport) -> str:
    if report.recovery_rate is None:
        return "none yet: no principal handed in"
    percent = report.recovery_rate * 100
    return (
        f"{percent:.2f} % (principal collected "
        f"{_euros(report.principal_collected_to_date)} of "
        f"{_euros(report.principal_in_to_date)} handed in less credited, up to "
        f"{report.month_end})"
    )


def report_text(report: PortfolioReport) -> str:
    """The report as text for the terminal."""
    code = report.client_code or report.client_id.hex
    lines = [f"Portfolio report {code}, {report.month}", "", "Cases"]
    lines += _pairs(
        [
            ("opened in the month", str(report.opened)),
            ("closed in the month", str(report.closed_total)),
            *((f"  {reason}", str(n)) for reason, n in report.closed.items()),
            (f"per phase on {report.month_end}:", ""),
            *((f"  {phase}", str(n)) for phase, n in report.phases.items()),
        ]
    )
    lines += ["", "Money in the month (EUR)"]
    lines += _pairs(
        [
            ("principal handed in", _euros(report.principal_in)),
            ("principal credited", _euros(report.credited)),
            ("collected", _euros(report.collected)),
            ("remitted to the client", _euros(report.remitted)),
            ("kept by the agency", _euros(report.kept)),
            ("handling fees due", _euros(report.handling_fees)),
            ("payments received", str(report.payments)),
            ("payments reversed", str(report.reversals)),
        ]
    )
    lines += ["", f"Recovery rate to date: {_rate_text(report)}", ""]
    lines += _series_table(report)
    return "\n".join(lines)


def _pairs(pairs: list[tuple[str, str]]) -> list[str]:
    width = max(len(label) for label, _ in pairs)
    figures = max(len(value) for _, value in pairs)
    return [
        f"  {label.ljust(width)}  {value.rjust(figures)}".rstrip()
        for label, value in pairs
    ]


def _series_table(report: PortfolioReport) -> list[str]:
    headers = ["month", "collected", *PHASES]
    rows = [
        [m.month, _euros(m.collected), *(str(m.phases[p]) for p in PHASES)]
        for m in report.series
    ]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: list[str]) -> str:
        padded = [cells[0].ljust(widths[0])]
        padded += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join(padded)

    rule = "  ".join("-" * w for w in widths)
    return ["Last 12 months (cases per phase at month end)", line(headers), rule] + [
        line(row) for row in rows
    ]


# -- CSV -----------------------------------------------------------------------


def csv_rows(report: PortfolioReport) -> list[tuple[str, str, str, str]]:
    """The rows :func:`write_csv` writes, header first."""
    month = report.month
    figures: list[tuple[str, object]] = [
        ("client", report.client_code),
        ("opened", report.opened),
        ("closed", report.closed_total),
        *((f"closed:{r.value}", report.closed.get(r.value, 0)) for r in CloseReason),
        *((f"phase:{phase}", n) for phase, n in report.phases.items()),
        ("payments", report.payments),
        ("reversals", report.reversals),
        ("principal_in", report.principal_in.amount),
        ("credited", report.credited.amount),
        ("collected", report.collected.amount),
        ("remitted", report.remitted.amount),
        ("kept", report.kept.amount),
        ("handling_fees", report.handling_fees.amount),
        ("principal_in_to_date", report.principal_in_to_date.amount),
        ("principal_collected_to_date", report.principal_collected_to_date.amount),
        ("recovery_rate", "" if report.recovery_rate is None else report.recovery_rate),
    ]
    rows = [CSV_HEADER] + [("month", month, name, str(v)) for name, v in figures]
    for each in report.series:
        rows.append(("series", each.month, "collected", str(each.collected.amount)))
        rows += [
            ("series", each.month, f"phase:{p}", str(each.phases[p])) for p in PHASES
        ]
    return rows


def write_csv(report: PortfolioReport, path: Path) -> Path:
    """Write the report as one CSV file at ``path``; returns the path."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(csv_rows(report))
    return path


# -- chart -----------------------------------------------------------------------


def chart_path(csv_path: Path) -> Path:
    """Where the chart of a CSV report goes: beside it, ending ``.png``."""
    if csv_path.suffix.lower() == ".png":
        raise InvalidValueError(
            "CSV file", str(csv_path), "a name not ending .png (the chart gets that)"
        )
    return csv_path.with_suffix(".png")


def write_chart(report: PortfolioReport, path: Path) -> Path:
    """Draw the twelve-month chart as a PNG at ``path``; returns the path."""
    # Imported here: matplotlib takes a while to load, and only charts need it.
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    figure = Figure(figsize=(9.0, 6.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    cases, money = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    months = [m.month for m in report.series]
    _stacked_phases(cases, report, months, MaxNLocator(integer=True))
    collected = [float(m.collected.amount) for m in report.series]
    money.bar(months, collected, color=COLLECTED_COLOUR)
    money.set_ylabel("collected (EUR)")
    money.tick_params(axis="x", labelrotation=45)
    code = report.client_code or report.client_id.hex
    figure.suptitle(f"{code}: portfolio, 12 months to {report.month}")
    figure.savefig(path, format="png", metadata={"Software": None})
    return path


def _stacked_phases(
    axes: Any, report: PortfolioReport, months: list[str], locator: Any
) -> None:
    bottom = [0] * len(months)
    for phase in PHASES:
        counts = [m.phases[phase] for m in report.series]
        axes.bar(months, counts, bottom=bottom, label=phase, color=PHASE_COLOURS[phase])
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    axes.set_ylabel("cases at month end")
    axes.yaxis.set_major_locator(locator)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")


def write_report_files(report: PortfolioReport, csv_path: Path) -> tuple[Path, Path]:
    """Write the CSV at ``csv_path`` and the chart beside it; returns both."""
    png = chart_path(csv_path)
    return write_csv(report, csv_path), write_chart(report, png)
