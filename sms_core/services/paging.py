"""Keyset paging, the one way every list that can grow is paged.

A page ends at its last row's place in the list's order (its sort key, such as a message's
``(created_at, seq)``); the next page asks the store for the rows after that place. Unlike an
offset, the place does not move when rows are stored meanwhile, so paging on never repeats or
skips a row, and each page costs the same however deep into the list it is (the store reads it
from an index in the list's order).

The cursor handed to callers is that place, with the list it belongs to, as base64url JSON:
opaque to callers, who only pass it back. A cursor that is not text, is malformed, or belongs
to another list (another thread, candidate or filter) is refused with
:class:`~sms_core.exceptions.InvalidCursorError` before anything is read. Page sizes default
to :data:`~sms_core.inputs.PAGE_SIZE_DEFAULT` and are at most
:data:`~sms_core.inputs.PAGE_SIZE_MAX`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TypeVar, cast

import attrs

from sms_core import inputs
from sms_core.domain.paging import Page
from sms_core.exceptions import InvalidCursorError

__all__ = ["Key", "Listing", "page_size"]

#: A row's place in its list's order, compared as a tuple.
Key = tuple[datetime | int | str, ...]

_T = TypeVar("_T")
#: Longer than any cursor this module writes; a longer one is refused before decoding.
_CURSOR_LENGTH = 512


def page_size(limit: object) -> int:
    """The page size asked for: ``None`` is the default, else 1 to the maximum.

    Raises:
        InvalidFieldError: When ``limit`` is not a whole number from 1 to ``PAGE_SIZE_MAX``.
    """
    if limit is None:
        return inputs.PAGE_SIZE_DEFAULT
    return inputs.count("limit", limit, minimum=1, maximum=inputs.PAGE_SIZE_MAX, unit="rows")


@attrs.frozen(kw_only=True)
class Listing:
    """One list that can be paged: which list, of what, and the shape of its sort key.

    Attributes:
        name: The list (``"thread"``, ``"audit"``), shown in refusals.
        scope: What distinguishes this list from others of its name (the thread's numbers, the
            filter); a cursor of another scope is refused. Only a digest of it is written.
        shape: The type of each part of the sort key: ``datetime``, ``int`` or ``str``.
    """

    name: str
    scope: str = ""
    shape: tuple[type, ...]

    def start(self, cursor: object) -> Key | None:
        """The place a page starts after: ``None`` (no cursor) for the first page.

        Raises:
            InvalidCursorError: When ``cursor`` is not one a page of this list returned.
        """
        if cursor is None:
            return None
        if not isinstance(cursor, str) or not 0 < len(cursor) <= _CURSOR_LENGTH:
            raise self._refuse(cursor, "it is not a cursor")
        try:
            decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except (binascii.Error, ValueError):
            raise self._refuse(cursor, "it is not a cursor") from None
        if not isinstance(decoded, dict) or set(decoded) != {"l", "s", "k"}:
            raise self._refuse(cursor, "it is not a cursor")
        if decoded["l"] != self.name or decoded["s"] != self._digest():
            raise self._refuse(cursor, "it belongs to another list")
        return self._key(cursor, decoded["k"])

    def page(self, keyed: Sequence[tuple[Key, _T]], limit: int) -> Page[_T]:
        """A page of ``limit`` rows from up to ``limit + 1`` read (one more says one follows)."""
        items = tuple(item for _, item in keyed[:limit])
        if len(keyed) <= limit:
            return Page(items=items)
        return Page(items=items, next_cursor=self._cursor(keyed[limit - 1][0]))

    def _cursor(self, key: Key) -> str:
        parts = [part.isoformat() if isinstance(part, datetime) else part for part in key]
        body = json.dumps({"l": self.name, "s": self._digest(), "k": parts}, separators=(",", ":"))
        return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")

    def _digest(self) -> str:
        return hashlib.sha256(self.scope.encode()).hexdigest()[:16]

    def _key(self, cursor: str, parts: object) -> Key:
        if not isinstance(parts, list) or len(parts) != len(self.shape):
            raise self._refuse(cursor, "it is not a cursor")
        key = tuple(self._part(kind, part) for kind, part in zip(self.shape, parts, strict=True))
        if None in key:
            raise self._refuse(cursor, "it is not a cursor")
        return cast("Key", key)

    @staticmethod
    def _part(kind: type, part: object) -> datetime | int | str | None:
        """One part of a key as the store takes it, or ``None`` when no store value is one."""
        if kind is int and type(part) is int:
            # Key columns are 32-bit INTEGERs; PostgreSQL refuses to compare with a larger value.
            return part if -inputs.INT32_MAX - 1 <= part <= inputs.INT32_MAX else None
        if kind is str and isinstance(part, str):
            # No NUL, control or lone surrogate, which a database refuses to compare.
            return part if part.isprintable() else None
        if kind is datetime and isinstance(part, str):
            try:
                moment = datetime.fromisoformat(part)
                return moment.astimezone(UTC) if moment.tzinfo is not None else None
            except (ValueError, OverflowError):
                return None
        return None

    def _refuse(self, cursor: object, why: str) -> InvalidCursorError:
        shown = inputs.shown(cursor)
        return InvalidCursorError(
            f"cursor {shown} cannot continue the {self.name} list: {why}; pass the next_cursor "
            "of a page of the same list, or no cursor for the first page",
            cursor=shown,
        )
