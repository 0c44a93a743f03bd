"""Export and erasure of an account's records: the formats, and what each call did."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

import attrs

__all__ = ["ERASED_BODY", "ERASED_NUMBER", "ErasureReport", "ExportFormat", "ExportSummary"]

#: What an erased candidate number reads as: E.164 in shape, so stored rows still load, but in
#: the unassigned country code 999, so no valid number is ever equal to it or texted at it.
ERASED_NUMBER = "+999"

#: What an erased message body (or an erased candidate's free text) reads as.
ERASED_BODY = "[erased]"


class ExportFormat(StrEnum):
    """How exported records are written."""

    #: Comma-separated values with a header line; nested values as JSON text, ``None`` empty.
    CSV = "csv"
    #: JSON Lines: one JSON object per record, nested values kept as JSON.
    JSONL = "jsonl"


def _frozen_counts(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class ExportSummary:
    """What an export wrote.

    Attributes:
        kind: The record kind exported (``"messages"``, ``"opt-outs"``, ``"audit"``).
        format: How it was written.
        since: The first moment included, when the range had a start.
        until: The moment the range ended (excluded), when it had an end.
        rows: How many records were written.
    """

    kind: str
    format: ExportFormat
    since: datetime | None
    until: datetime | None
    rows: int


@attrs.frozen(kw_only=True)
class ErasureReport:
    """What an erasure changed, counted by table; nothing of the number itself.

    Attributes:
        at: When the erasure ran (the SDK's clock).
        by: The user who asked for it.
        rows: Rows changed, by table name (``messages``, ``opt_outs``, ``audit_log``,
            ``host_events``); all zero when the number had been erased already.
    """

    at: datetime
    by: str
    rows: Mapping[str, int] = attrs.field(converter=_frozen_counts)

    @property
    def total(self) -> int:
        """Every row changed."""
        return sum(self.rows.values())
