"""Reading the files faircasso takes in: batches, invoices and statements.

Every reader validates at the edge and names the file, row or element,
field, value and what was expected in its errors. Each returns a
:class:`RecordStream` that yields typed records lazily; pass
``errors="collect"`` to set bad records aside as :class:`Rejected` instead
of raising, and :func:`write_rejects` to write them out.

Log lines go to the ``faircasso.formats.*`` loggers; none carries personal
data at INFO or above.
"""

import logging

from faircasso.formats.batch import read_batch_csv, read_batch_json
from faircasso.formats.camt053 import read_camt053
from faircasso.formats.detect import FileFormat, detect_format
from faircasso.formats.records import BankEntry, CaseSubmission, CreditNoteSubmission
from faircasso.formats.references import (
    is_valid_dutch_payment_reference,
    is_valid_iban,
    is_valid_rf,
    make_dutch_payment_reference,
    make_rf_reference,
    normalise_reference,
    reference_for_case,
)
from faircasso.formats.rejects import RecordStream, Rejected, write_rejects
from faircasso.formats.samples import sample_path
from faircasso.formats.ubl import (
    InvoiceGroup,
    InvoiceGrouping,
    PartyInfo,
    UblCreditNote,
    UblInvoice,
    group_invoices,
    read_ubl,
    read_ubl_files,
)

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "BankEntry",
    "CaseSubmission",
    "CreditNoteSubmission",
    "FileFormat",
    "InvoiceGroup",
    "InvoiceGrouping",
    "PartyInfo",
    "RecordStream",
    "Rejected",
    "UblCreditNote",
    "UblInvoice",
    "detect_format",
    "group_invoices",
    "is_valid_dutch_payment_reference",
    "is_valid_iban",
    "is_valid_rf",
    "make_dutch_payment_reference",
    "make_rf_reference",
    "normalise_reference",
    "read_batch_csv",
    "read_batch_json",
    "read_camt053",
    "read_ubl",
    "read_ubl_files",
    "reference_for_case",
    "sample_path",
    "write_rejects",
]
