"""The tables of the read models, defined with SQLAlchemy Core.

Every view table exists once per *version*: ``fc_case_status_v1``,
``fc_case_status_v2``... A rebuild fills the next version beside the one
readers use, then switches ``fc_view_current`` to it in one commit, so
readers never see a half-built view. ``fc_view_tracking`` holds, per
version, the notification id of the last event applied; it changes in the
same transaction as the rows, so each event is applied exactly once.

Amounts are integer cents in columns ending ``_cents``; dates are ISO text
(``YYYY-MM-DD``), months ``YYYY-MM``; ids are UUID hex.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

CURRENT = "fc_view_current"
TRACKING = "fc_view_tracking"


def meta_tables(metadata: MetaData) -> tuple[Table, Table]:
    """The tables that say which version is current and how far each got."""
    current = Table(
        CURRENT,
        metadata,
        Column("name", String(20), primary_key=True),
        Column("version", Integer, nullable=False),
    )
    tracking = Table(
        TRACKING,
        metadata,
        Column("version", Integer, primary_key=True),
        Column("position", BigInteger, nullable=False),
    )
    return current, tracking


def _cents(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=False, default=0)


@dataclass(frozen=True)
class ViewTables:
    """The view tables of one version."""

    version: int
    case_status: Table
    deadlines: Table
    payments: Table
    portfolio: Table

    @property
    def all(self) -> tuple[Table, ...]:
        """Every table of this version."""
        return (self.case_status, self.deadlines, self.payments, self.portfolio)


def view_tables(metadata: MetaData, version: int) -> ViewTables:
    """Define (or look up) the view tables of ``version`` in ``metadata``."""
    suffix = f"_v{version}"
    # Tables of a schema are known to the metadata as "schema.name".
    prefix = f"{metadata.schema}." if metadata.schema else ""
    existing = metadata.tables.get(f"{prefix}fc_case_status{suffix}")
    if existing is not None:
        return ViewTables(
            version,
            existing,
            metadata.tables[f"{prefix}fc_deadlines{suffix}"],
            metadata.tables[f"{prefix}fc_payments{suffix}"],
            metadata.tables[f"{prefix}fc_portfolio{suffix}"],
        )
    return ViewTables(
        version,
        _case_status(metadata, suffix),
        _deadlines(metadata, suffix),
        _payments(metadata, suffix),
        _portfolio(metadata, suffix),
    )


def _case_status(metadata: MetaData, suffix: str) -> Table:
    name = f"fc_case_status{suffix}"
    return Table(
        name,
        metadata,
        Column("case_id", String(32), primary_key=True),
        Column("client_id", String(32), nullable=False),
        Column("client_code", String(40), nullable=False),
        Column("reference", String(64), nullable=False),
        Column("debtor_name", Text, nullable=False),
        Column("debtor_kind", String(10), nullable=False),
        Column("state", String(40), nullable=False),
        Column("phase", String(20), nullable=False),
        Column("step", String(30), nullable=False),
        Column("state_since", String(10), nullable=False, default=""),
        _cents("principal_cents"),
        _cents("principal_open_cents"),
        _cents("costs_charged_cents"),
        _cents("costs_open_cents"),
        _cents("interest_open_cents"),
        _cents("paid_cents"),
        _cents("surplus_cents"),
        _cents("to_client_cents"),
        _cents("to_agency_cents"),
        _cents("handling_fee_due_cents"),
        _cents("balance_cents"),
        Column("interest_kind", String(12), nullable=False),
        Column("interest_frozen", Boolean, nullable=False, default=False),
        Column("invoices", Text, nullable=False),
        Column("deadlines", Text, nullable=False),
        Column("assessment", String(24), nullable=False, default=""),
        Column("payment_reference", String(40), nullable=False),
        Column("opened_on", String(10), nullable=False),
        Column("last_activity_on", String(10), nullable=False),
        Column("closed_on", String(10), nullable=False, default=""),
        Column("close_reason", String(40), nullable=False, default=""),
        Column("version", Integer, nullable=False),
        Index(f"ix_{name}_client", "client_id", "phase"),
        Index(f"ix_{name}_reference", "payment_reference"),
    )


def _deadlines(metadata: MetaData, suffix: str) -> Table:
    name = f"fc_deadlines{suffix}"
    return Table(
        name,
        metadata,
        Column("case_id", String(32), primary_key=True),
        Column("key", String(80), primary_key=True),
        Column("client_id", String(32), nullable=False),
        Column("kind", String(20), nullable=False),
        Column("due_on", String(10), nullable=False),
        Column("subject", String(80), nullable=False),
        Index(f"ix_{name}_due", "due_on"),
    )


def _payments(metadata: MetaData, suffix: str) -> Table:
    name = f"fc_payments{suffix}"
    return Table(
        name,
        metadata,
        Column("case_id", String(32), primary_key=True),
        Column("payment_id", String(120), primary_key=True),
        Column("client_id", String(32), nullable=False),
        Column("received_on", String(10), nullable=False),
        Column("booked_on", String(10), nullable=False),
        _cents("amount_cents"),
        _cents("costs_cents"),
        _cents("interest_cents"),
        _cents("principal_cents"),
        _cents("surplus_cents"),
        _cents("to_client_cents"),
        _cents("to_agency_cents"),
        Column("source", Text, nullable=False),
        Column("reverses", String(120), nullable=False, default=""),
        Column("notification_id", BigInteger, nullable=False),
        Index(f"ix_{name}_client", "client_id", "booked_on"),
    )


def _portfolio(metadata: MetaData, suffix: str) -> Table:
    return Table(
        f"fc_portfolio{suffix}",
        metadata,
        Column("client_id", String(32), primary_key=True),
        Column("month", String(7), primary_key=True),
        Column("metric", String(40), primary_key=True),
        Column("value", BigInteger, nullable=False),
    )
