"""Reading an account's records for export, a chunk at a time, in constant memory.

Each reader yields the rows of one table in a stable order (the order of an index, so the
database never sorts) within a date range, as plain dicts of column values.

* On PostgreSQL the rows come from one server-side cursor (``stream_results`` and
  ``yield_per``) in one transaction that only reads: one consistent snapshot, a chunk in memory at
  a time, and writers are not held up (readers never block them there).
* On SQLite every transaction takes the write lock at ``BEGIN`` (see :mod:`.engine`), so one
  long transaction would stop every send for the length of the export. Rows are read instead
  in chunks of keyset pages, each in its own short transaction: writers get their turn between
  chunks, and a row stored meanwhile is read at most once (the key only grows).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from sms_core.store.database import Database
from sms_core.store.schema import audit_log, consent_records, messages, opt_outs

__all__ = [
    "CHUNK",
    "Listing",
    "audit_listing",
    "consent_listing",
    "messages_listing",
    "opt_outs_listing",
    "read_chunk",
    "stream_audit",
    "stream_consent",
    "stream_messages",
    "stream_opt_outs",
]

#: Rows held in memory at a time.
CHUNK = 1000


#: A listing to stream: its query (in its order) and the columns of its order (the keyset).
Listing = tuple["sa.Select[Any]", tuple["sa.ColumnElement[Any]", ...]]


def stream_messages(
    database: Database, account_id: str, since: datetime | None, until: datetime | None
) -> Iterator[dict[str, Any]]:
    """The account's messages stored in ``[since, until)``, oldest first (``created_at``, ``seq``).

    Read along ``ix_messages_account_time``.
    """
    return _stream(database, messages_listing(account_id, since, until))


def stream_opt_outs(
    database: Database, account_id: str, since: datetime | None, until: datetime | None
) -> Iterator[dict[str, Any]]:
    """The account's opt-outs (lifted ones too) made in ``[since, until)``, in recorded order.

    Read along ``ix_opt_outs_account``.
    """
    return _stream(database, opt_outs_listing(account_id, since, until))


def stream_audit(
    database: Database, account_id: str, since: datetime | None, until: datetime | None
) -> Iterator[dict[str, Any]]:
    """The account's audit entries written in ``[since, until)``, oldest first.

    Read along ``ix_audit_log_account_at``.
    """
    return _stream(database, audit_listing(account_id, since, until))


def stream_consent(
    database: Database, account_id: str, since: datetime | None, until: datetime | None
) -> Iterator[dict[str, Any]]:
    """The account's consent records made in ``[since, until)``, oldest first.

    Each row also says whether the number has an opt-out in force now (``opted_out``). Read
    along ``ix_consent_records_account_time``; the opt-out is looked up per row by
    ``uq_opt_outs_in_force``.
    """
    return _stream(database, consent_listing(account_id, since, until))


def messages_listing(account_id: str, since: datetime | None, until: datetime | None) -> Listing:
    """What :func:`stream_messages` reads."""
    c = messages.c
    return _listing(
        messages,
        [c.account_id == account_id, *_range(c.created_at, since, until)],
        (c.created_at, c.seq),
    )


def opt_outs_listing(account_id: str, since: datetime | None, until: datetime | None) -> Listing:
    """What :func:`stream_opt_outs` reads."""
    c = opt_outs.c
    return _listing(
        opt_outs, [c.account_id == account_id, *_range(c.opted_out_at, since, until)], (c.seq,)
    )


def audit_listing(account_id: str, since: datetime | None, until: datetime | None) -> Listing:
    """What :func:`stream_audit` reads."""
    c = audit_log.c
    # In time order, ties by id: the order of ``ix_audit_log_account_at`` (SQLite keeps the
    # rowid, ``id``, in every index), which a range on ``at`` reads without sorting.
    return _listing(
        audit_log, [c.account_id == account_id, *_range(c.at, since, until)], (c.at, c.id)
    )


def consent_listing(account_id: str, since: datetime | None, until: datetime | None) -> Listing:
    """What :func:`stream_consent` reads."""
    c = consent_records.c
    # An erased number's records hold a marker, never an opt-out's number: they read False.
    opted_out = (
        sa.exists()
        .where(
            opt_outs.c.account_id == account_id,
            opt_outs.c.number == c.number,
            opt_outs.c.lifted_at.is_(None),
        )
        .label("opted_out")
    )
    key = (c.recorded_at, c.seq)
    query = (
        sa.select(consent_records, opted_out)
        .where(c.account_id == account_id, *_range(c.recorded_at, since, until))
        .order_by(*key)
    )
    return query, key


def read_chunk(
    connection: sa.Connection, listing: Listing, after: tuple[Any, ...] | None
) -> list[dict[str, Any]]:
    """Up to :data:`CHUNK` rows of ``listing`` after the key ``after`` (SQLite's reads)."""
    query, key = listing
    if after is not None:
        query = query.where(_after(key, after))
    return [dict(row) for row in connection.execute(query.limit(CHUNK)).mappings()]


def _listing(
    table: sa.Table,
    conditions: Sequence[sa.ColumnElement[bool]],
    key: tuple[sa.ColumnElement[Any], ...],
) -> Listing:
    return table.select().where(*conditions).order_by(*key), key


def _range(
    column: sa.ColumnElement[datetime], since: datetime | None, until: datetime | None
) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = []
    if since is not None:
        found.append(column >= since)
    if until is not None:
        found.append(column < until)
    return found


def _stream(database: Database, listing: Listing) -> Iterator[dict[str, Any]]:
    if database.engine.dialect.name == "postgresql":
        yield from _cursor(database, listing[0])
    else:
        yield from _keyset(database, listing)


def _cursor(database: Database, query: sa.Select[Any]) -> Iterator[dict[str, Any]]:
    with database.transaction() as connection:
        streamed = connection.execution_options(stream_results=True, yield_per=CHUNK)
        for row in streamed.execute(query).mappings():
            yield dict(row)


def _keyset(database: Database, listing: Listing) -> Iterator[dict[str, Any]]:
    after: tuple[Any, ...] | None = None
    while True:
        with database.transaction() as connection:
            chunk = read_chunk(connection, listing, after)
        yield from chunk
        if len(chunk) < CHUNK:
            return
        after = tuple(chunk[-1][str(column.key)] for column in listing[1])


def _after(key: tuple[sa.ColumnElement[Any], ...], last: tuple[Any, ...]) -> sa.ColumnElement[bool]:
    """Rows after ``last`` in the order of ``key`` (one column, or a time and a sequence)."""
    if len(key) == 1:
        column: sa.ColumnElement[Any] = key[0]
        later: sa.ColumnElement[bool] = column > last[0]
        return later
    (at, seq), (last_at, last_seq) = key, last
    # The range on the time lets the index seek; the OR settles ties within an instant.
    return sa.and_(at >= last_at, sa.or_(at > last_at, seq > last_seq))
