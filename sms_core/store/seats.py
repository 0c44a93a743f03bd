"""Reading and writing seats, and using their monthly allowance.

The allowance is changed only by the conditional ``UPDATE`` statements of
:mod:`sms_core.store.allowances` (shared with an account's pool): a use that the seat cannot
cover changes nothing, so concurrent sends never overspend it. A seat's ``used`` counts within
its ``period`` (a calendar month, ``"YYYY-MM"``); the first use in a new month starts the new
period in the same statement, so no scheduled job resets anything.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from sms_core.domain import Seat
from sms_core.store import allowances, dialects
from sms_core.store.rows import from_row
from sms_core.store.schema import seats

__all__ = [
    "get_seat",
    "insert_seat",
    "list_seats",
    "refund_allowance",
    "seat_names",
    "use_allowance",
]


def insert_seat(connection: sa.Connection, seat: Seat, now: datetime) -> bool:
    """Store a new seat, unless the account has a seat with its name (or its id).

    One statement that skips the row on a clash, so two admins creating the same seat at once
    see one success and one ``False``, never a constraint error.

    Returns:
        Whether the seat was stored.
    """
    statement = dialects.insert(connection, seats).values(
        account_id=seat.account_id,
        id=seat.id,
        name=seat.name,
        monthly_allowance=seat.monthly_allowance,
        used=seat.used,
        period=seat.period,
        created_at=now,
    )
    # RETURNING, not rowcount: psycopg reports no row count for a skipped INSERT.
    skip = statement.on_conflict_do_nothing().returning(seats.c.id)
    return connection.execute(skip).first() is not None


def get_seat(
    connection: sa.Connection, account_id: str, seat_id: str, *, period: str
) -> Seat | None:
    """The account's seat with ``seat_id``, if any, its allowance as it stands in ``period``."""
    query = _in_period(period).where(seats.c.account_id == account_id, seats.c.id == seat_id)
    row = connection.execute(query).mappings().first()
    return from_row(row, Seat) if row else None


def list_seats(connection: sa.Connection, account_id: str, *, period: str) -> list[Seat]:
    """The account's seats, by name, their allowances as they stand in ``period``."""
    query = _in_period(period).where(seats.c.account_id == account_id).order_by(seats.c.name)
    return [from_row(row, Seat) for row in connection.execute(query).mappings()]


def seat_names(
    connection: sa.Connection, account_id: str, seat_ids: Collection[str]
) -> dict[str, str]:
    """The names of the account's seats among ``seat_ids``, by id; unknown ids are left out."""
    if not seat_ids:
        return {}
    query = sa.select(seats.c.id, seats.c.name).where(
        seats.c.account_id == account_id, seats.c.id.in_(seat_ids)
    )
    return {row.id: row.name for row in connection.execute(query)}


def _in_period(period: str) -> sa.Select[tuple[object, ...]]:
    """Seats with ``used`` as counted in ``period`` (zero when last used in an earlier one)."""
    kept = [column for column in seats.c if column.name not in ("used", "period")]
    used = allowances.used_in(seats, period).label("used")
    return sa.select(*kept, used, sa.literal(period, sa.String).label("period"))


def use_allowance(connection: sa.Connection, seat_id: str, *, units: int, period: str) -> bool:
    """Use ``units`` of the seat's allowance in ``period``, if it has that many left.

    See :func:`sms_core.store.allowances.use`: the seat's count starts again from zero in a new
    period, and the row changes only if the allowance covers the use.

    Returns:
        Whether the units were used; ``False`` leaves the seat unchanged.
    """
    return allowances.use(
        connection,
        seats,
        seats.c.id == seat_id,
        units=units,
        period=period,
        allowance=seats.c.monthly_allowance,
    )


def refund_allowance(connection: sa.Connection, seat_id: str, *, units: int, period: str) -> bool:
    """Give back ``units`` used in ``period`` by a send that never reached the carrier.

    A refund for a period that has ended changes nothing: the new month started afresh.

    Returns:
        Whether the units were given back.
    """
    return allowances.refund(connection, seats, seats.c.id == seat_id, units=units, period=period)
