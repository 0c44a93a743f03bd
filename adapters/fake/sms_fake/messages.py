"""Texts the carrier carries, and how their delivery unfolds on the carrier clock.

An accepted text is ``queued``, ``sent`` one second later and ``delivered`` two seconds after
that. A text to a recipient marked with a delivery error code goes ``undelivered`` with that
code instead, or ``failed`` straight from ``queued`` for codes that mean it never left
(30001, 30002). The mark in force when the text is sent decides its fate.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from sms_core.domain import Direction, PhoneNumber
from sms_fake.carrier_time import from_micros, to_micros
from sms_fake.errors import FAILED_DELIVERY_CODES, delivery_error_message, not_found
from sms_fake.records import CarrierMessage
from sms_fake.sids import SidKind, new_sid
from sms_fake.statuses import MessageStatus

__all__ = [
    "DELIVERED_AFTER",
    "SENT_AFTER",
    "find",
    "insert_inbound",
    "insert_outbound",
    "list_all",
    "load",
    "mark",
    "mark_of",
    "plan_timeout",
    "take_timeout",
    "timeline",
]

#: How long after acceptance a text is handed to the network.
SENT_AFTER = timedelta(seconds=1)
#: How long after acceptance the handset's receipt (or the network's refusal) comes back.
DELIVERED_AFTER = timedelta(seconds=3)

_FINAL_ERRORS = frozenset({MessageStatus.FAILED, MessageStatus.UNDELIVERED})


def timeline(
    created_at: datetime, error_code: str | None
) -> tuple[tuple[datetime, MessageStatus], ...]:
    """Every status an outbound text goes through, with the time it reaches each."""
    if error_code in FAILED_DELIVERY_CODES:
        return ((created_at, MessageStatus.QUEUED), (created_at + SENT_AFTER, MessageStatus.FAILED))
    return (
        (created_at, MessageStatus.QUEUED),
        (created_at + SENT_AFTER, MessageStatus.SENT),
        (
            created_at + DELIVERED_AFTER,
            MessageStatus.UNDELIVERED if error_code else MessageStatus.DELIVERED,
        ),
    )


def insert_outbound(
    conn: sqlite3.Connection,
    *,
    account_id: str,
    message_id: str | None,
    sender: PhoneNumber,
    recipient: PhoneNumber,
    body: str,
    segments: int,
    error_code: str | None,
    status_callback_url: str | None,
    now: datetime,
) -> CarrierMessage:
    """Accept a text for delivery.

    Args:
        error_code: The delivery error the text will end with (the recipient's mark), if any.
    """
    return _insert(
        conn,
        account_id=account_id,
        direction=Direction.OUTBOUND,
        message_id=message_id,
        sender=sender,
        recipient=recipient,
        body=body,
        segments=segments,
        error_code=error_code,
        status_callback_url=status_callback_url,
        keyword=None,
        now=now,
    )


def insert_inbound(
    conn: sqlite3.Connection,
    *,
    account_id: str,
    sender: PhoneNumber,
    recipient: PhoneNumber,
    body: str,
    segments: int,
    keyword: str | None,
    now: datetime,
) -> CarrierMessage:
    """Record a text a line received."""
    return _insert(
        conn,
        account_id=account_id,
        direction=Direction.INBOUND,
        message_id=None,
        sender=sender,
        recipient=recipient,
        body=body,
        segments=segments,
        error_code=None,
        status_callback_url=None,
        keyword=keyword,
        now=now,
    )


def load(conn: sqlite3.Connection, account_id: str, sid: str, now: datetime) -> CarrierMessage:
    """The account's message ``sid`` as it stands at ``now``.

    Raises:
        ProviderNotFoundError: When the account has no such message.
    """
    row = conn.execute(
        "SELECT * FROM messages WHERE sid = ? AND account_id = ?", (sid, account_id)
    ).fetchone()
    if row is None:
        raise not_found(f"message {sid!r} of account {account_id!r}")
    return _from_row(row, now)


def find(
    conn: sqlite3.Connection, account_id: str, message_id: str, now: datetime
) -> CarrierMessage:
    """The account's latest outbound message sent with the SDK's id ``message_id``.

    Raises:
        ProviderNotFoundError: When no message with that id reached the carrier.
    """
    row = conn.execute(
        "SELECT * FROM messages WHERE account_id = ? AND message_id = ? "
        "ORDER BY created_us DESC, rowid DESC LIMIT 1",
        (account_id, message_id),
    ).fetchone()
    if row is None:
        raise not_found(f"message sent with id {message_id!r} by account {account_id!r}")
    return _from_row(row, now)


def list_all(conn: sqlite3.Connection, account_id: str, now: datetime) -> list[CarrierMessage]:
    """Every message of the account, both ways, oldest first."""
    rows = conn.execute(
        "SELECT * FROM messages WHERE account_id = ? ORDER BY created_us, rowid", (account_id,)
    )
    return [_from_row(row, now) for row in rows]


def mark(conn: sqlite3.Connection, recipient: PhoneNumber, error_code: str | None) -> None:
    """Make later texts to ``recipient`` fail with ``error_code``; ``None`` clears the mark."""
    if error_code is None:
        conn.execute("DELETE FROM recipient_marks WHERE e164 = ?", (recipient.e164,))
    else:
        conn.execute(
            "INSERT INTO recipient_marks (e164, error_code) VALUES (?, ?) "
            "ON CONFLICT (e164) DO UPDATE SET error_code = excluded.error_code",
            (recipient.e164, error_code),
        )


def mark_of(conn: sqlite3.Connection, recipient: PhoneNumber) -> str | None:
    """The delivery error code ``recipient`` is marked with, if any."""
    row = conn.execute(
        "SELECT error_code FROM recipient_marks WHERE e164 = ?", (recipient.e164,)
    ).fetchone()
    return None if row is None else str(row["error_code"])


def plan_timeout(conn: sqlite3.Connection, account_id: str, *, reaches_carrier: bool) -> None:
    """Make the account's next accepted send lose its answer (planned timeouts queue up)."""
    conn.execute(
        "INSERT INTO planned_timeouts (account_id, reaches_carrier) VALUES (?, ?)",
        (account_id, int(reaches_carrier)),
    )


def take_timeout(conn: sqlite3.Connection, account_id: str) -> bool | None:
    """Use up the oldest planned timeout: whether that send reaches the carrier, or ``None``."""
    row = conn.execute(
        "SELECT id, reaches_carrier FROM planned_timeouts WHERE account_id = ? ORDER BY id LIMIT 1",
        (account_id,),
    ).fetchone()
    if row is None:
        return None
    conn.execute("DELETE FROM planned_timeouts WHERE id = ?", (row["id"],))
    return bool(row["reaches_carrier"])


def _insert(
    conn: sqlite3.Connection,
    *,
    account_id: str,
    direction: Direction,
    message_id: str | None,
    sender: PhoneNumber,
    recipient: PhoneNumber,
    body: str,
    segments: int,
    error_code: str | None,
    status_callback_url: str | None,
    keyword: str | None,
    now: datetime,
) -> CarrierMessage:
    sid = new_sid(SidKind.MESSAGE)
    conn.execute(
        "INSERT INTO messages (sid, account_id, direction, message_id, sender, recipient, body, "
        "segments, created_us, error_code, status_callback_url, keyword) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            sid,
            account_id,
            direction.value,
            message_id,
            sender.e164,
            recipient.e164,
            body,
            segments,
            to_micros(now),
            error_code,
            status_callback_url,
            keyword,
        ),
    )
    return load(conn, account_id, sid, now)


def _from_row(row: sqlite3.Row, now: datetime) -> CarrierMessage:
    created_at = from_micros(row["created_us"])
    direction = Direction(row["direction"])
    if direction is Direction.INBOUND:
        changed_at, status = created_at, MessageStatus.RECEIVED
    else:
        steps = timeline(created_at, row["error_code"])
        # A process whose base clock lags may look before the text was accepted: still queued.
        reached = [step for step in steps if step[0] <= now]
        changed_at, status = reached[-1] if reached else steps[0]
    error_code = row["error_code"] if status in _FINAL_ERRORS else None
    return CarrierMessage(
        sid=row["sid"],
        account_id=row["account_id"],
        direction=direction,
        sender=PhoneNumber(e164=row["sender"]),
        recipient=PhoneNumber(e164=row["recipient"]),
        body=row["body"],
        segments=row["segments"],
        status=status,
        created_at=created_at,
        status_changed_at=changed_at,
        message_id=row["message_id"],
        error_code=error_code,
        error_message=delivery_error_message(error_code) if error_code else None,
        keyword=row["keyword"],
    )
