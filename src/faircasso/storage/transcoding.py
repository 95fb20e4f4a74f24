"""How faircasso's values are written into stored events and snapshots.

Every value type that appears in an event or in a case's state has a
transcoding here; :func:`register_all` hands them to the transcoder. Value
dataclasses are stored as a mapping of their fields and rebuilt without
running their checks again, so an event recorded under older rules still
loads. A field added later with a default loads from older events too.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any, cast

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import (
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoding,
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
        amount, _, currency = data.partition(" ")
        return Money(amount, currency or "EUR")


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


class DataclassAsFields(Transcoding):
    """A frozen dataclass as a mapping of its fields."""

    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = cls.__name__
        self._fields = [f.name for f in dataclasses.fields(cls)]
        self._restore = field_restorers(cls)
        self._defaults = _defaults(cls)

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._fields}

    def decode(self, data: dict[str, Any]) -> Any:
        obj: Any = object.__new__(self.type)
        for name in self._fields:
            value = data[name] if name in data else self._defaults[name]()
            restore = self._restore.get(name)
            if restore is not None and value is not None:
                value = restore(value)
            object.__setattr__(obj, name, value)
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
        return _as_tuple
    candidates = typing.get_args(hint) if _is_union(hint) else (hint,)
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, StrEnum):
            return candidate
    return None


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
    """A mapper that gives event fields back the types they were declared with."""

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
