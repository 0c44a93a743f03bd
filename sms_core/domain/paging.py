"""A page of a list that can grow, and the cursor that continues it."""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs

__all__ = ["Page"]

_T = TypeVar("_T")


@attrs.frozen(kw_only=True)
class Page(Generic[_T]):
    """One page of a list, in the list's order, and where the next one starts.

    Pages are keyed on the last row's place in the list (keyset paging), not on a count of
    rows, so rows stored while a caller pages on are neither repeated nor skipped: a row stored
    after the cursor's place shows on a later page, one stored before it (an earlier place
    in the order) never moves the rest.

    Attributes:
        items: The rows of this page, at most the ``limit`` asked for.
        next_cursor: Pass it back as ``cursor=`` for the next page; ``None`` on the last page.
            Opaque: it holds the last row's place and which list it belongs to, and a cursor
            of another list (or one changed by hand) is refused with
            :class:`~sms_core.exceptions.InvalidCursorError`.
    """

    items: tuple[_T, ...]
    next_cursor: str | None = None
