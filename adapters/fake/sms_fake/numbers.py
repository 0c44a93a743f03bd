"""The numbers accounts own: bought, configured, attached to a service and released."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sms_core.domain import (
    AvailableNumber,
    NumberSettings,
    NumberType,
    PhoneNumber,
)
from sms_fake.carrier_time import from_micros, to_micros
from sms_fake.errors import not_found
from sms_fake.inventory import capabilities_in
from sms_fake.records import CarrierNumber
from sms_fake.sids import SidKind, new_sid

__all__ = [
    "attach",
    "delete",
    "find_e164",
    "insert",
    "list_owned",
    "owned",
    "owned_e164",
    "taken",
    "update",
]


def taken(conn: sqlite3.Connection) -> set[str]:
    """Every number someone bought, in E.164."""
    return {row["e164"] for row in conn.execute("SELECT e164 FROM numbers")}


def insert(
    conn: sqlite3.Connection,
    account_id: str,
    offer: AvailableNumber,
    settings: NumberSettings,
    now: datetime,
) -> CarrierNumber:
    """Record the purchase of an offered number (its E.164 must be free)."""
    sid = new_sid(SidKind.NUMBER)
    conn.execute(
        "INSERT INTO numbers (sid, e164, account_id, country, number_type, region, locality, "
        "postal_code, purchased_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            sid,
            offer.number.e164,
            account_id,
            offer.country,
            offer.number_type.value,
            offer.region,
            offer.locality,
            offer.postal_code,
            to_micros(now),
        ),
    )
    update(conn, sid, settings)
    return owned(conn, account_id, sid)


def update(conn: sqlite3.Connection, sid: str, settings: NumberSettings) -> None:
    """Replace a number's settings whole."""
    conn.execute(
        "UPDATE numbers SET sms_url = ?, status_callback_url = ?, voice_url = ?, "
        "forward_to = ?, label = ? WHERE sid = ?",
        (
            settings.sms_url,
            settings.status_callback_url,
            settings.voice_url,
            settings.forward_to.e164 if settings.forward_to else None,
            settings.label,
            sid,
        ),
    )


def attach(conn: sqlite3.Connection, sid: str, service_sid: str) -> None:
    """Put a number in a messaging service's sender pool (leaving any other)."""
    conn.execute("UPDATE numbers SET service_sid = ? WHERE sid = ?", (service_sid, sid))


def delete(conn: sqlite3.Connection, sid: str) -> None:
    """Forget a released number; it is offered again."""
    conn.execute("DELETE FROM numbers WHERE sid = ?", (sid,))


def owned(conn: sqlite3.Connection, account_id: str, sid: str) -> CarrierNumber:
    """The account's number with carrier id ``sid``.

    Raises:
        ProviderNotFoundError: When the account holds no such number.
    """
    row = conn.execute(
        "SELECT * FROM numbers WHERE sid = ? AND account_id = ?", (sid, account_id)
    ).fetchone()
    if row is None:
        raise not_found(f"number {sid!r} of account {account_id!r}")
    return _from_row(row)


def find_e164(
    conn: sqlite3.Connection, account_id: str, number: PhoneNumber
) -> CarrierNumber | None:
    """The account's number ``number``, or ``None`` when the account does not hold it."""
    row = conn.execute(
        "SELECT * FROM numbers WHERE e164 = ? AND account_id = ?", (number.e164, account_id)
    ).fetchone()
    return None if row is None else _from_row(row)


def owned_e164(conn: sqlite3.Connection, account_id: str, number: PhoneNumber) -> CarrierNumber:
    """The account's number ``number``.

    Raises:
        ProviderNotFoundError: When the account does not hold it.
    """
    line = find_e164(conn, account_id, number)
    if line is None:
        raise not_found(f"number {number.e164} of account {account_id!r}")
    return line


def list_owned(conn: sqlite3.Connection, account_id: str) -> list[CarrierNumber]:
    """The account's numbers in the order they were bought."""
    rows = conn.execute(
        "SELECT * FROM numbers WHERE account_id = ? ORDER BY purchased_us, e164", (account_id,)
    )
    return [_from_row(row) for row in rows]


def _from_row(row: sqlite3.Row) -> CarrierNumber:
    return CarrierNumber(
        sid=row["sid"],
        account_id=row["account_id"],
        number=PhoneNumber(e164=row["e164"]),
        country=row["country"],
        number_type=NumberType(row["number_type"]),
        region=row["region"],
        locality=row["locality"],
        postal_code=row["postal_code"],
        capabilities=capabilities_in(row["country"]),
        settings=NumberSettings(
            sms_url=row["sms_url"],
            status_callback_url=row["status_callback_url"],
            voice_url=row["voice_url"],
            forward_to=PhoneNumber(e164=row["forward_to"]) if row["forward_to"] else None,
            label=row["label"],
        ),
        service_sid=row["service_sid"],
        purchased_at=from_micros(row["purchased_us"]),
    )
