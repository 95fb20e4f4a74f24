"""How faircasso's values are written into stored events and snapshots.

Every value type that appears in an event or in a case's state has a
transcoding here; :func:`register_all` hands them to the transcoder. Value
dataclasses are stored as the list of their field values and rebuilt
without running their checks again, so an event recorded under older rules
still loads. A field added later, at the end and with a default, loads
from older events too.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoding,
    UUIDAsHex,
)
from eventsourcing.utils import resolve_topic

from faircasso.domain import books, case_events, suspense, values
from faircasso.domain.money import Money
from faircasso.policies.interest import InterestKind, InterestState
from faircasso.policies.provenance import RuleApplication


class DateAsISO(Transcoding):
    """A date as ``"2026-12-03"``."""

    type = date
    name = "date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class MoneyAsText(Transcoding):
    """Money as ``"12.34"`` for EUR and ``"12.34 USD"`` otherwise."""

    type = Money
    name = "money"

    def encode(self, obj: Money) -> str:
        text = str(obj.amount)
        return text if obj.currency == "EUR" else f"{text} {obj.currency}"

    def decode(self, data: str) -> Money:
        # Stored amounts were whole cents when written: no need to check again.
        amount, _, currency = data.partition(" ")
        return Money._exact(Decimal(amount), currency or "EUR")


class FrozenSetAsList(Transcoding):
    """A frozenset of strings as a sorted list."""

    type = frozenset
    name = "frozenset"

    def encode(self, obj: frozenset[str]) -> list[str]:
        return sorted(obj)

    def decode(self, data: list[str]) -> frozenset[str]:
        return frozenset(data)


class EnumAsValue(Transcoding):
    """A member of a string enum as its value."""

    def __init__(self, enum_type: type[StrEnum]) -> None:
        self.type = enum_type
        self.name = f"enum:{enum_type.__name__}"

    def encode(self, obj: StrEnum) -> str:
        return obj.value

    def decode(self, data: str) -> StrEnum:
        return cast(type[StrEnum], self.type)(data)


_ABSENT = object()


class DataclassAsFields(Transcoding):
    """A frozen dataclass as the list of its field values, in field order.

    A list, not a mapping, because reading it back is then cheaper: JSON
    hands every mapping to the decoder's hook. Fields are therefore only
    ever added at the end, with a default, so older records still load;
    records written as mappings load too.
    """

    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = cls.__name__
        self._fields = [f.name for f in dataclasses.fields(cls)]
        restorers = field_restorers(cls)
        defaults = _defaults(cls)
        self._plan = [
            (name, restorers.get(name), defaults[name]) for name in self._fields
        ]

    def encode(self, obj: Any) -> list[Any]:
        return [plain(getattr(obj, name)) for name in self._fields]

    def decode(self, data: list[Any] | dict[str, Any]) -> Any:
        if isinstance(data, dict):
            data = [data.get(n, _ABSENT) for n in self._fields]
        obj: Any = object.__new__(self.type)
        setter = object.__setattr__
        given = len(data)
        for index, (name, restore, default) in enumerate(self._plan):
            value = data[index] if index < given else _ABSENT
            if value is _ABSENT:
                value = default()
            elif restore is not None and value is not None:
                value = restore(value)
            setter(obj, name, value)
        return obj


def _defaults(cls: type[Any]) -> dict[str, Callable[[], Any]]:
    found: dict[str, Callable[[], Any]] = {}
    for field in dataclasses.fields(cls):
        if field.default is not dataclasses.MISSING:
            found[field.name] = _constant(field.default)
        elif field.default_factory is not dataclasses.MISSING:
            found[field.name] = field.default_factory
        else:
            found[field.name] = _missing(cls, field.name)
    return found


def _constant(value: Any) -> Callable[[], Any]:
    def give() -> Any:
        return value

    return give


def _missing(cls: type[Any], name: str) -> Callable[[], Any]:
    def fail() -> Any:
        raise ValueError(f"Stored {cls.__name__} has no value for field {name!r}")

    return fail


_RESTORERS: dict[type[Any], dict[str, Callable[[Any], Any]]] = {}


def field_restorers(cls: type[Any]) -> dict[str, Callable[[Any], Any]]:
    """For each field of ``cls`` that JSON flattens, how to get it back.

    JSON has no tuples and writes a string enum as its plain value, so a
    field declared as a tuple comes back as a list and an enum field as a
    string; these functions turn them back into what was declared.
    """
    known = _RESTORERS.get(cls)
    if known is not None:
        return known
    restorers: dict[str, Callable[[Any], Any]] = {}
    for name, hint in typing.get_type_hints(cls).items():
        restore = _restorer(hint)
        if restore is not None:
            restorers[name] = restore
    _RESTORERS[cls] = restorers
    return restorers


def _restorer(hint: Any) -> Callable[[Any], Any] | None:
    if hint is tuple or typing.get_origin(hint) is tuple:
        items = typing.get_args(hint)
        item = _restorer(items[0]) if items else None
        return _tuple_of(item) if item is not None else _as_tuple
    candidates = typing.get_args(hint) if _is_union(hint) else (hint,)
    for candidate in candidates:
        if candidate is date:
            return _as_date
        if candidate is Money:
            return _as_money
        if isinstance(candidate, type) and issubclass(candidate, StrEnum):
            return candidate
    return None


def _as_date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _as_money(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    amount, _, currency = value.partition(" ")
    return Money._exact(Decimal(amount), currency or "EUR")


def _tuple_of(item: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def restore(value: Any) -> Any:
        return tuple(item(v) for v in value) if isinstance(value, list) else value

    return restore


def plain(value: Any) -> Any:
    """A date or an amount as the text JSON stores; anything else as it is.

    Fields declared as a date or as Money are written this way, without a
    type tag, and read back by their declaration (see :func:`field_restorers`).
    """
    kind = type(value)
    if kind is date:
        return value.isoformat()
    if kind is Money:
        text = str(value.amount)
        return text if value.currency == "EUR" else f"{text} {value.currency}"
    if kind is tuple and value and type(value[0]) in (date, Money):
        return [plain(v) for v in value]
    return value


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


def _as_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def restore_fields(obj: Any, cls: type[Any]) -> None:
    """Give the attributes of ``obj`` their declared types back, in place."""
    state = obj.__dict__
    for name, restore in field_restorers(cls).items():
        for key in (name, f"_{name}"):
            value = state.get(key)
            if value is not None:
                state[key] = restore(value)


ENUMS: tuple[type[StrEnum], ...] = (
    values.DebtorKind,
    values.BusinessCosts,
    values.Assessment,
    values.ReferralKind,
    values.ReferralOutcome,
    values.CloseReason,
    values.ContactChannel,
    books.DeadlineKind,
    InterestKind,
)

DATACLASSES: tuple[type[Any], ...] = (
    values.Invoice,
    values.Debtor,
    values.Agreement,
    books.InvoiceBook,
    books.Deadline,
    books.Instalment,
    books.Arrangement,
    case_events.CostShare,
    case_events.InterestLine,
    case_events.PaymentShare,
    case_events.PaymentRecord,
    InterestState,
    RuleApplication,
    suspense.Proposal,
)


class FastJSONTranscoder(JSONTranscoder):
    """The library's JSON transcoder, with a leaner hook for reading.

    JSON hands every object it reads to the hook; most are plain mappings,
    which this hook passes back after one lookup.
    """

    def __init__(self) -> None:
        super().__init__()
        names = self.names

        def hook(found: dict[str, Any]) -> Any:
            name = found.get("_type_")
            if name is None or len(found) != 2 or "_data_" not in found:
                return found
            return (
                names[name].decode(found["_data_"])
                if name in names
                else (self._decode_obj(found))
            )

        self.decoder = json.JSONDecoder(object_hook=hook)


class RecordLeftAsRead(Transcoding):
    """Reads a rule record back as the plain list it was written as.

    For readers that never look at the records, such as the views: it
    spares building the record and its mappings for every event read.
    """

    type = RuleApplication
    name = "RuleApplication"

    def encode(self, obj: Any) -> Any:
        raise TypeError("records are written with DataclassAsFields")

    def decode(self, data: Any) -> Any:
        return data


def reading_mapper(*, skip_records: bool = False) -> FieldRestoringMapper:
    """A mapper for reading events outside the application.

    ``skip_records`` leaves rule records as read (see :class:`RecordLeftAsRead`).
    """
    transcoder = FastJSONTranscoder()
    for builtin in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(builtin)
    register_all(transcoder)
    if skip_records:
        transcoder.names["RuleApplication"] = RecordLeftAsRead()
    return FieldRestoringMapper(transcoder=transcoder)


def register_all(transcoder: JSONTranscoder) -> None:
    """Register every faircasso value type with ``transcoder``."""
    transcoder.register(DateAsISO())
    transcoder.register(MoneyAsText())
    transcoder.register(FrozenSetAsList())
    for enum_type in ENUMS:
        transcoder.register(EnumAsValue(enum_type))
    for cls in DATACLASSES:
        transcoder.register(DataclassAsFields(cls))


class FieldRestoringMapper(Mapper[Any]):
    """A mapper that gives event fields back the types they were declared with.

    Dates and amounts in an event's own fields are written as plain text
    (see :func:`plain`) and turned back by the field's declaration.
    """

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        if isinstance(domain_event, Snapshot):
            return super().to_stored_event(domain_event)
        state = domain_event.__dict__
        plain_state = {name: plain(value) for name, value in state.items()}
        copy = object.__new__(type(domain_event))
        object.__setattr__(copy, "__dict__", plain_state)
        return super().to_stored_event(copy)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        if isinstance(event, Snapshot):
            _restore_snapshot_state(event.state, resolve_topic(event.topic))
        else:
            restore_fields(event, type(event))
        return event


def _restore_snapshot_state(state: dict[str, Any], cls: type[Any]) -> None:
    for name, restore in field_restorers(cls).items():
        value = state.get(name)
        if value is not None:
            state[name] = restore(value)
