"""The agreed batch format for handing over cases: CSV or JSON.

A CSV batch has one row per invoice; consecutive rows with the same
``client`` and ``reference`` are one case. A JSON batch has one object per
case. ``docs/formats.md`` describes both with examples. Both readers yield
:class:`~faircasso.formats.records.CaseSubmission` records and take a case
whole or not at all: one bad row rejects its whole case.

The CSV reader streams: it holds one case's rows at a time, plus a
fingerprint of every (client, reference) pair seen, to catch a case whose
rows are not next to each other.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TextIO, TypeVar

from pydantic import BaseModel, ValidationError

from faircasso.domain.errors import InputFileError, UnsupportedFormatVersionError
from faircasso.formats import _fields as f
from faircasso.formats._batch_models import (
    BATCH_FORMAT,
    BATCH_VERSION,
    CASE_COLUMNS,
    CSV_COLUMNS,
    INVOICE_COLUMNS,
    OPTIONAL_CSV_COLUMNS,
    CsvCaseFields,
    CsvInvoiceFields,
    Fingerprints,
    JsonBatch,
    JsonCase,
    due_date_problem,
)
from faircasso.formats.records import CaseSubmission, source_of
from faircasso.formats.rejects import Collector, ErrorMode, RecordStream

logger = logging.getLogger(__name__)

__all__ = [
    "BATCH_FORMAT",
    "BATCH_VERSION",
    "CSV_COLUMNS",
    "OPTIONAL_CSV_COLUMNS",
    "read_batch_csv",
    "read_batch_json",
]


# -- CSV ----------------------------------------------------------------------


def read_batch_csv(
    path: str | Path, *, errors: ErrorMode = "raise"
) -> RecordStream[CaseSubmission]:
    """Read a CSV batch lazily: one case per run of rows with one reference."""
    file = str(path)
    return RecordStream(lambda collector: _csv_cases(file, collector), errors)


def _csv_cases(file: str, collector: Collector) -> Iterator[CaseSubmission]:
    """The cases of the file, each validated whole."""
    seen = Fingerprints()
    count = 0
    with open(file, encoding="utf-8-sig", newline="") as handle:
        layout, rows = _csv_rows(file, handle)
        for key, members in _runs_of_one_case(layout, rows):
            try:
                _check_not_seen(file, members[0][0], key, seen)
                yield _csv_case(file, layout, members)
                count += 1
            except InputFileError as error:
                where = source_of(file, _lines(members))
                collector.reject(where, _raw_rows(members), error)

    logger.info(
        "Read %d cases from %s, %d rejected",
        count,
        Path(file).name,
        len(collector.rejected),
    )


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where each column stands in the file's header."""

    width: int
    case: tuple[tuple[str, int], ...]
    invoice: tuple[tuple[str, int], ...]
    client: int
    reference: int

    @classmethod
    def of(cls, columns: list[str]) -> _Layout:
        at = {name: index for index, name in enumerate(columns)}
        return cls(
            len(columns),
            tuple((name, at[name]) for name in CASE_COLUMNS if name in at),
            tuple((name, at[name]) for name in INVOICE_COLUMNS if name in at),
            at["client"],
            at["reference"],
        )

    def key(self, values: list[str]) -> tuple[str, str]:
        """The (client, reference) of a row, even a short one."""
        if len(values) <= max(self.client, self.reference):
            return ("", "")
        return (values[self.client].strip(), values[self.reference].strip())

    def case_cells(self, values: list[str]) -> list[str]:
        """The row's case columns, stripped, in header order."""
        return [values[index].strip() for _, index in self.case]


Row = tuple[int, list[str]]
Run = tuple[tuple[str, str], list[Row]]


def _csv_rows(file: str, handle: TextIO) -> tuple[_Layout, Iterator[Row]]:
    """The checked header, and each non-blank row with its first line number."""
    try:
        first = handle.readline()
    except UnicodeDecodeError:
        raise _encoding_error(file) from None

    # Spreadsheets set to Dutch write semicolons; the header says which.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], handle), delimiter=delimiter)
    columns = [name.strip().lower() for name in next(reader, [])]
    _check_header(file, columns)

    def rows() -> Iterator[Row]:
        last = reader.line_num
        try:
            for values in reader:
                start, last = last + 1, reader.line_num
                if any(values):
                    yield start, values
        except UnicodeDecodeError:
            raise _encoding_error(file) from None

    return _Layout.of(columns), rows()


def _encoding_error(file: str) -> InputFileError:
    """The error for the first line that is not UTF-8, found by reading again."""
    with open(file, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = raw[exc.start : exc.end]
                return InputFileError(
                    file, f"line {number}", "encoding", bad, "UTF-8 text"
                )
    return InputFileError(file, "end of file", "encoding", None, "UTF-8 text")


def _check_header(file: str, columns: list[str]) -> None:
    """Refuse a header with unknown, repeated or missing columns."""
    for name in columns:
        if name not in CSV_COLUMNS:
            allowed = ", ".join(CSV_COLUMNS)
            raise InputFileError(
                file, "line 1", name, name, f"one of the columns {allowed}"
            )
        if columns.count(name) > 1:
            raise InputFileError(file, "line 1", name, name, "each column once")

    for name in CSV_COLUMNS:
        if name not in columns and name not in OPTIONAL_CSV_COLUMNS:
            raise InputFileError(
                file, "line 1", name, None, f"a column named {name!r} in the header"
            )


def _runs_of_one_case(layout: _Layout, rows: Iterator[Row]) -> Iterator[Run]:
    """Group consecutive rows with the same client and reference."""
    run: list[Row] = []
    run_key = ("", "")
    for row in rows:
        key = layout.key(row[1])
        if key != run_key and run:
            yield run_key, run
            run = []
        run_key = key
        run.append(row)
    if run:
        yield run_key, run


def _check_not_seen(
    file: str, line: int, key: tuple[str, str], seen: Fingerprints
) -> None:
    """Refuse a case whose rows are split over separate places in the file.

    A row without client or reference is left to the field checks.
    """
    if "" not in key and not seen.add(key):
        client, reference = key
        raise InputFileError(
            file,
            f"line {line}",
            "reference",
            reference,
            f"the rows of case {reference!r} of client {client!r} next to each "
            "other; the case already appeared earlier in the file",
        )


def _csv_case(file: str, layout: _Layout, members: list[Row]) -> CaseSubmission:
    """One case from its rows, or the first problem in them."""
    first_line, first_values = members[0]
    _check_width(file, layout, first_line, first_values)
    case = _validated(
        CsvCaseFields, file, first_line, _cells(layout.case, first_values)
    )
    case_cells = layout.case_cells(first_values)

    invoices = []
    numbers: dict[str, int] = {}
    for line, values in members:
        if line != first_line:
            _check_width(file, layout, line, values)
            _check_same_case(file, layout, (first_line, case_cells), line, values)
        fields = _validated(
            CsvInvoiceFields, file, line, _cells(layout.invoice, values)
        )
        _check_invoice(file, line, fields, numbers)
        invoices.append(fields.invoice())

    source = source_of(file, _lines(members))
    return CaseSubmission(
        case.client, case.reference, case.debtor(), tuple(invoices), source
    )


def _cells(columns: tuple[tuple[str, int], ...], values: list[str]) -> dict[str, str]:
    return {name: values[index] for name, index in columns}


_Model = TypeVar("_Model", bound=BaseModel)


def _validated(
    model: type[_Model], file: str, line: int, cells: dict[str, str]
) -> _Model:
    """The cells checked by ``model``, or the first of them in error."""
    try:
        return model.model_validate(cells)
    except ValidationError as error:
        location, value, expected = f.first_problem(error)
        raise InputFileError(
            file, f"line {line}", str(location[0]), value, expected
        ) from None


def _check_width(file: str, layout: _Layout, line: int, values: list[str]) -> None:
    if len(values) != layout.width:
        raise InputFileError(
            file,
            f"line {line}",
            "row",
            f"{len(values)} fields",
            f"{layout.width} fields, as in the header",
        )


def _check_same_case(
    file: str,
    layout: _Layout,
    first: tuple[int, list[str]],
    line: int,
    values: list[str],
) -> None:
    """Refuse a case whose rows disagree about the client or debtor."""
    first_line, first_cells = first
    cells = layout.case_cells(values)
    if cells == first_cells:
        return

    for (name, _), value, expected in zip(layout.case, cells, first_cells, strict=True):
        if value != expected:
            raise InputFileError(
                file,
                f"line {line}",
                name,
                value,
                f"the same value as line {first_line} of this case ({expected!r})",
            )


def _check_invoice(
    file: str, line: int, fields: CsvInvoiceFields, numbers: dict[str, int]
) -> None:
    """Refuse a repeated invoice number or a due date before the invoice date."""
    number = fields.invoice_number
    if number in numbers:
        raise InputFileError(
            file,
            f"line {line}",
            "invoice_number",
            number,
            f"an invoice number not used before in this case (line {numbers[number]})",
        )
    numbers[number] = line

    problem = due_date_problem(fields.invoice_date, fields.due_date)
    if problem:
        due = fields.due_date.isoformat()
        raise InputFileError(file, f"line {line}", "due_date", due, problem)


def _lines(members: Sequence[Row]) -> str:
    """``line 4`` or ``lines 4-6``: where a case stands in the file."""
    first, last = members[0][0], members[-1][0]
    return f"line {first}" if first == last else f"lines {first}-{last}"


def _raw_rows(members: Sequence[Row]) -> str:
    """The case's rows written back as CSV text, for the rejects file."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(v for _, v in members)
    return buffer.getvalue().rstrip("\n")


# -- JSON ---------------------------------------------------------------------


def read_batch_json(
    path: str | Path, *, errors: ErrorMode = "raise"
) -> RecordStream[CaseSubmission]:
    """Read a JSON batch; the file is loaded whole, the cases checked lazily."""
    file = str(path)
    return RecordStream(lambda collector: _json_cases(file, collector), errors)


def _json_cases(file: str, collector: Collector) -> Iterator[CaseSubmission]:
    seen: dict[tuple[str, str], int] = {}
    count = 0
    for index, raw in enumerate(_json_batch(file).cases):
        base = f"$.cases[{index}]"
        try:
            yield _json_case(file, base, raw, seen, index)
            count += 1
        except InputFileError as error:
            text = json.dumps(raw, default=str, ensure_ascii=False)
            collector.reject(source_of(file, base), text, error)

    logger.info(
        "Read %d cases from %s, %d rejected",
        count,
        Path(file).name,
        len(collector.rejected),
    )


def _json_batch(file: str) -> JsonBatch:
    """The parsed file with its format and version checked."""
    # Limitation: a JSON batch is loaded whole; send very large batches as CSV.
    # Limitation: a key repeated in one JSON object keeps its last value.
    try:
        with open(file, encoding="utf-8-sig") as handle:
            data = json.load(handle, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise InputFileError(file, where, "json", exc.msg, "valid JSON") from None
    except UnicodeDecodeError:
        raise InputFileError(file, "$", "encoding", None, "UTF-8 text") from None

    try:
        batch = JsonBatch.model_validate(data)
    except ValidationError as error:
        location, value, expected = f.first_problem(error)
        field = str(location[-1]) if location else "$"
        raise InputFileError(
            file, f.json_path("$", location), field, value, expected
        ) from None
    _check_json_format(file, batch)
    return batch


def _check_json_format(file: str, batch: JsonBatch) -> None:
    """Refuse another format, or a version this reader does not know."""
    if batch.format != BATCH_FORMAT:
        raise InputFileError(
            file, "$.format", "format", batch.format, repr(BATCH_FORMAT)
        )
    version = batch.version
    if not isinstance(version, int) or isinstance(version, bool):
        raise InputFileError(
            file, "$.version", "version", version, f"the number {BATCH_VERSION}"
        )
    if version != BATCH_VERSION:
        raise UnsupportedFormatVersionError(
            file,
            f"{BATCH_FORMAT} version {version}",
            [f"{BATCH_FORMAT} version {BATCH_VERSION}"],
        )


def _json_case(
    file: str,
    base: str,
    raw: object,
    seen: dict[tuple[str, str], int],
    index: int,
) -> CaseSubmission:
    """One case object, validated, or the first problem in it."""
    try:
        case = JsonCase.model_validate(raw)
    except ValidationError as error:
        location, value, expected = f.first_problem(error)
        names = [part for part in location if isinstance(part, str)]
        field = names[-1] if names else "case"
        where = f.json_path(base, location)
        raise InputFileError(file, where, field, value, expected) from None

    _check_json_unique(file, base, case, seen, index)
    _check_json_invoices(file, base, case)
    invoices = tuple(invoice.invoice() for invoice in case.invoices)
    return CaseSubmission(
        case.client,
        case.reference,
        case.debtor.debtor(),
        invoices,
        source_of(file, base),
    )


def _check_json_unique(
    file: str,
    base: str,
    case: JsonCase,
    seen: dict[tuple[str, str], int],
    index: int,
) -> None:
    """Refuse a client's case reference used twice in one batch."""
    key = (case.client, case.reference)
    if key in seen:
        raise InputFileError(
            file,
            f"{base}.reference",
            "reference",
            case.reference,
            f"a reference not used before in this batch for client {case.client!r} "
            f"(first at $.cases[{seen[key]}])",
        )
    seen[key] = index


def _check_json_invoices(file: str, base: str, case: JsonCase) -> None:
    """Refuse repeated invoice numbers and due dates before invoice dates."""
    first: dict[str, int] = {}
    for index, invoice in enumerate(case.invoices):
        where = f"{base}.invoices[{index}]"
        if invoice.number in first:
            raise InputFileError(
                file,
                f"{where}.number",
                "number",
                invoice.number,
                "an invoice number not used before in this case "
                f"(first at {base}.invoices[{first[invoice.number]}])",
            )
        first[invoice.number] = index

        problem = due_date_problem(invoice.invoice_date, invoice.due_date)
        if problem:
            due = invoice.due_date.isoformat()
            raise InputFileError(file, f"{where}.due_date", "due_date", due, problem)
