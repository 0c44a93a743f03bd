"""Each user's inbox: the threads inbound texts were routed to them in, and their read marks.

A thread is a line number and a candidate number (as in :mod:`.messages`). A text is routed,
in the transaction that stores it, to every user on the line that received it then
(:func:`route_text`): one ``inbox_threads`` row per user and thread, whose ``last_*`` is the
newest text routed there. The user's read mark (``read_*``, a message's place ``(created_at,
seq)``) starts just before the first text routed to them and only moves forward
(:func:`mark_read`, one conditional ``UPDATE``), so two processes marking at once leave the
later place, whatever order they commit in. A thread's unread texts are its inbound texts
after the mark, up to ``last_*``: counted from ``ix_messages_thread``, never stored, so no
counter can drift from the messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs
import sqlalchemy as sa

from sms_core.domain import Direction
from sms_core.store.dialects import insert
from sms_core.store.messages import MessageKey
from sms_core.store.schema import inbox_threads, line_users, messages

__all__ = [
    "InboxKey",
    "InboxRow",
    "mark_read",
    "route_text",
    "thread_page",
    "thread_row",
    "unread_total",
]

_t, _m = inbox_threads.c, messages.c

#: A thread's place in its user's inbox, newest first: its newest routed text's place.
InboxKey = tuple[datetime, int]


@attrs.frozen(kw_only=True)
class InboxRow:
    """One thread of a user's inbox as stored, with its unread count."""

    line_number: str
    candidate_number: str
    candidate_id: str | None
    unread: int
    #: The ``seq`` of the thread's newest message, either way (see ``messages.by_seq``);
    #: ``None`` once the thread's messages were erased.
    newest_seq: int | None


def route_text(
    connection: sa.Connection,
    account_id: str,
    message_id: str,
    *,
    line_id: str,
    user_ids: Iterable[str],
) -> None:
    """Put a just-stored inbound text in the inbox of each of ``user_ids`` (the line's users).

    A user's row for the thread is made with the mark just before this text, or moved to it
    when it is newer than the row's newest (a row never moves back to an older text).
    """
    users = list(dict.fromkeys(user_ids))
    if not users:
        return  # a line nobody is on: the text is in no inbox
    row = connection.execute(
        sa.select(
            _m.line_number, _m.candidate_number, _m.candidate_id, _m.created_at, _m.seq
        ).where(_m.account_id == account_id, _m.id == message_id)
    ).one()
    statement = insert(connection, inbox_threads)
    newer = sa.or_(
        _t.last_at < statement.excluded.last_at,
        sa.and_(
            _t.last_at == statement.excluded.last_at, _t.last_seq < statement.excluded.last_seq
        ),
    )
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["account_id", "user_id", "line_number", "candidate_number"],
            set_={
                "line_id": statement.excluded.line_id,
                "candidate_id": sa.func.coalesce(statement.excluded.candidate_id, _t.candidate_id),
                "last_at": statement.excluded.last_at,
                "last_seq": statement.excluded.last_seq,
            },
            where=newer,
        ),
        [
            {
                "account_id": account_id,
                "user_id": user_id,
                "line_number": row.line_number,
                "candidate_number": row.candidate_number,
                "line_id": line_id,
                "candidate_id": row.candidate_id,
                "last_at": row.created_at,
                "last_seq": row.seq,
                "read_at": row.created_at,
                "read_seq": row.seq - 1,
            }
            for user_id in users
        ],
    )


def mark_read(
    connection: sa.Connection,
    account_id: str,
    user_id: str,
    line_number: str,
    candidate_number: str,
    *,
    through: MessageKey | None = None,
) -> bool:
    """Move the user's read mark of a thread forward; one conditional ``UPDATE``.

    Args:
        through: The place of the newest message the user read; ``None`` for the thread's
            newest text routed to them (marking the whole thread read).

    Returns:
        Whether the mark moved (``False`` when it was there or further already, or when the
        thread is not in the user's inbox).
    """
    at: sa.ColumnElement[datetime] | datetime
    seq: sa.ColumnElement[int] | int
    at, seq = (_t.last_at, _t.last_seq) if through is None else through
    moved = connection.execute(
        inbox_threads.update()
        .where(
            _t.account_id == account_id,
            _t.user_id == user_id,
            _t.line_number == line_number,
            _t.candidate_number == candidate_number,
            sa.or_(_t.read_at < at, sa.and_(_t.read_at == at, _t.read_seq < seq)),
        )
        .values(read_at=at, read_seq=seq)
    )
    return moved.rowcount == 1


def thread_page(
    connection: sa.Connection,
    account_id: str,
    user_id: str,
    *,
    after: InboxKey | None,
    limit: int | None,
    unread_only: bool = False,
) -> list[tuple[InboxKey, InboxRow]]:
    """Up to ``limit`` of the user's threads after the place ``after``, newest first, keyed.

    Only the threads of the lines the user is on now; read backwards from
    ``ix_inbox_threads_user``, each unread count and newest message from
    ``ix_messages_thread``.
    """
    query = _rows(account_id, user_id)
    if unread_only:
        query = query.where(_has_unread())
    if after is not None:
        at, seq = after
        query = query.where(_t.last_at <= at, sa.or_(_t.last_at < at, _t.last_seq < seq))
    query = query.order_by(_t.last_at.desc(), _t.last_seq.desc())
    if limit is not None:
        query = query.limit(limit)
    return [((row.last_at, row.last_seq), _row(row)) for row in connection.execute(query)]


def thread_row(
    connection: sa.Connection,
    account_id: str,
    user_id: str,
    line_number: str,
    candidate_number: str,
) -> InboxRow | None:
    """The user's row of one thread, if the thread is in their inbox (a line they are on now)."""
    found = connection.execute(
        _rows(account_id, user_id).where(
            _t.line_number == line_number, _t.candidate_number == candidate_number
        )
    ).one_or_none()
    return None if found is None else _row(found)


def _rows(account_id: str, user_id: str) -> sa.Select[tuple[object, ...]]:
    """The user's visible rows, each with its unread count and newest message's ``seq``."""
    return sa.select(
        _t.line_number,
        _t.candidate_number,
        _t.candidate_id,
        _t.last_at,
        _t.last_seq,
        _unread(),
        _newest_seq(),
    ).where(*_visible(account_id, user_id))


def _row(row: sa.Row[tuple[object, ...]]) -> InboxRow:
    return InboxRow(
        line_number=row.line_number,
        candidate_number=row.candidate_number,
        candidate_id=row.candidate_id,
        unread=row.unread,
        newest_seq=row.newest_seq,
    )


def unread_total(connection: sa.Connection, account_id: str, user_id: str) -> int:
    """How many texts are unread in the user's threads, on the lines the user is on now."""
    per_thread = (
        sa.select(_unread()).where(*_visible(account_id, user_id), _has_unread()).subquery()
    )
    total = connection.execute(sa.select(sa.func.coalesce(sa.func.sum(per_thread.c.unread), 0)))
    return int(total.scalar_one())


def _visible(account_id: str, user_id: str) -> list[sa.ColumnElement[bool]]:
    """The user's rows on the lines the user is on now (a user sees only their lines' threads)."""
    lines_now = sa.select(line_users.c.line_id).where(
        line_users.c.account_id == account_id, line_users.c.user_id == user_id
    )
    return [_t.account_id == account_id, _t.user_id == user_id, _t.line_id.in_(lines_now)]


def _has_unread() -> sa.ColumnElement[bool]:
    """The row's newest text is after its mark."""
    return sa.or_(
        _t.read_at < _t.last_at, sa.and_(_t.read_at == _t.last_at, _t.read_seq < _t.last_seq)
    )


def _unread() -> sa.Label[int]:
    """The row's unread count: its thread's inbound texts after the mark, up to the newest."""
    count = (
        sa.select(sa.func.count())
        .where(
            _m.account_id == _t.account_id,
            _m.line_number == _t.line_number,
            _m.candidate_number == _t.candidate_number,
            # Ranges on created_at let the thread index seek; the ORs settle ties by seq.
            _m.created_at >= _t.read_at,
            _m.created_at <= _t.last_at,
            sa.or_(_m.created_at > _t.read_at, _m.seq > _t.read_seq),
            sa.or_(_m.created_at < _t.last_at, _m.seq <= _t.last_seq),
            _m.direction == Direction.INBOUND.value,
        )
        .correlate(inbox_threads)
        .scalar_subquery()
    )
    return count.label("unread")


def _newest_seq() -> sa.Label[int]:
    """The ``seq`` of the row's thread's newest message, either way (its index, backwards)."""
    newest = (
        sa.select(_m.seq)
        .where(
            _m.account_id == _t.account_id,
            _m.line_number == _t.line_number,
            _m.candidate_number == _t.candidate_number,
        )
        .order_by(_m.created_at.desc(), _m.seq.desc())
        .limit(1)
        .correlate(inbox_threads)
        .scalar_subquery()
    )
    return newest.label("newest_seq")
