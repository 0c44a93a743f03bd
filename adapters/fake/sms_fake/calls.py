"""Voice calls to the accounts' numbers, and what the webhook app told the carrier to do."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sms_core.domain import PhoneNumber
from sms_fake.carrier_time import from_micros, to_micros
from sms_fake.records import CarrierCall
from sms_fake.sids import SidKind, new_sid
from sms_fake.statuses import CallStatus

__all__ = ["insert", "list_all", "settle"]


def insert(
    conn: sqlite3.Connection,
    *,
    account_id: str,
    caller: PhoneNumber,
    called: PhoneNumber,
    status: CallStatus,
    now: datetime,
) -> CarrierCall:
    """Record a call arriving at one of the account's numbers."""
    sid = new_sid(SidKind.CALL)
    conn.execute(
        "INSERT INTO calls (sid, account_id, caller, called, created_us, status) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (sid, account_id, caller.e164, called.e164, to_micros(now), status.value),
    )
    return CarrierCall(
        sid=sid, account_id=account_id, caller=caller, called=called, started_at=now, status=status
    )


def settle(
    conn: sqlite3.Connection, sid: str, status: CallStatus, forwarded_to: PhoneNumber | None
) -> None:
    """Record what became of a ringing call."""
    conn.execute(
        "UPDATE calls SET status = ?, forwarded_to = ? WHERE sid = ?",
        (status.value, forwarded_to.e164 if forwarded_to else None, sid),
    )


def list_all(conn: sqlite3.Connection, account_id: str) -> list[CarrierCall]:
    """The account's calls, oldest first."""
    rows = conn.execute(
        "SELECT * FROM calls WHERE account_id = ? ORDER BY created_us, rowid", (account_id,)
    )
    return [
        CarrierCall(
            sid=row["sid"],
            account_id=row["account_id"],
            caller=PhoneNumber(e164=row["caller"]),
            called=PhoneNumber(e164=row["called"]),
            started_at=from_micros(row["created_us"]),
            status=CallStatus(row["status"]),
            forwarded_to=PhoneNumber(e164=row["forwarded_to"]) if row["forwarded_to"] else None,
        )
        for row in rows
    ]
