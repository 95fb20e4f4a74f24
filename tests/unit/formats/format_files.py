"""Where the format tests find their files, and the batch CSV header."""

from __future__ import annotations

from pathlib import Path

TESTS_FOLDER = Path(__file__).resolve().parents[2]
DATA = TESTS_FOLDER / "data" / "formats"
SAMPLES = TESTS_FOLDER.parent / "src" / "faircasso" / "samples"

CSV_HEADER = (
    "client,reference,debtor_name,debtor_kind,debtor_address,debtor_email,"
    "debtor_phone,invoice_number,invoice_date,due_date,principal,currency,"
    "consumer_sale"
)


def data_file(name: str) -> str:
    """A malformed test file under ``tests/data/formats``."""
    return str(DATA / name)


def sample_file(name: str) -> str:
    """A sample file shipped in ``src/faircasso/samples``."""
    return str(SAMPLES / name)
