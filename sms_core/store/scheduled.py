"""Scheduled sends as stored: written when scheduled, taken by one process when due.

A due row is taken with a conditional UPDATE (:func:`claim_due`): it picks the account's oldest
row ``claimed`` under a claim that expired, or else its soonest row ``pending`` and due, and
moves it to ``claimed`` under the caller's token. On PostgreSQL the row is picked with ``FOR
UPDATE SKIP LOCKED``, so processes taking rows at the same moment take different ones instead
of queueing on one; SQLite runs one writer at a time (``BEGIN IMMEDIATE``), so the pick and the
update happen together there too. A claimed row is settled (:func:`settle`) or put back
(:func:`defer`) only under the caller's own claim.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from sms_core.domain import ScheduledSend, ScheduledState
from sms_core.store.dialects import insert
from sms_core.store.rows import from_row, to_row
from sms_core.store.schema import scheduled_sends

__all__ = [
    "cancel",
    "claim_due",
    "defer",
    "find_by_key",
    "get_scheduled",
    "insert_scheduled",
    "scheduled_page",
    "settle",
]

_s = scheduled_sends.c


def insert_scheduled(connection: sa.Connection, scheduled: ScheduledSend) -> bool:
    """Store a new scheduled send.

    Returns:
        Whether it was stored: ``False`` when the account has one with its idempotency key.
    """
    # RETURNING, not rowcount: psycopg reports no row count for a skipped INSERT.
    stored = connection.execute(
        insert(connection, scheduled_sends)
        .values(**to_row(scheduled))
        .on_conflict_do_nothing(index_elements=[_s.account_id, _s.idempotency_key])
        .returning(_s.id)
    )
    return stored.first() is not None


def get_scheduled(
    connection: sa.Connection, account_id: str, scheduled_id: str
) -> ScheduledSend | None:
    """The account's scheduled send with that id, if any."""
    row = (
        connection.execute(
            scheduled_sends.select().where(_s.account_id == account_id, _s.id == scheduled_id)
        )
        .mappings()
        .first()
    )
    return None if row is None else _scheduled(row)


def find_by_key(connection: sa.Connection, account_id: str, key: str) -> ScheduledSend | None:
    """The account's scheduled send with that idempotency key, if any."""
    row = (
        connection.execute(
            scheduled_sends.select().where(_s.account_id == account_id, _s.idempotency_key == key)
        )
        .mappings()
        .first()
    )
    return None if row is None else _scheduled(row)


def scheduled_page(
    connection: sa.Connection,
    account_id: str,
    *,
    state: ScheduledState | None,
    after: tuple[datetime, int] | None,
    limit: int,
    user_id: str | None = None,
    candidate_id: str | None = None,
) -> list[tuple[tuple[datetime, int], ScheduledSend]]:
    """Up to ``limit`` of the account's scheduled sends after ``after``, soonest due first, keyed.

    ``user_id`` keeps only those the user scheduled; ``candidate_id`` only those for that
    candidate.

    Read in order from ``ix_scheduled_sends_account_due``.
    """
    query = (
        scheduled_sends.select()
        .where(_s.account_id == account_id)
        .order_by(_s.due_at, _s.seq)
        .limit(limit)
    )
    if state is not None:
        query = query.where(_s.state == state.value)
    if user_id is not None:
        query = query.where(_s.user_id == user_id)
    if candidate_id is not None:
        query = query.where(_s.candidate_id == candidate_id)
    if after is not None:
        query = query.where(sa.tuple_(_s.due_at, _s.seq) > sa.tuple_(*after))
    return [
        ((row["due_at"], row["seq"]), _scheduled(row))
        for row in connection.execute(query).mappings()
    ]


def claim_due(
    connection: sa.Connection,
    account_id: str,
    *,
    claim: str,
    now: datetime,
    expires_at: datetime,
) -> ScheduledSend | None:
    """Take one of the account's due rows for sending: the conditional UPDATE that decides who.

    A row is due when it is ``claimed`` by a process whose claim expired by ``now`` (it
    stopped; these are taken first, oldest claim first) or ``pending`` with ``due_at``
    reached (soonest due first). Each kind is looked up through its own partial index, so the
    account's sent rows, however many, are never read.

    Returns:
        The row, now ``claimed`` under ``claim`` until ``expires_at``; ``None`` when no row is
        due (or every due row is being taken by another process right now).
    """
    kinds = (
        (ScheduledState.CLAIMED, _s.claim_expires_at),
        (ScheduledState.PENDING, _s.due_at),
    )
    for state, moment in kinds:
        # The state as a literal, not a parameter, so both databases see that the partial
        # index of that state serves the query.
        takeable = sa.and_(_s.account_id == account_id, _literal(state) == _s.state, moment <= now)
        oldest = (
            sa.select(_s.seq)
            .where(takeable)
            .order_by(moment, _s.seq)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        row = (
            connection.execute(
                scheduled_sends.update()
                # The condition again: on PostgreSQL a row locked and changed by another
                # process meanwhile is checked anew here.
                .where(_s.seq == oldest, takeable)
                .values(
                    state=ScheduledState.CLAIMED.value,
                    claim=claim,
                    claim_expires_at=expires_at,
                    updated_at=now,
                )
                .returning(*scheduled_sends.c)
            )
            .mappings()
            .first()
        )
        if row is not None:
            return _scheduled(row)
    return None


def settle(
    connection: sa.Connection,
    scheduled_id: str,
    *,
    claim: str,
    state: ScheduledState,
    now: datetime,
    message_id: str | None = None,
    refusal: str | None = None,
) -> bool:
    """End a claimed row as ``sent`` (with its message) or ``refused`` (with the reason).

    Returns:
        Whether the caller still held the claim (else another process took the row over).
    """
    settled = connection.execute(
        scheduled_sends.update()
        .where(
            _s.id == scheduled_id,
            _s.state == ScheduledState.CLAIMED.value,
            _s.claim == claim,
        )
        .values(
            state=state.value,
            claim=None,
            claim_expires_at=None,
            message_id=message_id,
            refusal=refusal,
            updated_at=now,
        )
    )
    return settled.rowcount == 1


def defer(
    connection: sa.Connection, scheduled_id: str, *, claim: str, due_at: datetime, now: datetime
) -> bool:
    """Put a claimed row back to ``pending``, due at ``due_at`` (only under the caller's claim)."""
    deferred = connection.execute(
        scheduled_sends.update()
        .where(
            _s.id == scheduled_id,
            _s.state == ScheduledState.CLAIMED.value,
            _s.claim == claim,
        )
        .values(
            state=ScheduledState.PENDING.value,
            claim=None,
            claim_expires_at=None,
            due_at=due_at,
            updated_at=now,
        )
    )
    return deferred.rowcount == 1


def cancel(connection: sa.Connection, account_id: str, scheduled_id: str, now: datetime) -> bool:
    """Cancel a row still ``pending``: the conditional UPDATE a process taking it races with.

    Returns:
        Whether it was cancelled (``False``: it was taken, sent, refused or cancelled before).
    """
    cancelled = connection.execute(
        scheduled_sends.update()
        .where(
            _s.account_id == account_id,
            _s.id == scheduled_id,
            _s.state == ScheduledState.PENDING.value,
        )
        .values(state=ScheduledState.CANCELLED.value, updated_at=now)
    )
    return cancelled.rowcount == 1


def _literal(state: ScheduledState) -> sa.ColumnElement[str]:
    """``state`` written into the statement, as the partial indexes' conditions are."""
    return sa.literal_column(f"'{state.value}'", sa.String)


def _scheduled(row: sa.RowMapping) -> ScheduledSend:
    return from_row(row, ScheduledSend)
