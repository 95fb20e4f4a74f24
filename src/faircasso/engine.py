"""The engine: the one object a service, a script or the command line uses.

An :class:`Engine` is opened on a database URL. Its commands validate their
inputs, load the aggregate, let it decide, and save the new events in one
transaction, together with the read models (see
:mod:`faircasso.projections`). A save that loses a race with another
writer is retried with jittered back-off, deciding again on the fresh
state. Every command returns only after its events and views committed.

Logging: one INFO line per finished command (logger ``faircasso.engine``)
with the case id, DEBUG for retries; no personal data.
"""

from __future__ import annotations

import copy
import logging
import os
import random
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from faircasso.domain.calendar import CALENDAR_ID, Calendar
from faircasso.domain.case import Case, replay
from faircasso.domain.client import (
    Client,
    ClientAlias,
    alias_id_for,
    case_id_for,
    client_id_for,
)
from faircasso.domain.clock import Clock, SystemClock, VirtualClock, using_clock
from faircasso.domain.errors import (
    ClockError,
    ConcurrencyConflictError,
    DuplicateCaseError,
    DuplicateClientError,
    FaircassoError,
    InvalidValueError,
    UnknownCaseError,
    UnknownClientError,
)
from faircasso.domain.money import Money
from faircasso.domain.suspense import SuspenseItem, suspense_id_for
from faircasso.domain.values import (
    Agreement,
    Assessment,
    CloseReason,
    ContactChannel,
    ReferralKind,
    ReferralOutcome,
)
from faircasso.formats.references import reference_for_case
from faircasso.inputs import (
    AgreementInput,
    OpenCaseInput,
    PaymentInput,
    build,
    validate,
)
from faircasso.projections.views import Views
from faircasso.storage.schema_lock import schema_lock
from faircasso.storage.store import CACHE_SIZE, CaseStore, open_store
from faircasso.storage.urls import DEFAULT_URL, StoreURL, parse_url

logger = logging.getLogger(__name__)

URL_VARIABLE = "FAIRCASSO_DATABASE_URL"
CACHE_VARIABLE = "FAIRCASSO_CACHE_SIZE"

_A = TypeVar("_A", Case, Client, Calendar, SuspenseItem)


@dataclass(frozen=True, slots=True)
class AdvanceReport:
    """What :meth:`Engine.advance_to` did."""

    today: date
    cases: int
    deadlines_fired: int


class Engine:
    """Runs the collection workflow on one store.

    ``url`` is ``memory://``, ``sqlite:///path.db`` or
    ``postgresql+psycopg://...``; without it, the environment variable
    ``FAIRCASSO_DATABASE_URL`` is read, then ``sqlite:///faircasso.db``.
    ``clock`` overrides where time comes from; by default a store set up
    with a calendar runs on it, any other on the system clock.
    ``views="external"`` leaves the read models to a separate projection
    process (PostgreSQL). ``cache_size`` aggregates are kept in memory
    (default 10,000, or ``FAIRCASSO_CACHE_SIZE``; 0 keeps none); a kept one
    is still brought up to date from the store before each command.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        clock: Clock | None = None,
        create_tables: bool = True,
        views: str = "inline",
        max_attempts: int = 8,
        cache_size: int | None = None,
    ) -> None:
        if cache_size is None:
            cache_size = int(os.environ.get(CACHE_VARIABLE) or CACHE_SIZE)
        self.url: StoreURL = parse_url(
            url or os.environ.get(URL_VARIABLE) or DEFAULT_URL
        )
        if views not in ("inline", "external"):
            raise ValueError(f"views must be 'inline' or 'external', got {views!r}")
        with schema_lock(self.url, enabled=create_tables):
            self.store: CaseStore = open_store(
                self.url, create_tables=create_tables, cache_size=cache_size
            )
            self.views = Views(self.url, self.store, create_tables=create_tables)
        self._inline_views = views == "inline"
        if self._inline_views:
            # Start from a known catch-up position, so live updates can move
            # it on cheaply (see Views.advance_mark).
            self.views.catch_up()
        self._max_attempts = max_attempts
        self._random = random.Random()
        self.clock: Clock = clock or self._stored_clock() or SystemClock()

    # -- lifecycle of the engine -------------------------------------------------

    def close(self) -> None:
        """Release the database connections; a memory store is removed.

        With live views, the catch-up position is first moved past what
        this engine applied, so a projection process or a status report
        starts from there.
        """
        if self._inline_views and self.views.live_saves and not self.url.is_memory:
            self.views.advance_mark()
        self.views.close()
        self.store.close()
        if self.url.is_memory:
            shutil.rmtree(Path(self.url.sqlite_path).parent, ignore_errors=True)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _stored_clock(self) -> VirtualClock | None:
        try:
            calendar: Calendar = self.store.repository.get(CALENDAR_ID)
        except AggregateNotFoundError:
            return None
        return VirtualClock(calendar.today)

    def start_calendar(self, today: date) -> None:
        """Set this store to run on virtual time, starting on ``today``."""
        with using_clock(VirtualClock(today)):
            try:
                self._save(Calendar.start(today))
            except IntegrityError:
                raise ClockError(
                    today, self.today(), "this store already keeps its own calendar"
                ) from None
        self.clock = VirtualClock(today)

    @property
    def views_inline(self) -> bool:
        """True when the views change in the same transaction as the events."""
        return self._inline_views

    def today(self) -> date:
        """The current business date."""
        return self.clock.today()

    # -- clients ---------------------------------------------------------------

    def register_client(
        self,
        code: str,
        name: str,
        *,
        agreement: Agreement | AgreementInput | Mapping[str, Any] | None = None,
        identifiers: Sequence[str] = (),
        on: date | None = None,
    ) -> UUID:
        """Register a client, its agreement and identifiers; returns its id.

        ``identifiers`` (``kvk:...``, ``vat:...``, ``endpoint:...``) let
        invoices from the client's accounting package find the client.
        """
        day = on or self.today()
        with using_clock(self.clock):
            client = Client.register(code=code, name=name, on=day)
            if agreement is not None:
                client.record_agreement(self._agreement(agreement), day)
            client.record_identifiers(tuple(identifiers), day)
            aliases = [ClientAlias.register(i, client.code) for i in client.identifiers]
            self._refuse_taken_identifiers(client.identifiers)
            try:
                self._save(client, *aliases)
            except IntegrityError:
                raise DuplicateClientError(client.code) from None
        logger.info("registered client %s", client.id)
        return client.id

    def _refuse_taken_identifiers(self, identifiers: Sequence[str]) -> None:
        for identifier in identifiers:
            owner = self.client_for_identifier(identifier)
            if owner is not None:
                raise InvalidValueError(
                    "client identifier",
                    identifier,
                    f"one no other client uses; it names client {owner.code}",
                )

    def client_for_identifier(self, identifier: str) -> Client | None:
        """The client an identifier (KvK, VAT, electronic address) names."""
        try:
            alias: ClientAlias = self.store.repository.get(alias_id_for(identifier))
        except AggregateNotFoundError:
            return None
        return self.client(alias.client_code)

    def record_agreement(
        self,
        code: str,
        agreement: Agreement | AgreementInput | Mapping[str, Any],
        *,
        on: date | None = None,
    ) -> None:
        """Record (or replace) a client's agreement."""
        terms = self._agreement(agreement)
        self._run(
            client_id_for(code),
            "record agreement",
            Client,
            lambda c, d: c.record_agreement(terms, d),
            on,
        )

    @staticmethod
    def _agreement(value: Agreement | AgreementInput | Mapping[str, Any]) -> Agreement:
        if isinstance(value, Agreement):
            return value
        checked = validate("record agreement", AgreementInput, value)
        return build("record agreement", checked.to_domain)

    def client(self, code: str) -> Client:
        """The client registered under ``code``."""
        return self._load(Client, client_id_for(code), code)

    # -- cases -----------------------------------------------------------------

    def open_case(
        self, data: OpenCaseInput | Mapping[str, Any] | None = None, **fields: Any
    ) -> UUID:
        """Take in a case; returns its id.

        Pass the fields as keywords (``client``, ``reference``, ``debtor``,
        ``invoices``, optionally ``on``) or as one mapping. The same client
        reference a second time raises :class:`DuplicateCaseError`.
        """
        given = validate(
            "open case", OpenCaseInput, data if data is not None else fields
        )
        client = self.client(given.client)
        agreement = client.require_agreement()
        debtor = build("open case", given.debtor.to_domain)
        invoices = [build("open case", i.to_domain) for i in given.invoices]
        case_id = case_id_for(client.id, given.reference)
        self._refuse_duplicate(client.code, given.reference, case_id)
        day = given.on or self.today()
        with using_clock(self.clock):
            case = Case.open(
                case_id=case_id,
                client_id=client.id,
                client_code=client.code,
                agreement=agreement,
                reference=given.reference,
                debtor=debtor,
                invoices=invoices,
                payment_reference=reference_for_case(case_id, "nl"),
                on=day,
            )
            try:
                self._save(case)
            except IntegrityError:
                raise DuplicateCaseError(
                    client.code, given.reference, case_id
                ) from None
        logger.info("opened case %s in %s", case_id, case.state)
        return case_id

    def _refuse_duplicate(self, client: str, reference: str, case_id: UUID) -> None:
        try:
            self.store.repository.get(case_id)
        except AggregateNotFoundError:
            return
        raise DuplicateCaseError(client, reference, case_id)

    def case_id(self, client: str, reference: str) -> UUID:
        """The id of the case ``reference`` of client ``client``."""
        return case_id_for(client_id_for(client), reference)

    def case(self, case_id: UUID, *, version: int | None = None) -> Case:
        """The case as it is now, or after event number ``version``."""
        if version is not None:
            return self._load_version(case_id, version)
        return self._load(Case, case_id, str(case_id))

    def _load_version(self, case_id: UUID, version: int) -> Case:
        try:
            case = self.store.repository.get(
                case_id, version=version, projector_func=replay
            )
        except AggregateNotFoundError:
            raise UnknownCaseError(case_id) from None
        if not isinstance(case, Case):
            raise UnknownCaseError(case_id)
        if version < 1 or case.version < version:
            raise InvalidValueError(
                "version", version, f"1 to {case.version}, the events of case {case_id}"
            )
        return case

    def events(self, case_id: UUID) -> list[Any]:
        """Every event of a case, oldest first."""
        found = list(self.store.events.get(case_id))
        if not found:
            raise UnknownCaseError(case_id)
        return found

    # -- case commands -----------------------------------------------------------

    def accept_case(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Accept a case waiting at intake."""
        return self._case(case_id, "accept case", Case.accept, on)

    def reject_case(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Reject a case at intake."""
        return self._case(case_id, "reject case", Case.reject, on)

    def send_letter(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Record the fourteen-day letter sent."""
        return self._case(case_id, "send letter", Case.send_letter, on)

    def send_reminder(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Record a written reminder sent."""
        return self._case(case_id, "send reminder", Case.send_reminder, on)

    def record_contact(
        self,
        case_id: UUID,
        channel: ContactChannel | str,
        summary: str = "",
        *,
        on: date | None = None,
    ) -> Case:
        """Record a contact with the debtor."""
        kind = _enum(ContactChannel, channel, "contact channel")
        return self._case(
            case_id,
            "record contact",
            lambda c, d: c.record_contact(d, kind, summary),
            on,
        )

    def assess_debtor(
        self,
        case_id: UUID,
        assessment: Assessment | str,
        note: str = "",
        *,
        on: date | None = None,
    ) -> Case:
        """Record the debtor assessment."""
        value = _enum(Assessment, assessment, "assessment")
        return self._case(
            case_id, "assess debtor", lambda c, d: c.assess(d, value, note), on
        )

    def charge_collection_costs(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Charge collection costs where the law allows them now."""
        return self._case(case_id, "charge costs", Case.charge_collection_costs, on)

    def propose_arrangement(
        self,
        case_id: UUID,
        *,
        instalments: int,
        first_due: date,
        interval_months: int = 1,
        on: date | None = None,
    ) -> Case:
        """Propose an instalment plan for the balance."""
        return self._case(
            case_id,
            "propose arrangement",
            lambda c, d: c.propose_arrangement(
                d,
                instalments=instalments,
                first_due=first_due,
                interval_months=interval_months,
            ),
            on,
        )

    def agree_arrangement(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Record the debtor's agreement to the proposed plan."""
        return self._case(case_id, "agree arrangement", Case.agree_arrangement, on)

    def decline_arrangement(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Record that the debtor did not agree to the plan."""
        return self._case(case_id, "decline arrangement", Case.decline_arrangement, on)

    def record_instalment_missed(
        self, case_id: UUID, number: int, *, on: date | None = None
    ) -> Case:
        """Record a missed instalment."""
        return self._case(
            case_id,
            "record missed instalment",
            lambda c, d: c.record_instalment_missed(d, number),
            on,
        )

    def refer(
        self, case_id: UUID, kind: ReferralKind | str, *, on: date | None = None
    ) -> Case:
        """Refer the debtor to budget guidance, debt help or the Wsnp."""
        value = _enum(ReferralKind, kind, "referral kind")
        return self._case(case_id, "refer", lambda c, d: c.refer(d, value), on)

    def end_referral(
        self, case_id: UUID, outcome: ReferralOutcome | str, *, on: date | None = None
    ) -> Case:
        """Record how a referral ended."""
        value = _enum(ReferralOutcome, outcome, "referral outcome")
        return self._case(
            case_id, "end referral", lambda c, d: c.end_referral(d, value), on
        )

    def propose_legal(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Propose the legal track to the client, with an estimate."""
        return self._case(case_id, "propose legal", Case.propose_legal, on)

    def approve_legal(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Record the client's approval of the legal track."""
        return self._case(case_id, "approve legal", Case.approve_legal, on)

    def decline_legal(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Record that the client declined the legal track."""
        return self._case(case_id, "decline legal", Case.decline_legal, on)

    def record_summons_served(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Record the summons served by the bailiff."""
        return self._case(case_id, "record summons", Case.record_summons_served, on)

    def record_judgment(
        self,
        case_id: UUID,
        *,
        awarded_costs: Money | str | None = None,
        on: date | None = None,
    ) -> Case:
        """Record the judgment, with the costs the court awarded."""
        costs = None
        if awarded_costs is not None:
            costs = validate(
                "record judgment", PaymentInput, {"amount": awarded_costs}
            ).amount
        return self._case(
            case_id, "record judgment", lambda c, d: c.record_judgment(d, costs), on
        )

    def record_judgment_served(self, case_id: UUID, *, on: date | None = None) -> Case:
        """Record the judgment served on the debtor."""
        return self._case(
            case_id, "record judgment served", Case.record_judgment_served, on
        )

    def grant_court_leave(
        self,
        case_id: UUID,
        *,
        main_action_by: date | None = None,
        on: date | None = None,
    ) -> Case:
        """Record court leave for prejudgment attachment."""
        return self._case(
            case_id,
            "grant court leave",
            lambda c, d: c.grant_court_leave(d, main_action_by),
            on,
        )

    def lay_attachment(
        self, case_id: UUID, kind: str = "bank account", *, on: date | None = None
    ) -> Case:
        """Record an attachment laid by the bailiff."""
        return self._case(
            case_id, "lay attachment", lambda c, d: c.lay_attachment(d, kind), on
        )

    def withdraw(self, case_id: UUID, *, on: date | None = None) -> Case:
        """The client withdraws the case."""
        return self._case(case_id, "withdraw", Case.withdraw, on)

    def close_case(
        self, case_id: UUID, reason: CloseReason | str, *, on: date | None = None
    ) -> Case:
        """Close a case as uncollectable, time-barred or paid."""
        value = _enum(CloseReason, reason, "close reason")
        return self._case(case_id, "close case", lambda c, d: c.close(d, value), on)

    def record_payment(
        self,
        case_id: UUID,
        amount: Money | str | int,
        *,
        on: date | None = None,
        payment_id: str | None = None,
        designated_invoice: str | None = None,
        source: str = "",
    ) -> bool:
        """Record money received for a case, in any phase.

        ``payment_id`` makes it idempotent: the same id twice records once
        (the second call returns False). Without one, each call is new.
        """
        given = validate(
            "record payment",
            PaymentInput,
            {
                "amount": amount,
                "on": on,
                "payment_id": payment_id,
                "designated_invoice": designated_invoice,
                "source": source,
            },
        )
        pid = given.payment_id or f"manual:{self._random.getrandbits(64):016x}"
        recorded: list[bool] = []
        self._case(
            case_id,
            "record payment",
            lambda c, d: recorded.append(
                c.record_payment(
                    d,
                    given.amount,
                    payment_id=pid,
                    designated_invoice=given.designated_invoice,
                    source=given.source,
                )
            ),
            given.on,
        )
        return recorded[-1]

    # -- suspense ----------------------------------------------------------------

    def assign_suspense(
        self, entry_id: str, case_id: UUID, *, on: date | None = None
    ) -> Case:
        """Book money held in suspense on the case staff found it belongs to."""
        with using_clock(self.clock):
            for attempt in range(1, self._max_attempts + 1):
                item = self._load(SuspenseItem, suspense_id_for(entry_id), entry_id)
                case = self.case(case_id)
                item.assign(case_id, on or self.today())
                case.record_payment(
                    item.booked_on,
                    item.amount,
                    payment_id=item.entry_id,
                    source=item.source,
                    bank_reference=item.bank_reference,
                )
                try:
                    self._save(item, case)
                except IntegrityError:
                    self._back_off("assign suspense", case_id, attempt)
                    continue
                logger.info("assigned held money to case %s", case_id)
                return case
        raise ConcurrencyConflictError(str(case_id), self._max_attempts)

    def save_together(self, *aggregates: Any) -> None:
        """Save the new events of several aggregates in one transaction.

        Raises ``eventsourcing.persistence.IntegrityError`` when another
        writer changed one of them meanwhile; nothing is saved then.
        """
        changed = [a for a in aggregates if a.pending_events]
        if changed:
            with using_clock(self.clock):
                self._save(*changed)

    # -- time ------------------------------------------------------------------

    def advance_to(self, day: date) -> AdvanceReport:
        """Move the business date to ``day`` and fire every deadline due.

        Each deadline fires exactly once, also when this is called twice
        or by two processes at the same time: firing is an event of its
        case, and a second writer finds it already fired.
        """
        self._move_clock(day)
        due = self.views.cases_with_deadlines_due(day)
        fired = sum(self._fire_deadlines(case_id, day) for case_id in due)
        logger.info("advanced to %s: %d deadlines on %d cases", day, fired, len(due))
        return AdvanceReport(today=day, cases=len(due), deadlines_fired=fired)

    def _fire_deadlines(self, case_id: UUID, day: date) -> int:
        counts: list[int] = []
        self._case(
            case_id,
            "fire deadlines",
            lambda c, d: counts.append(c.fire_deadlines(d)),
            day,
        )
        # A save that lost a race is decided again: only the last count holds.
        return counts[-1]

    def _move_clock(self, day: date) -> None:
        clock = self.clock
        if isinstance(clock, VirtualClock):
            clock.move_to(day)
            if self._stored_clock() is not None:
                self._run(
                    CALENDAR_ID,
                    "advance calendar",
                    Calendar,
                    lambda c, d: c.advance(d),
                    day,
                )
        elif day > clock.today():
            raise ClockError(
                day,
                clock.today(),
                "the system clock cannot be moved; open the store with a "
                "virtual clock or a calendar to run ahead",
            )

    # -- running commands ------------------------------------------------------------

    def _case(
        self,
        case_id: UUID,
        name: str,
        action: Callable[[Case, date], Any],
        on: date | None,
    ) -> Case:
        return self._run(case_id, name, Case, action, on)

    def _run(
        self,
        aggregate_id: UUID,
        name: str,
        kind: type[_A],
        action: Callable[[_A, date], Any],
        on: date | None,
    ) -> _A:
        with using_clock(self.clock):
            day = on or self.today()
            for attempt in range(1, self._max_attempts + 1):
                # The first attempt decides on the copy this process saved last,
                # without asking the store for newer events: if another writer
                # changed the aggregate meanwhile, the save conflicts, or the
                # decision is refused, and the next attempt reads it afresh.
                fresh = attempt > 1
                aggregate = self._load(kind, aggregate_id, str(aggregate_id), fresh)
                try:
                    action(aggregate, day)
                except FaircassoError:
                    if fresh:
                        raise
                    continue
                if not aggregate.pending_events:
                    return aggregate
                try:
                    self._save(aggregate)
                except IntegrityError:
                    self._back_off(name, aggregate_id, attempt)
                    continue
                logger.info("%s on %s", name, aggregate_id)
                return aggregate
        raise ConcurrencyConflictError(str(aggregate_id), self._max_attempts)

    def _back_off(self, name: str, aggregate_id: UUID, attempt: int) -> None:
        logger.debug("%s on %s lost a race (attempt %d)", name, aggregate_id, attempt)
        time.sleep(self._random.uniform(0, 0.005 * 2**attempt))

    def _load(
        self, kind: type[_A], aggregate_id: UUID, label: str, fresh: bool = True
    ) -> _A:
        cache = self.store.repository.cache
        if not fresh and cache is not None:
            try:
                cached = cache.get(aggregate_id)
            except KeyError:
                cached = None
            if isinstance(cached, kind):
                return copy.deepcopy(cached)
        aggregate = self.store.load(aggregate_id)
        if not isinstance(aggregate, kind):
            if kind is Client:
                raise UnknownClientError(label)
            if kind is SuspenseItem:
                raise InvalidValueError(
                    "suspense entry", label, "an entry held in suspense"
                )
            raise UnknownCaseError(label)
        return aggregate

    def _save(self, *aggregates: Any) -> None:
        events = [e for a in aggregates for e in a.pending_events]
        hook = self.views.after_insert(events) if self._inline_views else None
        try:
            self.store.save(*aggregates, after_insert=hook)
        except BaseException:
            self.views.rolled_back()
            raise
        self.views.committed()
        if hook is not None and self.views.note_save():
            self.views.advance_mark()
        # The saved state is the newest one: keep a copy, so the next command
        # on the same aggregate only asks the store for events newer than it.
        cache = self.store.repository.cache
        if cache is not None:
            for aggregate in aggregates:
                cache.put(aggregate.id, copy.deepcopy(aggregate))


_E = TypeVar(
    "_E", ContactChannel, Assessment, ReferralKind, ReferralOutcome, CloseReason
)


def _enum(kind: type[_E], value: _E | str, field: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidValueError(field, value, f"one of {allowed}") from None
