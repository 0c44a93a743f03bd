"""Reading an account's records for export, a chunk at a time, in constant memory.

Each reader yields the rows of one table in a stable order (the order of an index, so the
database never sorts) within a date range, as plain dicts of column values.

* On PostgreSQL the rows come from one server-side cursor (``stream_results`` and
  ``yield_per``) in one read-only transaction: one consistent snapshot, a chunk in memory at
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
from sms_core.store.schema import audit_log, messages, opt_outs

__all__ = ["CHUNK", "stream_audit", "stream_messages", "stream_opt_outs"]

#: Rows held in memory at a time.
CHUNK = 1000


def stream_messages(
    database: Database, account_id: str, since: datetime | None, until: datetime | None
) -> Iterator[dict[str, Any]]:
    """The account's messages stored in ``[since, until)``, oldest first (``created_at``, ``seq``).

    Read along ``ix_messages_account_time``.
    """
    c = messages.c
    return _stream(
        database,
        messages,
        [c.account_id == account_id, *_range(c.created_at, since, until)],
        (c.created_at, c.seq),
    )


def stream_opt_outs(
    database: Database, account_id: str, since: datetime | None, until: datetime | None
) -> Iterator[dict[str, Any]]:
    """The account's opt-outs (lifted ones too) made in ``[since, until)``, in recorded order.

    Read along ``ix_opt_outs_account``.
    """
    c = opt_outs.c
    return _stream(
        database,
        opt_outs,
        [c.account_id == account_id, *_range(c.opted_out_at, since, until)],
        (c.seq,),
    )


def stream_audit(
    database: Database, account_id: str, since: datetime | None, until: datetime | None
) -> Iterator[dict[str, Any]]:
    """The account's audit entries written in ``[since, until)``, oldest first.

    Read along ``ix_audit_log_account_id``.
    """
    c = audit_log.c
    return _stream(
        database,
        audit_log,
        [c.account_id == account_id, *_range(c.at, since, until)],
        (c.id,),
    )


def _range(
    column: sa.ColumnElement[datetime], since: datetime | None, until: datetime | None
) -> list[sa.ColumnElement[bool]]:
    found: list[sa.ColumnElement[bool]] = []
    if since is not None:
        found.append(column >= since)
    if until is not None:
        found.append(column < until)
    return found


def _stream(
    database: Database,
    table: sa.Table,
    conditions: Sequence[sa.ColumnElement[bool]],
    key: tuple[sa.ColumnElement[Any], ...],
) -> Iterator[dict[str, Any]]:
    query = table.select().where(*conditions).order_by(*key)
    if database.engine.dialect.name == "postgresql":
        yield from _cursor(database, query)
    else:
        yield from _keyset(database, query, key)


def _cursor(database: Database, query: sa.Select[Any]) -> Iterator[dict[str, Any]]:
    with database.transaction() as connection:
        streamed = connection.execution_options(stream_results=True, yield_per=CHUNK)
        for row in streamed.execute(query).mappings():
            yield dict(row)


def _keyset(
    database: Database, query: sa.Select[Any], key: tuple[sa.ColumnElement[Any], ...]
) -> Iterator[dict[str, Any]]:
    after: tuple[Any, ...] | None = None
    while True:
        page = query if after is None else query.where(_after(key, after))
        with database.transaction() as connection:
            chunk = [dict(row) for row in connection.execute(page.limit(CHUNK)).mappings()]
        yield from chunk
        if len(chunk) < CHUNK:
            return
        after = tuple(chunk[-1][column.key] for column in key)


def _after(key: tuple[sa.ColumnElement[Any], ...], last: tuple[Any, ...]) -> sa.ColumnElement[bool]:
    """Rows after ``last`` in the order of ``key`` (one column, or a time and a sequence)."""
    if len(key) == 1:
        column: sa.ColumnElement[Any] = key[0]
        later: sa.ColumnElement[bool] = column > last[0]
        return later
    (at, seq), (last_at, last_seq) = key, last
    # The range on the time lets the index seek; the OR settles ties within an instant.
    return sa.and_(at >= last_at, sa.or_(at > last_at, seq > last_seq))
