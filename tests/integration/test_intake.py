"""Taking in case files: CSV and JSON batches and UBL invoices, on every store.

A file is taken in whole or not at all, the same file twice changes
nothing, and with ``skip_invalid`` every rejected case is written out with
its reason. The backend-parametrised tests run on memory, SQLite and
PostgreSQL (skipped, saying so, without a server).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from faircasso import intake
from faircasso.domain.case import Case
from faircasso.domain.clock import VirtualClock
from faircasso.domain.errors import InputFileError
from faircasso.domain.imports import import_id_for
from faircasso.domain.money import Money
from faircasso.engine import Engine
from faircasso.formats import sample_path
from faircasso.intake import file_sha256, take_in
from faircasso.projections.case_status import all_cases
from faircasso.storage.bulk import BulkSaver
from file_checks import (
    BUSINESS_TERMS,
    SUPPLIER_KVK,
    TODAY,
    copy_data,
    copy_sample,
    read_rejects,
    register_sample_clients,
    stored_events,
    views_now,
    write_csv,
)
from view_checks import assert_views_equal_a_rebuild

UBL_SAMPLES = ("ubl_invoice_peppol.xml", "ubl_invoice_si_ubl.xml")


@pytest.fixture
def store(backend_url: str) -> Iterator[Engine]:
    """An engine on each backend with the sample clients, on 2 March 2026."""
    with Engine(backend_url, clock=VirtualClock(TODAY)) as engine:
        register_sample_clients(engine)
        yield engine


@pytest.fixture
def engine() -> Iterator[Engine]:
    """An engine on a memory store with the sample clients."""
    with Engine("memory://", clock=VirtualClock(TODAY)) as engine:
        register_sample_clients(engine)
        yield engine


def case_of(engine: Engine, client: str, reference: str) -> Case:
    return engine.case(engine.case_id(client, reference))


def taken_in_before(engine: Engine, path: Path) -> bool:
    """Whether the store holds an import record for the file's content."""
    import_id = import_id_for("cases", file_sha256([path]))
    return import_id in {
        n.originator_id
        for n in engine.store.recorder.select_notifications(start=1, limit=10**6)
    }


# -- batches on every backend ----------------------------------------------------


def test_the_csv_sample_is_taken_in_with_dutch_names_intact(
    store: Engine, tmp_path: Path
) -> None:
    path = copy_sample("cases.csv", tmp_path)

    (result,) = take_in(store, [path])

    assert result.summary() == f"{path}: 5 cases, 7 invoices taken in"
    assert (result.cases, result.invoices, result.rejected) == (5, 7, 0)
    assert case_of(store, "ENERGIEK", "EN-2026-0002").debtor.name == "Anouk Ĳzerman"
    assert case_of(store, "TUINWINKEL", "TW-88213").debtor.name == "Geneviève 't Hart"
    names = {s.reference: s.debtor_name for s in all_cases(store.views, TODAY)}
    assert names["EN-2026-0002"] == "Anouk Ĳzerman"
    assert names["DZ-7790"] == "Café De Gouden Leeuw V.O.F."


def test_the_invoices_of_one_case_in_a_csv_become_one_case(
    store: Engine, tmp_path: Path
) -> None:
    path = copy_sample("cases.csv", tmp_path)

    take_in(store, [path])

    case = case_of(store, "ENERGIEK", "EN-2026-0001")
    assert sorted(case.books) == ["F2025-10231", "F2025-11388"]
    assert case.principal == Money("280.70")
    assert case.debtor.name == "Zoë van den Berg"
    assert len(all_cases(store.views, TODAY)) == 5


def test_the_json_sample_is_taken_in_with_exact_amounts(
    store: Engine, tmp_path: Path
) -> None:
    path = copy_sample("cases.json", tmp_path)

    (result,) = take_in(store, [path])

    assert result.summary() == f"{path}: 3 cases, 4 invoices taken in"
    chloe = case_of(store, "ENERGIEK", "EN-2026-0014")
    assert chloe.debtor.name == "Chloë Ĳsbrandts"
    assert chloe.principal == Money("241.55")
    assert case_of(store, "TUINWINKEL", "TW-88240").debtor.name == "René 't Lam"
    business = case_of(store, "DRUKKERIJ-ZON", "DZ-7802")
    assert business.debtor.name == "Hoveniersbedrijf Ruïne & Zn."
    assert business.costs_charged.is_positive()


def test_the_same_file_twice_changes_nothing_and_says_so(
    store: Engine, tmp_path: Path
) -> None:
    path = copy_sample("cases.csv", tmp_path)
    take_in(store, [path])
    events, views = stored_events(store), views_now(store)

    (again,) = take_in(store, [path])

    assert again.summary() == (
        f"{path}: already taken in on 2026-03-02; nothing changed"
    )
    assert (again.cases, again.taken_in_before_on) == (0, TODAY)
    assert stored_events(store) == events
    assert views_now(store) == views


def test_a_renamed_copy_of_a_file_is_the_same_file(
    store: Engine, tmp_path: Path
) -> None:
    take_in(store, [copy_sample("cases.json", tmp_path)])
    events = stored_events(store)
    renamed = copy_sample("cases.json", tmp_path, as_name="resent-monday.json")

    (again,) = take_in(store, [renamed])

    assert again.summary() == (
        f"{renamed}: already taken in on 2026-03-02; nothing changed"
    )
    assert stored_events(store) == events


def test_a_file_with_one_bad_row_is_refused_whole(
    store: Engine, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        "batch.csv",
        "ENERGIEK,EN-1,Zoë van den Berg,consumer,F-1,2026-01-05,2026-01-19,10.00",
        "ENERGIEK,EN-2,Anouk Ĳzerman,consumer,F-2,2026-01-05,2026-01-19,20.00",
        "ENERGIEK,EN-3,Jan Jansen,consumer,F-3,31-01-2026,2026-02-14,30.00",
        "ENERGIEK,EN-4,Piet Pieters,consumer,F-4,2026-01-05,2026-01-19,40.00",
    )
    events, views = stored_events(store), views_now(store)

    with pytest.raises(InputFileError) as refused:
        take_in(store, [path])

    assert str(refused.value) == (
        f"{path}, line 4, field 'invoice_date': got '31-01-2026', expected a "
        "date as YYYY-MM-DD, such as 2026-01-31."
    )
    error = refused.value
    assert (error.file, error.location, error.field, error.value) == (
        str(path),
        "line 4",
        "invoice_date",
        "31-01-2026",
    )
    assert error.expected == "a date as YYYY-MM-DD, such as 2026-01-31"
    assert stored_events(store) == events
    assert views_now(store) == views
    assert not taken_in_before(store, path)


def test_with_skip_invalid_the_valid_cases_are_taken_in_and_the_rest_listed(
    store: Engine, tmp_path: Path
) -> None:
    path = copy_data("mixed.csv", tmp_path)

    (result,) = take_in(store, [path], skip_invalid=True)

    rejects = tmp_path / "mixed.csv.rejects.csv"
    assert result.summary() == (
        f"{path}: 2 cases, 2 invoices taken in; 2 rejected, see {rejects}"
    )
    taken = sorted(s.reference for s in all_cases(store.views, TODAY))
    assert taken == ["EN-2026-0201", "TW-90002"]
    rows = read_rejects(rejects)
    assert [row["location"] for row in rows] == [
        f"{path}:lines 3-5",
        f"{path}:line 7",
    ]
    assert rows[0]["reason"] == (
        f"{path}, line 4, field 'principal': got '1.234', expected an amount in "
        "whole cents (at most two decimals)."
    )
    assert rows[1]["reason"].endswith("the case already appeared earlier in the file.")
    assert "Anouk Ĳzerman" in rows[0]["raw"]


def test_with_skip_invalid_a_json_batch_lists_its_rejected_cases(
    store: Engine, tmp_path: Path
) -> None:
    path = copy_data("mixed.json", tmp_path)

    (result,) = take_in(store, [path], skip_invalid=True)

    assert (result.cases, result.invoices, result.rejected) == (2, 3, 2)
    rows = read_rejects(result.rejects_file or "")
    assert [row["location"] for row in rows] == [
        f"{path}:$.cases[1]",
        f"{path}:$.cases[3]",
    ]
    assert rows[0]["reason"] == (
        f"{path}, $.cases[1].debtor.kind, field 'kind': got 'klant', expected "
        "consumer or business."
    )


def test_a_case_reference_handed_in_before_is_refused(
    store: Engine, tmp_path: Path
) -> None:
    take_in(store, [copy_sample("cases.csv", tmp_path)])
    path = write_csv(
        tmp_path,
        "later.csv",
        "ENERGIEK,EN-9,Jan Jansen,consumer,F-9,2026-01-05,2026-01-19,10.00",
        "ENERGIEK,EN-2026-0002,Anouk Ĳzerman,consumer,F-1,2026-01-05,2026-01-19,5.00",
    )
    events = stored_events(store)

    with pytest.raises(InputFileError) as refused:
        take_in(store, [path])

    assert str(refused.value) == (
        f"{path}, line 3, field 'reference': got 'EN-2026-0002', expected a case "
        "reference client ENERGIEK has not handed in before."
    )
    assert stored_events(store) == events


def test_a_case_reference_handed_in_before_is_rejected_when_skipping(
    engine: Engine, tmp_path: Path
) -> None:
    take_in(engine, [copy_sample("cases.csv", tmp_path)])
    path = write_csv(
        tmp_path,
        "later.csv",
        "ENERGIEK,EN-9,Jan Jansen,consumer,F-9,2026-01-05,2026-01-19,10.00",
        "ENERGIEK,EN-2026-0002,Anouk Ĳzerman,consumer,F-1,2026-01-05,2026-01-19,5.00",
    )

    (result,) = take_in(engine, [path], skip_invalid=True)

    assert (result.cases, result.rejected) == (1, 1)
    (row,) = read_rejects(result.rejects_file or "")
    assert row["location"] == f"{path}:line 3"
    assert row["reason"].endswith(
        "expected a case reference client ENERGIEK has not handed in before."
    )
    assert case_of(engine, "ENERGIEK", "EN-2026-0002").principal == Money("212.75")


# -- clients and dates -----------------------------------------------------------


def test_an_unknown_client_is_refused_naming_the_file_and_row(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        "batch.csv",
        "ENERGIEK,EN-1,Jan Jansen,consumer,F-1,2026-01-05,2026-01-19,10.00",
        "ONBEKEND,X-1,Piet Pieters,consumer,F-2,2026-01-05,2026-01-19,20.00",
    )
    events = stored_events(engine)

    with pytest.raises(InputFileError) as refused:
        take_in(engine, [path])

    assert str(refused.value) == (
        f"{path}, line 3, field 'client': got 'ONBEKEND', expected a registered "
        "client with a recorded agreement (Unknown client ONBEKEND: register the "
        "client and its agreement before submitting cases.)."
    )
    assert stored_events(engine) == events


def test_a_client_without_agreement_is_refused_naming_the_file_and_row(
    engine: Engine, tmp_path: Path
) -> None:
    engine.register_client("NIEUW", "Nieuw B.V.")
    path = write_csv(
        tmp_path,
        "batch.csv",
        "NIEUW,N-1,Jan Jansen,consumer,F-1,2026-01-05,2026-01-19,10.00",
    )

    with pytest.raises(InputFileError) as refused:
        take_in(engine, [path])

    assert str(refused.value) == (
        f"{path}, line 2, field 'client': got 'NIEUW', expected a registered "
        "client with a recorded agreement (Cannot take in cases for client "
        "'NIEUW': its agreement is not recorded yet; record the agreement first.)."
    )


def test_cases_of_an_unknown_client_are_rejected_when_skipping(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        "batch.csv",
        "ONBEKEND,X-1,Piet Pieters,consumer,F-2,2026-01-05,2026-01-19,20.00",
        "ENERGIEK,EN-1,Jan Jansen,consumer,F-1,2026-01-05,2026-01-19,10.00",
        "ONBEKEND,X-2,Els Els,consumer,F-3,2026-01-05,2026-01-19,30.00",
    )

    (result,) = take_in(engine, [path], skip_invalid=True)

    assert (result.cases, result.rejected) == (1, 2)
    rows = read_rejects(result.rejects_file or "")
    assert [row["location"] for row in rows] == [f"{path}:line 2", f"{path}:line 4"]
    assert rows[1]["reason"].startswith(
        f"{path}, line 4, field 'client': got 'ONBEKEND', expected a registered "
        "client with a recorded agreement"
    )


def test_a_file_that_brought_no_case_can_come_again_once_the_client_exists(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        "batch.csv",
        "NIEUW,N-1,Jan Jansen,consumer,F-1,2026-01-05,2026-01-19,10.00",
    )
    (first,) = take_in(engine, [path], skip_invalid=True)
    engine.register_client("NIEUW", "Nieuw B.V.", agreement=BUSINESS_TERMS)

    (second,) = take_in(engine, [path], skip_invalid=True)

    assert (first.cases, first.rejected) == (0, 1)
    assert (second.cases, second.rejected) == (1, 0)


def test_two_clients_may_hand_in_the_same_reference_in_one_file(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        "batch.csv",
        "ENERGIEK,2026-001,Jan Jansen,consumer,F-1,2026-01-05,2026-01-19,10.00",
        "TUINWINKEL,2026-001,Piet Pieters,consumer,W-1,2026-01-05,2026-01-19,20.00",
    )

    (result,) = take_in(engine, [path])

    assert result.cases == 2
    assert case_of(engine, "ENERGIEK", "2026-001").debtor.name == "Jan Jansen"
    assert case_of(engine, "TUINWINKEL", "2026-001").debtor.name == "Piet Pieters"


def test_an_invoice_not_yet_due_is_refused_naming_the_case(
    engine: Engine, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        "batch.csv",
        "ENERGIEK,EN-1,Jan Jansen,consumer,F-1,2026-01-05,2026-01-19,10.00",
        "ENERGIEK,EN-2,Piet Pieters,consumer,F-2,2026-02-16,2026-03-02,20.00",
    )

    with pytest.raises(InputFileError) as refused:
        take_in(engine, [path])

    assert str(refused.value) == (
        f"{path}, line 3, field 'case': got 'EN-2', expected a case that can be "
        "opened: Invoice 'F-2' is invalid: it is not past its due date 2026-03-02 "
        "on 2026-03-02; only unpaid invoices past their due date are handed in."
    )


def test_a_bank_statement_is_not_taken_in_as_cases(
    engine: Engine, tmp_path: Path
) -> None:
    path = copy_sample("camt053_v08.xml", tmp_path)

    with pytest.raises(InputFileError) as refused:
        take_in(engine, [path])

    assert str(refused.value) == (
        f"{path}, file, field 'format': got 'camt053', expected a case batch (CSV "
        "or JSON) or UBL invoices; bank statements go to 'faircasso payments'."
    )


# -- chunks and crashes ----------------------------------------------------------


def many_cases(folder: Path, count: int) -> Path:
    rows = [
        f"ENERGIEK,EN-{n:04d},Klant {n},consumer,F-{n},2026-01-05,2026-01-19,1{n}.00"
        for n in range(count)
    ]
    return write_csv(folder, "many.csv", *rows)


def raise_on_call(number: int, real: Callable[..., Any]) -> Callable[..., Any]:
    """``real``, except that call ``number`` raises as a crash would."""
    calls = {"n": 0}

    def crashing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == number:
            raise RuntimeError(f"crash on call {number}")
        return real(*args, **kwargs)

    return crashing


def test_a_file_of_several_chunks_keeps_the_views_equal_to_a_rebuild(
    store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "CHUNK", 3)
    path = many_cases(tmp_path, 10)

    (result,) = take_in(store, [path])

    assert result.cases == 10
    assert len(all_cases(store.views, TODAY)) == 10
    assert_views_equal_a_rebuild(store.views)


def test_a_crash_opening_a_case_mid_batch_leaves_nothing_written(
    store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "CHUNK", 3)
    path = many_cases(tmp_path, 10)
    events, views = stored_events(store), views_now(store)
    monkeypatch.setattr(Case, "open", raise_on_call(8, Case.open))

    with pytest.raises(RuntimeError, match="crash on call 8"):
        take_in(store, [path])

    assert stored_events(store) == events
    assert views_now(store) == views
    assert not taken_in_before(store, path)


def test_a_crash_writing_a_chunk_leaves_nothing_written_and_the_file_can_come_again(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake, "CHUNK", 3)
    path = many_cases(tmp_path, 10)
    events, views = stored_events(engine), views_now(engine)
    monkeypatch.setattr(BulkSaver, "save", raise_on_call(3, BulkSaver.save))
    with pytest.raises(RuntimeError, match="crash on call 3"):
        take_in(engine, [path])
    unchanged = (stored_events(engine), views_now(engine))
    monkeypatch.undo()

    (result,) = take_in(engine, [path])

    assert unchanged == (events, views)
    assert result.cases == 10
    assert_views_equal_a_rebuild(engine.views)


# -- UBL -------------------------------------------------------------------------


@pytest.fixture
def supplier(engine: Engine) -> Engine:
    """The memory engine with the UBL samples' supplier as client DRUKKER."""
    engine.register_client(
        "DRUKKER",
        "Drukkerij Zon B.V.",
        agreement=BUSINESS_TERMS,
        identifiers=[f"kvk:{SUPPLIER_KVK}"],
    )
    return engine


def test_peppol_and_si_ubl_invoices_of_one_debtor_become_one_case(
    store: Engine, tmp_path: Path
) -> None:
    store.register_client(
        "DRUKKER",
        "Drukkerij Zon B.V.",
        agreement=BUSINESS_TERMS,
        identifiers=[f"kvk:{SUPPLIER_KVK}"],
    )
    paths = [copy_sample(name, tmp_path) for name in UBL_SAMPLES]

    (result,) = take_in(store, paths)

    assert result.summary() == (f"{paths[0]}, {paths[1]}: 1 cases, 2 invoices taken in")
    case = case_of(store, "DRUKKER", "2026-0103")
    assert sorted(case.books) == ["2026-0103", "2026-0118"]
    assert case.principal == Money("1512.50")
    assert case.debtor.name == "Bakkerij Van 't Hoff B.V."
    assert case.debtor.kind.value == "business"


def ubl_copy(source: str, folder: Path, amount: str, old_amount: str) -> Path:
    """A sample invoice with another payable amount."""
    text = Path(sample_path(source)).read_text("utf-8")
    path = folder / source
    path.write_text(text.replace(old_amount, amount), "utf-8")
    return path


def test_costs_of_a_debtor_s_invoices_are_computed_on_their_sum(
    supplier: Engine, tmp_path: Path
) -> None:
    # 15% of 100.00 is below the 40.00 minimum: per invoice the costs would
    # be 80.00, on the sum of 200.00 they are 40.00.
    paths = [
        ubl_copy("ubl_invoice_peppol.xml", tmp_path, "100.00", "1210.00"),
        ubl_copy("ubl_invoice_si_ubl.xml", tmp_path, "100.00", "302.50"),
    ]

    take_in(supplier, paths)

    case = case_of(supplier, "DRUKKER", "2026-0103")
    assert case.state == "amicable.new"
    assert case.costs_charged == Money("40.00")
    assert [b.costs_open for b in case.books.values()] == [Money("20.00")] * 2


def test_a_credit_note_reduces_the_invoice_it_refers_to(
    supplier: Engine, tmp_path: Path
) -> None:
    paths = [
        copy_sample(name, tmp_path) for name in (*UBL_SAMPLES, "ubl_credit_note.xml")
    ]

    (result,) = take_in(supplier, paths)

    case = case_of(supplier, "DRUKKER", "2026-0103")
    assert result.invoices == 2
    assert case.books["2026-0103"].invoice.principal == Money("1028.50")
    assert case.principal == Money("1331.00")


def test_an_unmatched_supplier_is_refused(engine: Engine, tmp_path: Path) -> None:
    path = copy_sample("ubl_invoice_consumer.xml", tmp_path)

    with pytest.raises(InputFileError) as refused:
        take_in(engine, [path])

    assert str(refused.value) == (
        f"{path}, /Invoice/cac:AccountingSupplierParty, field 'supplier': got "
        "'Installatiebedrijf Ĳsselmonde', expected a registered client with this "
        "KvK number, VAT number or electronic address; register it with its "
        "identifiers, or pass --client."
    )


def test_an_unmatched_supplier_is_rejected_when_skipping(
    supplier: Engine, tmp_path: Path
) -> None:
    paths = [
        copy_sample(name, tmp_path)
        for name in ("ubl_invoice_consumer.xml", *UBL_SAMPLES)
    ]

    (result,) = take_in(supplier, paths, skip_invalid=True)

    assert (result.cases, result.invoices, result.rejected) == (1, 2, 1)
    (row,) = read_rejects(result.rejects_file or "")
    assert row["location"] == f"{paths[0]}:/Invoice"
    assert "got 'Installatiebedrijf Ĳsselmonde'" in row["reason"]


def test_the_client_option_overrides_matching_by_identifier(
    supplier: Engine, tmp_path: Path
) -> None:
    paths = [copy_sample(name, tmp_path) for name in UBL_SAMPLES]

    take_in(supplier, paths, client="ENERGIEK")

    case = case_of(supplier, "ENERGIEK", "2026-0103")
    assert case.client_code == "ENERGIEK"
    assert [s.client_code for s in all_cases(supplier.views, TODAY)] == ["ENERGIEK"]


def test_a_ubl_invoice_to_a_consumer_opens_a_consumer_case(
    engine: Engine, tmp_path: Path
) -> None:
    path = copy_sample("ubl_invoice_consumer.xml", tmp_path)
    engine.register_client(
        "INSTALLATIE",
        "Installatiebedrijf Ĳsselmonde",
        agreement=BUSINESS_TERMS,
        identifiers=["kvk:24345678"],
    )

    take_in(engine, [path])

    case = case_of(engine, "INSTALLATIE", "I-2026-0017")
    assert case.debtor.kind.value == "consumer"
    assert case.principal == Money("459.80")
    assert case.costs_charged.is_zero()


@pytest.mark.xfail(
    reason="Limitation: an invoice is known by its case only (docs/limitations.md)",
    strict=True,
)
def test_an_invoice_sent_again_in_another_combination_is_not_claimed_twice(
    supplier: Engine, tmp_path: Path
) -> None:
    take_in(supplier, [copy_sample(name, tmp_path) for name in UBL_SAMPLES])

    take_in(supplier, [tmp_path / "ubl_invoice_si_ubl.xml"], skip_invalid=True)

    claimed = [
        number
        for status in all_cases(supplier.views, TODAY)
        for number in supplier.case(status.case_id).books
    ]
    assert sorted(claimed) == ["2026-0103", "2026-0118"]


# -- the worker process ----------------------------------------------------------


def _events_without_times(engine: Engine) -> list[tuple[Any, ...]]:
    recorder: Any = engine.store.recorder
    found = []
    for notification in recorder.select_notifications(start=1, limit=10**6):
        event = engine.store.mapper.to_domain_event(notification)
        state = {k: v for k, v in vars(event).items() if k != "timestamp"}
        found.append((notification.topic, sorted(state.items(), key=str)))
    return found


def test_opening_cases_in_a_worker_process_writes_what_one_process_writes(
    tmp_path: Path,
) -> None:
    batch = copy_sample("cases.csv", tmp_path)
    results = []
    for workers in (False, True):
        with Engine("memory://", clock=VirtualClock(TODAY)) as engine:
            register_sample_clients(engine)
            result = take_in(engine, [batch], workers=workers)[0]
            results.append(
                (result.cases, _events_without_times(engine), views_now(engine)[1])
            )

    alone, with_worker = results

    assert alone[0] == with_worker[0] == 5
    assert with_worker[1] == alone[1]
    assert with_worker[2] == alone[2]


def test_a_case_refused_in_the_worker_refuses_the_whole_file(tmp_path: Path) -> None:
    batch = write_csv(
        tmp_path,
        "batch.csv",
        "ENERGIEK,W-1,Zoë Berg,consumer,F-1,2026-01-01,2026-01-15,100.00",
        "ENERGIEK,W-2,Anouk Bakker,consumer,F-2,2026-02-01,2026-12-15,50.00",
    )
    with Engine("memory://", clock=VirtualClock(TODAY)) as engine:
        register_sample_clients(engine)
        before = stored_events(engine)

        with pytest.raises(InputFileError) as refused:
            take_in(engine, [batch], workers=True)

        assert stored_events(engine) == before
    assert "field 'case': got 'W-2'" in str(refused.value)
    assert "it is not past its due date 2026-12-15" in str(refused.value)


def test_a_case_refused_in_the_worker_is_rejected_when_skipping(tmp_path: Path) -> None:
    batch = write_csv(
        tmp_path,
        "batch.csv",
        "ENERGIEK,W-1,Zoë Berg,consumer,F-1,2026-01-01,2026-01-15,100.00",
        "ENERGIEK,W-2,Anouk Bakker,consumer,F-2,2026-02-01,2026-12-15,50.00",
    )
    with Engine("memory://", clock=VirtualClock(TODAY)) as engine:
        register_sample_clients(engine)

        result = take_in(engine, [batch], workers=True, skip_invalid=True)[0]

        names = [s.debtor_name for s in all_cases(engine.views, TODAY)]
    assert (result.cases, result.rejected) == (1, 1)
    assert names == ["Zoë Berg"]
    assert "W-2" in read_rejects(result.rejects_file or "")[0]["reason"]
