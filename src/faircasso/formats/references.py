"""Payment references: the codes a debtor quotes so a payment finds its case.

Two schemes are made and checked here:

* the ISO 11649 structured creditor reference (``RF18539007547034``): ``RF``,
  two check digits and a body of up to 21 letters and digits, checked with
  ISO 7064 mod 97-10;
* the Dutch 16-digit payment reference (*betalingskenmerk*): one check digit
  followed by 15 digits, checked with a weighted modulus 11.

Both checks catch most typing errors but not all; ``docs/formats.md`` says
which ones slip through. IBANs use the same mod 97-10 check as RF
references, so :func:`is_valid_iban` lives here too.
"""

from __future__ import annotations

import hashlib
import re
import string
from typing import Final, Literal
from uuid import UUID

from faircasso.domain.errors import InvalidValueError

ReferenceScheme = Literal["rf", "nl"]

RF_BODY_MAX: Final = 21
DUTCH_PAYLOAD_DIGITS: Final = 15

_RF_BODY = re.compile(r"[A-Z0-9]{1,21}")
_RF_REFERENCE = re.compile(r"RF[0-9]{2}[A-Z0-9]{1,21}")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_DUTCH_WEIGHTS: Final = (2, 4, 8, 5, 10, 9, 7, 3, 6, 1)
_LETTER_VALUES: Final = {c: str(i) for i, c in enumerate(string.ascii_uppercase, 10)}
_CASE_BODY_LENGTH: Final = 16
_BASE36: Final = string.digits + string.ascii_uppercase


def normalise_reference(text: str) -> str:
    """Return ``text`` without whitespace, in upper case, as references compare."""
    return "".join(text.split()).upper()


def _mod97(text: str) -> int:
    """ISO 7064 mod 97-10 over digits, with letters read as A=10 ... Z=35."""
    digits = "".join(_LETTER_VALUES.get(c, c) for c in text)
    return int(digits) % 97


def make_rf_reference(body: str) -> str:
    """Return the ISO 11649 creditor reference ``RF`` + check digits + ``body``.

    ``body`` is up to 21 letters and digits; spaces are dropped and letters
    upper-cased first.
    """
    clean = normalise_reference(body)
    if not _RF_BODY.fullmatch(clean):
        raise InvalidValueError(
            "creditor reference body", body, "1 to 21 letters A-Z and digits"
        )

    # The check digits make the body followed by "RF" and the digits
    # leave remainder 1 modulo 97.
    check = 98 - _mod97(clean + "RF00")
    return f"RF{check:02d}{clean}"


def is_valid_rf(ref: str) -> bool:
    """True when ``ref`` is a well-formed ISO 11649 reference with right digits."""
    clean = normalise_reference(ref)
    if not _RF_REFERENCE.fullmatch(clean):
        return False
    return _mod97(clean[4:] + clean[:4]) == 1


def _dutch_check_digit(payload: str) -> int:
    """The weighted modulus 11 check digit of a Dutch payment reference."""
    weighted = sum(
        int(digit) * _DUTCH_WEIGHTS[position % len(_DUTCH_WEIGHTS)]
        for position, digit in enumerate(reversed(payload))
    )
    check = 11 - weighted % 11
    return {10: 1, 11: 0}.get(check, check)


def make_dutch_payment_reference(number: int | str) -> str:
    """Return the 16-digit Dutch payment reference for ``number``.

    ``number`` is at most 15 digits; it is padded with leading zeros and the
    check digit is put in front.
    """
    payload = str(number).strip() if not isinstance(number, bool) else ""
    if not payload.isascii() or not payload.isdigit() or len(payload) > 15:
        raise InvalidValueError(
            "payment reference number", number, "a whole number of at most 15 digits"
        )

    padded = payload.zfill(DUTCH_PAYLOAD_DIGITS)
    return f"{_dutch_check_digit(padded)}{padded}"


# Limitation: only the 16-digit form is made and checked, not the shorter
# 7- and 9- to 14-digit forms with a length code.
def is_valid_dutch_payment_reference(ref: str) -> bool:
    """True when ``ref`` is 16 digits whose first digit checks the other 15.

    Spaces are ignored, so the printed form ``5000 0567 8901 2345`` passes.
    """
    clean = normalise_reference(ref)
    if len(clean) != 16 or not clean.isascii() or not clean.isdigit():
        return False
    return int(clean[0]) == _dutch_check_digit(clean[1:])


def is_valid_iban(iban: str) -> bool:
    """True when ``iban`` has the IBAN shape and passes its mod 97-10 check.

    The length per country is not checked; the checksum catches typing
    errors, not accounts that do not exist.
    """
    clean = normalise_reference(iban)
    if not _IBAN.fullmatch(clean):
        return False
    return _mod97(clean[4:] + clean[:4]) == 1


def _case_digest(case_id: UUID) -> int:
    """A number spread evenly over the case id, whatever the UUID version."""
    digest = hashlib.sha256(case_id.bytes).digest()
    return int.from_bytes(digest[:16], "big")


def _base36(number: int, length: int) -> str:
    """``number`` written in digits and capitals, exactly ``length`` long."""
    chars = []
    for _ in range(length):
        number, remainder = divmod(number, 36)
        chars.append(_BASE36[remainder])
    return "".join(reversed(chars))


def reference_for_case(case_id: UUID, scheme: ReferenceScheme) -> str:
    """The payment reference of a case, the same every time for the same id.

    ``"rf"`` gives an ISO 11649 reference with a 16-character body, ``"nl"`` a
    16-digit Dutch payment reference. Both come from a hash of the case id,
    so two cases can share a reference by chance (about one in 10**15 for
    ``"nl"``); whoever assigns references checks they are unused.
    """
    digest = _case_digest(case_id)
    if scheme == "rf":
        return make_rf_reference(_base36(digest, _CASE_BODY_LENGTH))
    if scheme == "nl":
        return make_dutch_payment_reference(digest % 10**DUTCH_PAYLOAD_DIGITS)
    raise InvalidValueError("reference scheme", scheme, "'rf' or 'nl'")
