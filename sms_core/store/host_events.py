"""The host-event outbox: events written with their change, delivered after commit.

An event is inserted in the transaction of the change it reports, so it exists exactly when the
change does. Delivering takes it with one conditional UPDATE (:func:`claim_event`), so however
many processes deliver, one holds it at a time; it is then marked delivered, or failed with the
error and a later ``due_at``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
import sqlalchemy as sa

from sms_core.domain.host_events import HOST_EVENT_TYPES, HostEvent
from sms_core.store.rows import from_json, to_json
from sms_core.store.schema import host_events

__all__ = [
    "PendingEvent",
    "attempts",
    "claim_event",
    "count_undelivered",
    "due_events",
    "insert_event",
    "mark_delivered",
    "mark_failed",
]

_e = host_events.c

_KINDS = {cls: kind for kind, cls in HOST_EVENT_TYPES.items()}


@attrs.frozen(kw_only=True)
class PendingEvent:
    """An undelivered event as stored.

    Attributes:
        event: The event.
        attempts: How many deliveries failed so far.
        last_error: What the last failed delivery said.
    """

    event: HostEvent
    attempts: int
    last_error: str | None


def insert_event(connection: sa.Connection, event: HostEvent, now: datetime) -> None:
    """Store ``event`` to be delivered from ``now`` on."""
    connection.execute(
        host_events.insert().values(
            id=event.id,
            account_id=event.account_id,
            kind=_KINDS[type(event)],
            payload=to_json(event),
            occurred_at=event.occurred_at,
            due_at=now,
        )
    )


def due_events(
    connection: sa.Connection, *, now: datetime, stale_before: datetime, limit: int
) -> list[PendingEvent]:
    """The undelivered events due by ``now`` that no live process holds, oldest first."""
    rows = connection.execute(
        sa.select(_e.kind, _e.payload, _e.attempts, _e.last_error)
        .where(
            _e.delivered_at.is_(None),
            _e.due_at <= now,
            sa.or_(_e.claim.is_(None), _e.claimed_at < stale_before),
        )
        .order_by(_e.seq)
        .limit(limit)
    ).mappings()
    return [
        PendingEvent(
            event=_event(row["kind"], row["payload"]),
            attempts=row["attempts"],
            last_error=row["last_error"],
        )
        for row in rows
    ]


def count_undelivered(connection: sa.Connection, account_id: str | None = None) -> int:
    """How many events wait to be delivered (of one account, or of all)."""
    query = sa.select(sa.func.count()).where(_e.delivered_at.is_(None))
    if account_id is not None:
        query = query.where(_e.account_id == account_id)
    return int(connection.execute(query).scalar_one())


def claim_event(
    connection: sa.Connection,
    event_id: str,
    *,
    claim: str,
    now: datetime,
    stale_before: datetime,
) -> bool:
    """Take an undelivered event for delivery: the one conditional UPDATE that decides who.

    A claim taken before ``stale_before`` belongs to a process that stopped and may be taken.

    Returns:
        Whether the claim is this caller's.
    """
    claimed = connection.execute(
        host_events.update()
        .where(
            _e.id == event_id,
            _e.delivered_at.is_(None),
            sa.or_(_e.claim.is_(None), _e.claimed_at < stale_before),
        )
        .values(claim=claim, claimed_at=now)
    )
    return claimed.rowcount == 1


def attempts(connection: sa.Connection, event_id: str) -> int:
    """How many deliveries of the event failed so far."""
    return int(connection.execute(sa.select(_e.attempts).where(_e.id == event_id)).scalar_one())


def mark_delivered(connection: sa.Connection, event_id: str, *, claim: str, now: datetime) -> None:
    """Record that every implementation returned (only under the caller's own claim)."""
    connection.execute(
        host_events.update()
        .where(_e.id == event_id, _e.claim == claim)
        .values(delivered_at=now, claim=None, last_error=None)
    )


def mark_failed(
    connection: sa.Connection, event_id: str, *, claim: str, error: str, due_at: datetime
) -> None:
    """Record a failed delivery and when to try again (only under the caller's own claim)."""
    connection.execute(
        host_events.update()
        .where(_e.id == event_id, _e.claim == claim)
        .values(claim=None, attempts=_e.attempts + 1, last_error=error, due_at=due_at)
    )


def _event(kind: str, payload: Any) -> HostEvent:
    event: HostEvent = from_json(payload, HOST_EVENT_TYPES[kind])
    return event
