"""The carrier's outbox: webhooks waiting until they are due on the carrier clock.

A webhook is due from the carrier time of the event it reports. Collecting takes due webhooks
out of the outbox, so each is collected once; a delivery that could not reach its URL puts
its webhooks back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

import attrs

from sms_fake.carrier_time import from_micros, to_micros
from sms_fake.payloads import Event, Report, encode_report, event_of

__all__ = ["Pending", "due", "enqueue", "put_back", "take"]


@attrs.frozen(kw_only=True)
class Pending:
    """A webhook in the outbox.

    Attributes:
        subject_sid: The message or call it reports on.
        due_at: The carrier time from which it may be sent.
    """

    id: int
    account_id: str
    subject_sid: str
    event: Event
    url: str
    body: bytes
    due_at: datetime


def enqueue(
    conn: sqlite3.Connection,
    *,
    subject_sid: str,
    url: str | None,
    report: Report,
    due_at: datetime,
) -> None:
    """Put a webhook carrying ``report`` in the outbox; without a URL there is none to send."""
    if url is None:
        return  # like a carrier number with no webhook configured
    conn.execute(
        "INSERT INTO outbox (account_id, subject_sid, kind, url, body, due_us) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            report.account_id,
            subject_sid,
            event_of(report).value,
            url,
            encode_report(report),
            to_micros(due_at),
        ),
    )


def due(conn: sqlite3.Connection, now: datetime, subject_sid: str | None = None) -> list[Pending]:
    """The uncollected webhooks due at ``now``, oldest first; only ``subject_sid``'s if given."""
    query = "SELECT * FROM outbox WHERE collected = 0 AND due_us <= ?"
    parameters: tuple[object, ...] = (to_micros(now),)
    if subject_sid is not None:
        query += " AND subject_sid = ?"
        parameters += (subject_sid,)
    rows = conn.execute(query + " ORDER BY due_us, id", parameters)
    return [
        Pending(
            id=row["id"],
            account_id=row["account_id"],
            subject_sid=row["subject_sid"],
            event=Event(row["kind"]),
            url=row["url"],
            body=bytes(row["body"]),
            due_at=from_micros(row["due_us"]),
        )
        for row in rows
    ]


def take(conn: sqlite3.Connection, now: datetime, subject_sid: str | None = None) -> list[Pending]:
    """Collect the due webhooks: they leave the outbox."""
    pending = due(conn, now, subject_sid)
    conn.executemany("UPDATE outbox SET collected = 1 WHERE id = ?", [(p.id,) for p in pending])
    return pending


def put_back(conn: sqlite3.Connection, pending: Iterable[Pending]) -> None:
    """Return collected webhooks to the outbox, to be collected again."""
    conn.executemany("UPDATE outbox SET collected = 0 WHERE id = ?", [(p.id,) for p in pending])
