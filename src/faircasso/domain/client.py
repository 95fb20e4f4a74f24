"""The client: the creditor who hands cases to the agency, and its agreement.

Cases are taken in only for a client whose agreement is recorded. A client
that is a private individual has each case assessed at intake before the
agency accepts it.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from faircasso.domain.clock import current_clock
from faircasso.domain.errors import AgreementMissingError, InvalidValueError
from faircasso.domain.values import Agreement, require_text

_NAMESPACE = uuid5(NAMESPACE_URL, "https://faircasso.nl/ids")


def client_id_for(code: str) -> UUID:
    """The client's id, the same for the same client code everywhere."""
    return uuid5(_NAMESPACE, f"client:{code}")


def case_id_for(client_id: UUID, reference: str) -> UUID:
    """The case's id from its client and the client's own case reference.

    The same case handed in twice gets the same id, so the store refuses
    the second one instead of keeping a duplicate.
    """
    return uuid5(_NAMESPACE, f"case:{client_id.hex}:{reference}")


def alias_id_for(identifier: str) -> UUID:
    """The id of the alias that maps a client identifier to its code."""
    return uuid5(_NAMESPACE, f"client-alias:{normalise_identifier(identifier)}")


_IDENTIFIER_KINDS = ("kvk", "vat", "endpoint")


def normalise_identifier(identifier: str) -> str:
    """``kvk:12345678``, ``vat:NL123456789B01`` or ``endpoint:0106:12345678``.

    Spaces are dropped and letters upper-cased after the kind, so the same
    number written two ways is one identifier.
    """
    kind, _, value = identifier.strip().partition(":")
    value = "".join(value.split()).upper()
    if kind.lower() not in _IDENTIFIER_KINDS or not value:
        raise InvalidValueError(
            "client identifier",
            identifier,
            "kvk:NUMBER, vat:NUMBER or endpoint:SCHEME:ID",
        )
    return f"{kind.lower()}:{value}"


def _recording_time() -> datetime:
    return current_clock().now()


def check_client_code(code: str) -> str:
    """Return ``code`` if it is a usable client code, else refuse it."""
    code = require_text("client code", code, max_length=40)
    if not all(ch.isalnum() or ch in "-_." for ch in code):
        raise InvalidValueError(
            "client code", code, "letters, digits, '-', '_' or '.' only"
        )
    return code


class ClientEvent(Aggregate.Event):
    """Something that happened to a client on business date ``on``."""

    on: date

    create_timestamp = staticmethod(_recording_time)

    def apply(self, client: Client) -> None:
        """Set what this event changed."""


class ClientRegistered(ClientEvent, Aggregate.Created):
    """A creditor became a client of the agency."""

    code: str
    name: str

    def apply(self, client: Client) -> None:
        client.code = self.code
        client.name = self.name
        client.agreement = None
        client.registered_on = self.on
        client.identifiers = ()


class AgreementRecorded(ClientEvent):
    """The client's signed agreement was recorded, or replaced by a new one."""

    agreement: Agreement

    def apply(self, client: Client) -> None:
        client.agreement = self.agreement


class IdentifiersRecorded(ClientEvent):
    """Identifiers by which the client's own documents name it were recorded."""

    identifiers: tuple[str, ...]

    def apply(self, client: Client) -> None:
        client.identifiers = tuple(sorted({*client.identifiers, *self.identifiers}))


class Client(Aggregate):
    """A creditor with its agreement terms."""

    code: str
    name: str
    agreement: Agreement | None
    registered_on: date
    identifiers: tuple[str, ...]

    def __init__(self) -> None:
        """State comes from the events; see the class method that makes one."""

    @classmethod
    def register(cls, *, code: str, name: str, on: date) -> Client:
        """Register a client under its own short code."""
        code = check_client_code(code)
        name = require_text("client name", name)
        return cls._create(
            ClientRegistered, id=client_id_for(code), on=on, code=code, name=name
        )

    def record_agreement(self, agreement: Agreement, on: date) -> None:
        """Record the signed agreement; a newer one applies to new cases."""
        if not isinstance(agreement, Agreement):
            raise InvalidValueError("agreement", agreement, "an Agreement")
        self.trigger_event(AgreementRecorded, on=on, agreement=agreement)

    def record_identifiers(self, identifiers: tuple[str, ...], on: date) -> None:
        """Record the KvK number, VAT number or electronic address of the client.

        Invoices the client's accounting package exports name the client
        by these; see :func:`normalise_identifier` for the accepted forms.
        """
        new = tuple(normalise_identifier(i) for i in identifiers)
        if set(new) - set(self.identifiers):
            self.trigger_event(IdentifiersRecorded, on=on, identifiers=new)

    def require_agreement(self) -> Agreement:
        """The agreement, or refuse when none is recorded."""
        if self.agreement is None:
            raise AgreementMissingError(self.code)
        return self.agreement


class AliasRegistered(Aggregate.Created):
    """A client identifier now names the client with code ``client_code``."""

    identifier: str
    client_code: str

    create_timestamp = staticmethod(_recording_time)

    def apply(self, alias: ClientAlias) -> None:
        alias.identifier = self.identifier
        alias.client_code = self.client_code


class ClientAlias(Aggregate):
    """Which client an identifier (KvK, VAT, electronic address) belongs to.

    One aggregate per identifier, so an identifier names one client only:
    a second client claiming it is refused by the store.
    """

    identifier: str
    client_code: str

    def __init__(self) -> None:
        """State comes from the event; see :meth:`register`."""

    @classmethod
    def register(cls, identifier: str, client_code: str) -> ClientAlias:
        """Let ``identifier`` name the client ``client_code``."""
        identifier = normalise_identifier(identifier)
        return cls._create(
            AliasRegistered,
            id=alias_id_for(identifier),
            identifier=identifier,
            client_code=client_code,
        )
