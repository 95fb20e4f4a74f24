"""The rate tables: loading, checking every row, and lookups by date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from faircasso.domain.errors import NoRateInForceError, PolicyTableError
from faircasso.policies.tables import (
    SPECS,
    Table,
    default_tables,
    load_table,
    parse_table,
)

HEADER = "effective_from,effective_to,rate,source,confirmed\n"
GOOD_ROWS = (
    "2024-01-01,2024-06-30,0.07,S38,yes\n"
    "2024-07-01,2024-12-31,0.07,S41,yes\n"
    "2025-01-01,,0.06,S45,no\n"
)


def consumer_table(rows: str) -> Table:
    return parse_table("interest_consumer", HEADER + rows, "rates.csv")


def test_every_shipped_table_loads_and_passes_its_checks() -> None:
    names = list(SPECS)

    tables = [load_table(name) for name in names]

    assert [table.name for table in tables] == names
    assert all(table.rows for table in tables)


def test_rate_on_finds_the_row_in_force_on_the_day() -> None:
    table = parse_table("interest_consumer", HEADER + GOOD_ROWS, "rates.csv")

    row = table.rate_on(date(2024, 12, 31))

    assert row.values["rate"] == "0.07"
    assert row.effective_from == date(2024, 7, 1)


def test_rate_on_refuses_a_day_before_the_first_row() -> None:
    table = parse_table("interest_consumer", HEADER + GOOD_ROWS, "rates.csv")

    with pytest.raises(NoRateInForceError) as caught:
        table.rate_on(date(2023, 12, 31))

    assert str(caught.value) == (
        "Table 'interest_consumer' has no entry in force on 2023-12-31; load a "
        "table that covers that date."
    )


def test_a_closed_last_row_ends_the_table() -> None:
    rows = "2024-01-01,2024-06-30,0.07,S38,yes\n"
    table = parse_table("interest_consumer", HEADER + rows, "rates.csv")

    with pytest.raises(NoRateInForceError):
        table.rate_on(date(2024, 7, 1))


def test_periods_are_split_where_a_new_row_comes_into_force() -> None:
    table = parse_table("interest_consumer", HEADER + GOOD_ROWS, "rates.csv")

    periods = table.periods(date(2024, 6, 1), date(2025, 2, 1))

    assert [(p.start, p.end, p.days) for p in periods] == [
        (date(2024, 6, 1), date(2024, 7, 1), 30),
        (date(2024, 7, 1), date(2025, 1, 1), 184),
        (date(2025, 1, 1), date(2025, 2, 1), 31),
    ]


def test_unsorted_rows_are_refused_naming_file_and_row() -> None:
    rows = "2024-07-01,2024-12-31,0.07,S41,yes\n2024-01-01,2024-06-30,0.07,S38,yes\n"

    with pytest.raises(PolicyTableError) as caught:
        consumer_table(rows)

    assert str(caught.value) == (
        "Rate table rates.csv, row 3: effective_from 2024-01-01 comes before "
        "2024-07-01 on row 2; sort the rows by effective_from."
    )


def test_two_periods_starting_on_one_day_are_refused() -> None:
    header = "effective_from,rate,source,confirmed\n"
    rows = "2012-10-01,0.21,S66,yes\n2012-10-01,0.19,S66,yes\n"

    with pytest.raises(PolicyTableError) as caught:
        parse_table("vat_general", header + rows, "vat.csv")

    assert str(caught.value) == (
        "Rate table vat.csv, row 3: effective_from 2012-10-01 repeats row 2; two "
        "periods cannot start on the same day."
    )


def test_a_missing_half_year_is_refused_as_a_gap() -> None:
    rows = "2024-01-01,2024-06-30,0.07,S38,yes\n2025-01-01,,0.06,S45,no\n"

    with pytest.raises(PolicyTableError) as caught:
        consumer_table(rows)

    assert str(caught.value) == (
        "Rate table rates.csv, row 3: gap: row 2 ends on 2024-06-30 but this row "
        "starts on 2025-01-01; add the missing period."
    )


def test_overlapping_periods_are_refused() -> None:
    rows = "2024-01-01,2024-09-30,0.07,S38,yes\n2024-07-01,,0.07,S41,yes\n"

    with pytest.raises(PolicyTableError) as caught:
        consumer_table(rows)

    assert str(caught.value) == (
        "Rate table rates.csv, row 3: overlap: row 2 runs until 2024-09-30, past "
        "this row's start on 2024-07-01."
    )


def test_an_open_row_followed_by_another_is_refused() -> None:
    rows = "2024-01-01,,0.07,S38,yes\n2024-07-01,,0.07,S41,yes\n"

    with pytest.raises(PolicyTableError) as caught:
        consumer_table(rows)

    assert str(caught.value) == (
        "Rate table rates.csv, row 2: has no effective_to but row 3 follows it; "
        "only the last row may be left open."
    )


def test_a_bad_number_is_refused_naming_file_and_row() -> None:
    rows = "2024-01-01,2024-06-30,0.07,S38,yes\n2024-07-01,,seven,S41,yes\n"

    with pytest.raises(PolicyTableError) as caught:
        consumer_table(rows)

    assert str(caught.value) == (
        "Rate table rates.csv, row 3: rate 'seven' is not a rate from 0 up to 1, "
        "such as 0.07."
    )


def test_an_amount_with_fractions_of_a_cent_is_refused() -> None:
    header = "effective_from,amount,source,confirmed\n"

    with pytest.raises(PolicyTableError) as caught:
        parse_table(
            "commercial_minimum", header + "2013-03-16,40.001,S3,yes\n", "m.csv"
        )

    assert str(caught.value) == (
        "Rate table m.csv, row 2: amount '40.001' is not an amount in euros with "
        "at most two decimals, such as 12.34."
    )


def test_a_bad_date_is_refused_naming_file_and_row() -> None:
    with pytest.raises(PolicyTableError) as caught:
        consumer_table("2024-13-01,,0.07,S38,yes\n")

    assert str(caught.value) == (
        "Rate table rates.csv, row 2: effective_from '2024-13-01' is not a date in "
        "the form YYYY-MM-DD."
    )


def test_a_confirmed_flag_other_than_yes_or_no_is_refused() -> None:
    with pytest.raises(PolicyTableError) as caught:
        consumer_table("2024-01-01,,0.07,S38,maybe\n")

    assert str(caught.value) == (
        "Rate table rates.csv, row 2: confirmed 'maybe' is not yes or no."
    )


def test_a_source_that_is_not_a_reference_key_is_refused() -> None:
    with pytest.raises(PolicyTableError) as caught:
        consumer_table("2024-01-01,,0.07,the internet,yes\n")

    assert str(caught.value) == (
        "Rate table rates.csv, row 2: source 'the internet' is not a list of "
        "reference keys such as S33;S42."
    )


def test_a_missing_column_is_refused_at_the_header() -> None:
    text = "effective_from,rate,source,confirmed\n2024-01-01,0.07,S38,yes\n"

    with pytest.raises(PolicyTableError) as caught:
        parse_table("interest_consumer", text, "rates.csv")

    assert (
        str(caught.value)
        == "Rate table rates.csv, row 1: misses column(s) effective_to."
    )


def test_a_table_without_rows_is_refused() -> None:
    with pytest.raises(PolicyTableError) as caught:
        consumer_table("")

    assert str(caught.value) == "Rate table rates.csv: has no rows; add at least one."


def test_brackets_that_leave_a_hole_are_refused() -> None:
    text = (
        "effective_from,tier_from,tier_to,rate,source,confirmed\n"
        "2012-07-01,0.00,2500.00,0.15,S1,yes\n"
        "2012-07-01,3000.00,,0.10,S1,yes\n"
    )

    with pytest.raises(PolicyTableError) as caught:
        parse_table("bik_scale", text, "bik.csv")

    assert str(caught.value) == (
        "Rate table bik.csv, row 3: tier_from 3000.00 should be 2500.00, where the "
        "bracket before it ends."
    )


def test_a_commercial_rate_must_be_the_ecb_rate_plus_eight_points() -> None:
    text = (
        "effective_from,effective_to,ecb_rate,rate,source,confirmed\n"
        "2025-01-01,,0.0315,0.1215,S45,yes\n"
    )

    with pytest.raises(PolicyTableError) as caught:
        parse_table("interest_commercial", text, "handelsrente.csv")

    assert str(caught.value) == (
        "Rate table handelsrente.csv, row 2: rate 0.1215 is not ecb_rate 0.0315 "
        "plus 0.08."
    )


def test_a_users_newer_table_replaces_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "interest_consumer.csv"
    path.write_text(HEADER + "2015-01-01,,0.03,S33,yes\n", encoding="utf-8")

    tables = default_tables().replace(load_table("interest_consumer", path))

    assert tables.interest_consumer.rate_on(date(2026, 6, 1)).values["rate"] == "0.03"
    assert tables.interest_consumer.source == str(path)


def test_an_unconfirmed_row_and_a_stale_row_are_named_in_caveats() -> None:
    table = default_tables().interest_consumer
    row = table.rate_on(date(2027, 3, 1))

    notes = table.caveats(row, date(2027, 3, 1))

    assert notes == (
        "interest_consumer 2026-01-01 (rate 0.04) is not confirmed by its sources",
        "interest_consumer 2026-01-01 used on 2027-03-01, after the update due "
        "every 6 months; no newer row was loaded",
    )
