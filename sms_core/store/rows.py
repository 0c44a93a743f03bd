"""The store's private converter between table rows and domain values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar, get_origin

import cattrs

from sms_core.domain import PhoneNumber

__all__ = ["from_row", "to_row"]

_T = TypeVar("_T")

_converter = cattrs.Converter()
_converter.register_structure_hook(PhoneNumber, lambda value, _: PhoneNumber(e164=value))
_converter.register_unstructure_hook(PhoneNumber, lambda number: number.e164)


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
