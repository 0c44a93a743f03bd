"""Export: an account's records for a date range, as CSV or JSON Lines, streamed.

What can be exported is a registry, :data:`RECORD_KINDS`: each :class:`RecordKind` names its
columns and a reader that streams the account's rows in a date range from the store (see
:mod:`sms_core.store.records`), so a kind of record added later is one more entry. Rows are
written as they are read, so an export of a million messages holds one chunk in memory.

Exports hold candidates' numbers and texts, so only admins export: the actor needs the host's
admin permission (``Action.MANAGE_NUMBERS``, the one that lifts opt-outs) and
``Action.VIEW_HISTORY``. Each export is written to the audit trail before the first row
leaves (who, which kind, the range and the format; never the content), so an export that fails
half-way is on the record too.

Times are written in ISO 8601, in UTC. In CSV an empty cell is ``None`` and nested values
(the audit trail's before and after) are JSON text; in JSON Lines they stay JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import IO, Any, cast

import attrs

from sms_core import inputs
from sms_core.domain import Action, AuditAction, ExportFormat, ExportSummary
from sms_core.exceptions import InvalidFieldError, InvalidInputError
from sms_core.services.context import AccountContext
from sms_core.store import Database
from sms_core.store import records as record_store

__all__ = ["RECORD_KINDS", "Export", "RecordKind"]

#: A reader of one kind: the account's rows in ``[since, until)``, in a stable order.
Reader = Callable[
    [Database, str, "datetime | None", "datetime | None"], Iterator[Mapping[str, Any]]
]


@attrs.frozen(kw_only=True)
class RecordKind:
    """One kind of record an account can export.

    Attributes:
        name: The kind's name, as the CLI's ``--kind`` takes it.
        columns: The columns written, in order (the CSV header).
        read: Streams the account's rows in a date range, each a mapping with the columns.
        dated_by: Which column the date range applies to.
    """

    name: str
    columns: tuple[str, ...]
    read: Reader
    dated_by: str


#: Every kind of record an account can export, by name.
RECORD_KINDS: Mapping[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind(
            name="messages",
            columns=(
                "id",
                "created_at",
                "updated_at",
                "direction",
                "line_id",
                "line_number",
                "candidate_number",
                "candidate_id",
                "user_id",
                "body",
                "segments",
                "keyword",
                "status",
                "provider_message_id",
                "error_code",
                "error_message",
                "failure_reason",
            ),
            read=record_store.stream_messages,
            dated_by="created_at",
        ),
        RecordKind(
            name="opt-outs",
            columns=(
                "number",
                "opted_out_at",
                "source",
                "keyword",
                "line_number",
                "lifted_at",
                "lifted_by",
                "lift_reason",
            ),
            read=record_store.stream_opt_outs,
            dated_by="opted_out_at",
        ),
        RecordKind(
            name="consent",
            columns=(
                "id",
                "recorded_at",
                "number",
                "candidate_id",
                "source",
                "recorded_by",
                "evidence",
                "line_number",
                "opted_out",
            ),
            read=record_store.stream_consent,
            dated_by="recorded_at",
        ),
        RecordKind(
            name="audit",
            columns=("id", "at", "actor_id", "action", "target", "before", "after"),
            read=record_store.stream_audit,
            dated_by="at",
        ),
    )
}


@attrs.define
class Export:
    """Writing the account's records out, for an admin."""

    _context: AccountContext
    _kinds: Mapping[str, RecordKind] = RECORD_KINDS

    def kinds(self) -> list[str]:
        """The names of the kinds of record that can be exported."""
        return list(self._kinds)

    def write(
        self,
        actor_id: str,
        kind: str,
        to: IO[str] | IO[bytes],
        *,
        format: ExportFormat | str = ExportFormat.CSV,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> ExportSummary:
        """Write the account's records of ``kind`` stored in ``[since, until)`` to ``to``.

        Rows are read from the database a chunk at a time and written as they come, oldest
        first; the stream is flushed, not closed.

        Args:
            actor_id: The admin exporting.
            kind: One of :meth:`kinds` (``"messages"``, ``"opt-outs"``, ``"consent"``,
                ``"audit"``). A consent record's ``opted_out`` says whether its number has
                an opt-out in force at the time of the export.
            to: A text stream (opened with ``newline=""`` for CSV) or a binary one (written
                as UTF-8).
            format: ``"csv"`` or ``"jsonl"``.
            since: The first moment included (an aware datetime); ``None`` from the start.
            until: The moment the range ends, excluded; ``None`` for no end.

        Returns:
            What was written, with the number of records.

        Raises:
            InvalidInputError: For an unknown kind or format, a naive time, or ``since`` not
                before ``until``; nothing is written or recorded.
            PermissionDeniedError: When the host does not let the actor manage numbers or
                read message history.
        """
        inputs.identifier("actor_id", actor_id)
        chosen = self._kind(kind)
        written_as = _format(format)
        _check_range(since, until)
        actor = self._context.require(actor_id, Action.MANAGE_NUMBERS)
        self._context.authorize(actor, Action.VIEW_HISTORY)
        with self._context.database.transaction() as connection:
            self._context.audit(
                connection,
                actor=actor,
                action=AuditAction.EXPORT,
                target=chosen.name,
                before=None,
                after={
                    "format": written_as.value,
                    "since": since.isoformat() if since else None,
                    "until": until.isoformat() if until else None,
                },
            )
        rows = chosen.read(self._context.database, self._context.account.id, since, until)
        with _as_text(to) as stream:
            count = _WRITERS[written_as](stream, chosen.columns, rows)
            stream.flush()
        return ExportSummary(
            kind=chosen.name, format=written_as, since=since, until=until, rows=count
        )

    def _kind(self, kind: object) -> RecordKind:
        found = self._kinds.get(kind) if isinstance(kind, str) else None
        if found is None:
            raise InvalidFieldError.refused(
                field="kind",
                value=inputs.shown(kind),
                limit=f"one of {', '.join(repr(name) for name in self._kinds)}",
            )
        return found


def _format(value: object) -> ExportFormat:
    if isinstance(value, str) and value in set(ExportFormat):
        return ExportFormat(value)
    raise InvalidFieldError.refused(
        field="format",
        value=inputs.shown(value),
        limit=f"one of {', '.join(repr(member.value) for member in ExportFormat)}",
    )


def _check_range(since: datetime | None, until: datetime | None) -> None:
    for field, moment in (("since", since), ("until", until)):
        if moment is None:
            continue
        if not isinstance(moment, datetime):
            raise InvalidFieldError.refused(
                field=field, value=inputs.shown(moment), limit="an aware datetime or None"
            )
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise InvalidInputError(
                f"{field} {moment.isoformat()} has no time zone; pass an aware datetime, "
                "such as datetime(2026, 1, 5, tzinfo=UTC)"
            )
    if since is not None and until is not None and since >= until:
        raise InvalidInputError(
            f"since {since.isoformat()} is not before until {until.isoformat()}; the range "
            "includes since and ends before until, so give a later until"
        )


@contextmanager
def _as_text(stream: IO[str] | IO[bytes]) -> Iterator[IO[str]]:
    """``stream`` as a text stream; a binary one is wrapped (UTF-8) and left open after."""
    if isinstance(stream, io.TextIOBase) or hasattr(stream, "encoding"):
        yield cast("IO[str]", stream)
        return
    wrapper = io.TextIOWrapper(cast("IO[bytes]", stream), encoding="utf-8", newline="")
    try:
        yield wrapper
    finally:
        wrapper.flush()
        wrapper.detach()  # the caller's stream stays open


def _csv(stream: IO[str], columns: tuple[str, ...], rows: Iterable[Mapping[str, Any]]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_cell(row[column]) for column in columns])
        count += 1
    return count


def _jsonl(stream: IO[str], columns: tuple[str, ...], rows: Iterable[Mapping[str, Any]]) -> int:
    count = 0
    for row in rows:
        record = {column: _json_value(row[column]) for column in columns}
        stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        stream.write("\n")
        count += 1
    return count


_WRITERS: Mapping[ExportFormat, Callable[[IO[str], tuple[str, ...], Iterable[Any]], int]] = {
    ExportFormat.CSV: _csv,
    ExportFormat.JSONL: _jsonl,
}


def _cell(value: object) -> object:
    """A CSV cell: nothing for ``None``, JSON for nested values, ISO 8601 for times."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _json_value(value)


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value
