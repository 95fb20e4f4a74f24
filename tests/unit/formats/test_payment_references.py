"""Payment references: ISO 11649 RF references and Dutch 16-digit ones."""

from __future__ import annotations

import string
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faircasso.domain.errors import InvalidValueError
from faircasso.formats.references import (
    is_valid_dutch_payment_reference,
    is_valid_iban,
    is_valid_rf,
    make_dutch_payment_reference,
    make_rf_reference,
    normalise_reference,
    reference_for_case,
)
from strategies import payment_numbers, rf_bodies

CASE_ID = UUID("6f1c2a9e-8d4b-4c1e-9a57-3b2f0d7e4c18")


def _replace(text: str, position: int, char: str) -> str:
    return text[:position] + char + text[position + 1 :]


# -- ISO 11649 ---------------------------------------------------------------


def test_rf_reference_matches_the_standards_example() -> None:
    reference = make_rf_reference("539007547034")

    assert reference == "RF18539007547034"


def test_rf_reference_body_is_upper_cased_and_spaces_dropped() -> None:
    reference = make_rf_reference("en 2026 0001")

    assert reference == "RF78EN20260001"


def test_printed_rf_reference_with_spaces_and_lower_case_is_valid() -> None:
    valid = is_valid_rf("rf18 5390 0754 7034")

    assert valid


@pytest.mark.parametrize(
    "reference",
    [
        "RF19539007547034",
        "RF18539007547035",
        "RX18539007547034",
        "RF18",
        "RF185390075470341234567890",
        "RF18-5390-0754-7034",
        "",
    ],
)
def test_malformed_or_miscounted_rf_references_are_invalid(reference: str) -> None:
    valid = is_valid_rf(reference)

    assert not valid


@pytest.mark.parametrize("body", ["", "ABCDEFGHIJKLMNOPQRSTUV", "EN-2026"])
def test_rf_body_must_be_1_to_21_letters_and_digits(body: str) -> None:
    with pytest.raises(InvalidValueError) as raised:
        make_rf_reference(body)

    assert str(raised.value) == (
        f"Invalid creditor reference body {body!r}: expected 1 to 21 letters "
        "A-Z and digits."
    )


@given(rf_bodies())
def test_every_made_rf_reference_validates(body: str) -> None:
    reference = make_rf_reference(body)

    assert is_valid_rf(reference)


@given(rf_bodies(), st.data())
def test_changing_a_character_for_one_of_its_kind_breaks_an_rf_reference(
    body: str, data: st.DataObject
) -> None:
    reference = make_rf_reference(body)
    position = data.draw(st.integers(2, len(reference) - 1))
    kind = string.digits if reference[position].isdigit() else string.ascii_uppercase
    other = data.draw(st.sampled_from([c for c in kind if c != reference[position]]))

    changed = _replace(reference, position, other)

    assert not is_valid_rf(changed)


def test_changing_a_digit_into_a_letter_can_slip_through_an_rf_check() -> None:
    changed = _replace("RF78EN20260001", 9, "Z")

    valid = is_valid_rf(changed)

    assert changed == "RF78EN202Z0001"
    assert valid


# -- Dutch payment reference -------------------------------------------------


def test_dutch_reference_matches_the_published_example() -> None:
    reference = make_dutch_payment_reference(56789012345)

    assert reference == "5000056789012345"


def test_printed_dutch_reference_with_spaces_is_valid() -> None:
    valid = is_valid_dutch_payment_reference("5000 0567 8901 2345")

    assert valid


@pytest.mark.parametrize(
    ("number", "expected"),
    [(19, "0000000000000019"), (5, "1000000000000005"), ("42", "2000000000000042")],
)
def test_check_digits_eleven_and_ten_are_written_as_0_and_1(
    number: int | str, expected: str
) -> None:
    reference = make_dutch_payment_reference(number)

    assert reference == expected


@pytest.mark.parametrize(
    "reference",
    ["4000056789012345", "500005678901234", "50000567890123456", "5000O56789012345"],
)
def test_wrong_or_misshapen_dutch_references_are_invalid(reference: str) -> None:
    valid = is_valid_dutch_payment_reference(reference)

    assert not valid


@pytest.mark.parametrize("number", [10**15, -1, "12a", True, "１２"])
def test_dutch_reference_takes_at_most_15_digits(number: object) -> None:
    with pytest.raises(InvalidValueError) as raised:
        make_dutch_payment_reference(number)  # type: ignore[arg-type]

    assert str(raised.value) == (
        f"Invalid payment reference number {number!r}: expected a whole number "
        "of at most 15 digits."
    )


@given(payment_numbers())
def test_every_made_dutch_reference_validates(number: int) -> None:
    reference = make_dutch_payment_reference(number)

    assert len(reference) == 16
    assert is_valid_dutch_payment_reference(reference)


@given(payment_numbers(), st.integers(0, 15), st.integers(1, 9))
def test_changing_one_digit_breaks_a_dutch_reference_unless_its_check_digit_is_1(
    number: int, position: int, step: int
) -> None:
    reference = make_dutch_payment_reference(number)
    other = str((int(reference[position]) + step) % 10)

    changed = _replace(reference, position, other)

    assert not is_valid_dutch_payment_reference(changed) or reference[0] == "1"


def test_remainders_1_and_10_share_check_digit_1_so_a_change_can_slip_through() -> None:
    changed = _replace("1000000000000005", 1, "9")

    valid = is_valid_dutch_payment_reference(changed)

    assert valid


# -- references for cases, IBANs, normalising --------------------------------


@pytest.mark.parametrize(
    ("scheme", "expected"), [("rf", "RF56WS1KR6JXE6JQP5DY"), ("nl", "6498251889790342")]
)
def test_a_case_reference_is_the_same_every_time(scheme: str, expected: str) -> None:
    first = reference_for_case(CASE_ID, scheme)  # type: ignore[arg-type]

    again = reference_for_case(CASE_ID, scheme)  # type: ignore[arg-type]

    assert first == again == expected


def test_case_references_are_valid_and_differ_between_cases() -> None:
    cases = [uuid4() for _ in range(200)]

    rf = {reference_for_case(case_id, "rf") for case_id in cases}
    nl = {reference_for_case(case_id, "nl") for case_id in cases}

    assert len(rf) == len(nl) == 200
    assert all(is_valid_rf(reference) for reference in rf)
    assert all(is_valid_dutch_payment_reference(reference) for reference in nl)


def test_an_unknown_reference_scheme_is_refused() -> None:
    with pytest.raises(InvalidValueError) as raised:
        reference_for_case(CASE_ID, "ogm")  # type: ignore[arg-type]

    assert str(raised.value) == "Invalid reference scheme 'ogm': expected 'rf' or 'nl'."


def test_normalising_drops_all_whitespace_and_upper_cases() -> None:
    text = normalise_reference(" rf18 5390\t0754 7034\n")

    assert text == "RF18539007547034"


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("NL91ABNA0417164300", True),
        ("nl91 abna 0417 1643 00", True),
        ("GB82WEST12345698765432", True),
        ("NL91ABNA0417164301", False),
        ("NL91ABNA04171643", False),
        ("91NLABNA0417164300", False),
    ],
)
def test_iban_check_digits_are_checked(iban: str, valid: bool) -> None:
    result = is_valid_iban(iban)

    assert result is valid
