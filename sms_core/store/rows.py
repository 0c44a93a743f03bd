"""The store's private converters between table rows and domain values: the one place.

:func:`from_row` and :func:`to_row` map a row's columns; :func:`from_json` and :func:`to_json`
map the values the store keeps in JSON columns (registration forms and the carrier's reasons,
host events): times as ISO 8601, numbers as E.164, enums as their values.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar, get_origin

import cattrs
from cattrs.preconf.json import make_converter

from sms_core.domain import PhoneNumber

__all__ = ["from_json", "from_row", "to_json", "to_row"]

_T = TypeVar("_T")

_converter = cattrs.Converter()
_json = make_converter()
for _each in (_converter, _json):
    _each.register_structure_hook(PhoneNumber, lambda value, _: PhoneNumber(e164=value))
    _each.register_unstructure_hook(PhoneNumber, lambda number: number.e164)


# Permission sets are stored as sorted JSON lists.
def _is_frozenset(cls: object) -> bool:
    return cls is frozenset or get_origin(cls) is frozenset


_converter.register_unstructure_hook_func(_is_frozenset, sorted)
# JSON columns (audit snapshots) come back as plain data and stay so.
_converter.register_structure_hook_func(lambda cls: cls is object, lambda value, _: value)
# Timestamps pass through untouched: the schema's column type makes them aware UTC datetimes.
_converter.register_structure_hook(datetime, lambda value, _: value)
_converter.register_unstructure_hook(datetime, lambda value: value)


def from_row(row: Mapping[Any, Any], cls: type[_T], **extra: Any) -> _T:
    """Build a domain value from a row's columns (plus ``extra`` fields not in the row)."""
    fields = {**row, **extra}
    return _converter.structure(fields, cls)


def to_row(value: object) -> dict[str, Any]:
    """A domain value's fields as column values."""
    row: dict[str, Any] = _converter.unstructure(value)
    return row


def from_json(data: object, cls: Any) -> Any:
    """Build ``cls`` (a domain value, or a type such as ``list[RegistrationFailure]``) from JSON."""
    return _json.structure(data, cls)


def to_json(value: object) -> Any:
    """A domain value as plain JSON data, for a JSON column."""
    return _json.unstructure(value)
