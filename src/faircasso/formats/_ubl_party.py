"""The parties of a UBL document: who sends the invoice and who owes it.

Dutch accounting packages fill in the parties in slightly different ways;
this module reads each field from every place Peppol BIS Billing 3.0 and
SI-UBL 2.0 allow it, and turns a customer into a
:class:`~faircasso.domain.values.Debtor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from faircasso.domain.errors import InputFileError
from faircasso.domain.values import Debtor, DebtorKind
from faircasso.formats._xmlnode import Node

KVK_SCHEME: Final = "0106"


@dataclass(frozen=True, slots=True)
class PartyInfo:
    """A supplier or customer as a UBL document describes it.

    ``kvk`` is the Dutch Chamber of Commerce number (a company id with
    scheme 0106); ``company_id`` is the legal-entity id in any scheme;
    ``endpoint_id`` is the electronic address as ``scheme:id``.
    """

    name: str
    endpoint_id: str | None = None
    kvk: str | None = None
    vat_id: str | None = None
    company_id: str | None = None
    address: str = ""
    postal_zone: str = ""
    email: str = ""
    phone: str = ""

    @property
    def is_business(self) -> bool:
        """True when the party has a company id or a VAT number.

        UBL does not say whether a customer is a consumer. A registered
        company id or a VAT number marks a business; a customer with
        neither is taken to be a consumer, which gives them the stronger
        protection when the guess is wrong.
        """
        return bool(self.company_id or self.kvk or self.vat_id)

    @property
    def key(self) -> str:
        """What identifies the party across documents, best id first.

        KvK number, then VAT number, then electronic address; a party with
        none of them (a consumer, usually) is known by name and postcode,
        compared without spaces and letter case.
        """
        if self.kvk:
            return f"kvk:{self.kvk}"
        if self.vat_id:
            return f"vat:{self.vat_id}"
        if self.endpoint_id:
            return f"endpoint:{self.endpoint_id}"
        name = " ".join(self.name.lower().split())
        zone = "".join(self.postal_zone.upper().split())
        return f"name:{name}|{zone}"

    def debtor(self) -> Debtor:
        """The party as a debtor, consumer or business by :attr:`is_business`."""
        kind = DebtorKind.BUSINESS if self.is_business else DebtorKind.CONSUMER
        return Debtor(self.name, kind, self.address, self.email, self.phone)


_ROLES: Final = {
    "cac:AccountingSupplierParty": "supplier",
    "cac:AccountingCustomerParty": "customer",
}


# Limitation: whether a customer is a consumer is a guess from its company
# id and VAT number (see PartyInfo.is_business); UBL has no field for it.
def read_party(file: str, document: Node, role: str) -> PartyInfo:
    """The party in ``role`` (``cac:AccountingSupplierParty``, ...), or an error."""
    party = document.child(role, "cac:Party")
    if party is None:
        where = document.where(role, "cac:Party")
        expected = f"the {_ROLES.get(role, role)}'s party"
        raise InputFileError(file, where, "cac:Party", None, expected)

    name = party.first_text(
        ("cac:PartyName", "cbc:Name"), ("cac:PartyLegalEntity", "cbc:RegistrationName")
    )
    if name is None:
        where = party.where("cac:PartyName", "cbc:Name")
        raise InputFileError(file, where, "cbc:Name", None, "the party's name")

    street, zone = _address(party)
    return PartyInfo(
        name=name,
        endpoint_id=_scheme_id(party.child("cbc:EndpointID")),
        kvk=_kvk(party),
        vat_id=_vat_id(party),
        company_id=party.text("cac:PartyLegalEntity", "cbc:CompanyID"),
        address=street,
        postal_zone=zone,
        email=party.text("cac:Contact", "cbc:ElectronicMail") or "",
        phone=party.text("cac:Contact", "cbc:Telephone") or "",
    )


def _scheme_id(node: Node | None) -> str | None:
    """``0106:12345678`` for an id with a scheme, the bare id without one."""
    if node is None or node.text() is None:
        return None
    scheme = node.element.get("schemeID")
    return f"{scheme}:{node.text()}" if scheme else node.text()


def _kvk(party: Node) -> str | None:
    """The KvK number, from the legal entity or from a party identification."""
    candidates = [party.child("cac:PartyLegalEntity", "cbc:CompanyID")]
    candidates += [
        ident.child("cbc:ID") for ident in party.children("cac:PartyIdentification")
    ]
    for node in candidates:
        if node is not None and node.element.get("schemeID") == KVK_SCHEME:
            return node.text()
    return None


def _vat_id(party: Node) -> str | None:
    """The company id of the party's VAT tax scheme."""
    for scheme in party.children("cac:PartyTaxScheme"):
        if scheme.text("cac:TaxScheme", "cbc:ID") == "VAT":
            return scheme.text("cbc:CompanyID")
    return None


def _address(party: Node) -> tuple[str, str]:
    """The postal address on one line, and the postcode on its own."""
    address = party.child("cac:PostalAddress")
    if address is None:
        return "", ""

    lines = [
        address.text("cbc:StreetName"),
        address.text("cbc:AdditionalStreetName"),
        *(line.text("cbc:Line") for line in address.children("cac:AddressLine")),
    ]
    zone = address.text("cbc:PostalZone") or ""
    city = " ".join(p for p in (zone, address.text("cbc:CityName")) if p)
    country = address.text("cac:Country", "cbc:IdentificationCode")
    parts = [p for p in (*lines, city) if p]
    if country and country != "NL":
        parts.append(country)
    return ", ".join(parts), zone
