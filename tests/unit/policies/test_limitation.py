"""Limitation: five years (two for a consumer sale), renewed by interruptions."""

from __future__ import annotations

from datetime import date

import pytest

from faircasso.domain.errors import InvalidValueError
from faircasso.policies.limitation import is_time_barred, limitation_date


def test_a_contract_claim_is_time_barred_five_years_after_the_day_after_due() -> None:
    result = limitation_date(date(2020, 3, 15), consumer_sale=False)

    assert result.date == date(2025, 3, 16)
    assert result.period_years == 5
    assert not is_time_barred(result, date(2025, 3, 15))
    assert is_time_barred(result, date(2025, 3, 16))


def test_the_price_in_a_consumer_sale_is_time_barred_after_two_years() -> None:
    result = limitation_date(date(2023, 5, 10), consumer_sale=True)

    assert result.date == date(2025, 5, 11)
    assert "art. 7:28 BW" in result.record.legal_basis


def test_a_reminder_starts_a_new_period_from_the_next_day() -> None:
    result = limitation_date(
        date(2020, 3, 15), consumer_sale=False, interruptions=[date(2024, 1, 10)]
    )

    assert result.date == date(2029, 1, 11)
    assert result.interruptions_applied == (date(2024, 1, 10),)


def test_a_new_period_of_a_consumer_sale_is_two_years_again() -> None:
    result = limitation_date(
        date(2023, 5, 10), consumer_sale=True, interruptions=[date(2025, 1, 6)]
    )

    assert result.date == date(2027, 1, 7)


def test_each_interruption_renews_the_period_in_date_order() -> None:
    result = limitation_date(
        date(2020, 3, 15),
        consumer_sale=True,
        interruptions=[date(2023, 6, 1), date(2022, 1, 5)],
    )

    assert result.date == date(2025, 6, 2)
    assert result.interruptions_applied == (date(2022, 1, 5), date(2023, 6, 1))


def test_an_interruption_after_limitation_is_complete_comes_too_late() -> None:
    result = limitation_date(
        date(2020, 3, 15), consumer_sale=True, interruptions=[date(2022, 3, 16)]
    )

    assert result.date == date(2022, 3, 16)
    assert result.interruptions_too_late == (date(2022, 3, 16),)
    assert result.record.breakdown[-1] == (
        "2022-03-16: too late, the claim was already time-barred"
    )


def test_a_claim_due_on_a_leap_day_runs_to_the_end_of_february() -> None:
    result = limitation_date(date(2024, 2, 29), consumer_sale=False)

    assert result.date == date(2029, 3, 1)


def test_an_interruption_before_the_due_date_is_refused() -> None:
    with pytest.raises(InvalidValueError) as caught:
        limitation_date(
            date(2024, 6, 1), consumer_sale=False, interruptions=[date(2024, 5, 1)]
        )

    assert str(caught.value) == (
        "Invalid interruption '2024-05-01': expected a date on or after the due "
        "date 2024-06-01."
    )
