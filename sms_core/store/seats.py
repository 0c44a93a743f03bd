"""Reading and writing seats."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from sms_core.domain import Seat
from sms_core.store.rows import from_row
from sms_core.store.schema import seats

__all__ = ["get_seat", "insert_seat", "list_seats"]


def insert_seat(connection: sa.Connection, seat: Seat, now: datetime) -> None:
    """Store a new seat."""
    connection.execute(
        seats.insert().values(
            account_id=seat.account_id,
            id=seat.id,
            name=seat.name,
            monthly_allowance=seat.monthly_allowance,
            used=seat.used,
            period=seat.period,
            created_at=now,
        )
    )


def get_seat(connection: sa.Connection, account_id: str, seat_id: str) -> Seat | None:
    """The account's seat with ``seat_id``, if any."""
    query = seats.select().where(seats.c.account_id == account_id, seats.c.id == seat_id)
    row = connection.execute(query).mappings().first()
    return from_row(row, Seat) if row else None


def list_seats(connection: sa.Connection, account_id: str) -> list[Seat]:
    """The account's seats, by name."""
    query = seats.select().where(seats.c.account_id == account_id).order_by(seats.c.name)
    return [from_row(row, Seat) for row in connection.execute(query).mappings()]
