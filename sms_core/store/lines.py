"""Reading and writing lines and who is on them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from sms_core.domain import CarrierRegistration, Line, NumberRegistrationUpdate, PhoneNumber
from sms_core.store.rows import from_row
from sms_core.store.schema import line_users, lines

__all__ = [
    "active_numbers",
    "add_line_user",
    "deactivate_line",
    "find_line",
    "get_line",
    "insert_line",
    "line_of_user",
    "list_lines",
    "record_carrier_registration",
    "remove_line_user",
    "update_line",
]


def insert_line(connection: sa.Connection, line: Line, now: datetime) -> None:
    """Store a new active line without users (add them with :func:`add_line_user`)."""
    connection.execute(
        lines.insert().values(
            account_id=line.account_id,
            id=line.id,
            number=line.number.e164,
            provider_ref=line.provider_ref,
            registered=line.registered,
            carrier_registration=line.carrier_registration.value,
            carrier_error_code=line.carrier_error_code,
            carrier_error=line.carrier_error,
            forward_to=line.forward_to.e164 if line.forward_to else None,
            seat_id=line.seat_id,
            user_count=0,
            active=True,
            created_at=now,
        )
    )


def get_line(connection: sa.Connection, account_id: str, line_id: str) -> Line | None:
    """The account's active line with ``line_id``, if any."""
    return _one(connection, lines.c.account_id == account_id, lines.c.id == line_id)


def find_line(connection: sa.Connection, account_id: str, number: PhoneNumber) -> Line | None:
    """The account's active line for ``number``, if any."""
    return _one(connection, lines.c.account_id == account_id, lines.c.number == number.e164)


def active_numbers(connection: sa.Connection, numbers: Iterable[PhoneNumber]) -> set[PhoneNumber]:
    """Which of ``numbers`` are an active line, of any account (a number has one at most)."""
    wanted = sorted({number.e164 for number in numbers})
    if not wanted:
        return set()
    query = sa.select(lines.c.number).where(lines.c.active, lines.c.number.in_(wanted))
    return {PhoneNumber(e164=row) for row in connection.execute(query).scalars()}


# Built once: every send reads its sender's line, and building the statements per call cost
# more CPU than running them (benchmarks/mass_send.py).
_LINE_OF_USER = lines.select().where(
    lines.c.account_id == sa.bindparam("b_account_id"),
    lines.c.id.in_(
        sa.select(line_users.c.line_id).where(
            line_users.c.account_id == sa.bindparam("b_account_id"),
            line_users.c.user_id == sa.bindparam("b_user_id"),
        )
    ),
    lines.c.active,
)
_MEMBERS = (
    sa.select(line_users.c.line_id, line_users.c.user_id)
    .where(line_users.c.line_id.in_(sa.bindparam("b_line_ids", expanding=True)))
    .order_by(line_users.c.assigned_at, line_users.c.user_id)
)


def line_of_user(connection: sa.Connection, account_id: str, user_id: str) -> Line | None:
    """The active line the user is on, if any."""
    rows = connection.execute(
        _LINE_OF_USER, {"b_account_id": account_id, "b_user_id": user_id}
    ).mappings()
    found = _with_users(connection, rows)
    return found[0] if found else None


def list_lines(connection: sa.Connection, account_id: str) -> list[Line]:
    """The account's active lines, by number."""
    query = (
        lines.select()
        .where(lines.c.account_id == account_id, lines.c.active)
        .order_by(lines.c.number)
    )
    return _with_users(connection, connection.execute(query).mappings())


def add_line_user(
    connection: sa.Connection,
    line: Line,
    user_id: str,
    limit: int | None,
    now: datetime,
) -> bool:
    """Put a user on a line if the line is below ``limit`` users; one conditional statement.

    Returns:
        Whether the user was added; ``False`` when the line was full.

    Raises:
        StoreConflict: When the user is already on a line of the account
            (``uq_line_users_account_user``), as the transaction ends.
    """
    room = lines.c.user_count < limit if limit is not None else sa.true()
    claimed = connection.execute(
        lines.update()
        .where(lines.c.id == line.id, lines.c.active, room)
        .values(user_count=lines.c.user_count + 1)
    )
    if claimed.rowcount != 1:
        return False
    connection.execute(
        line_users.insert().values(
            account_id=line.account_id, line_id=line.id, user_id=user_id, assigned_at=now
        )
    )
    return True


def remove_line_user(connection: sa.Connection, line: Line, user_id: str) -> bool:
    """Take a user off a line. Returns whether the user was on it."""
    removed = connection.execute(
        line_users.delete().where(line_users.c.line_id == line.id, line_users.c.user_id == user_id)
    )
    if removed.rowcount != 1:
        return False
    connection.execute(
        lines.update().where(lines.c.id == line.id).values(user_count=lines.c.user_count - 1)
    )
    return True


def update_line(connection: sa.Connection, line: Line) -> None:
    """Store a line's forwarding number and registration flag."""
    connection.execute(
        lines.update()
        .where(lines.c.id == line.id)
        .values(
            forward_to=line.forward_to.e164 if line.forward_to else None,
            registered=line.registered,
        )
    )


def record_carrier_registration(
    connection: sa.Connection, account_id: str, update: NumberRegistrationUpdate
) -> bool:
    """Store a number's new carrier registration state, only forward; one conditional UPDATE.

    The line is the account's active one with the carrier id ``update.provider_ref``, else
    the one with ``update.number``. Its state changes only when the update's state ranks above
    it (:attr:`CarrierRegistration.rank`), so a repeated or late event changes nothing.

    Returns:
        Whether a line changed.
    """
    earlier = [state.value for state in CarrierRegistration if state.rank < update.state.rank]
    which: sa.ColumnElement[bool]
    if update.provider_ref is not None:
        which = lines.c.provider_ref == update.provider_ref
    elif update.number is not None:
        which = lines.c.number == update.number.e164
    else:
        return False
    changed = connection.execute(
        lines.update()
        .where(
            lines.c.account_id == account_id,
            lines.c.active,
            which,
            lines.c.carrier_registration.in_(earlier),
        )
        .values(
            carrier_registration=update.state.value,
            carrier_error_code=update.error_code,
            carrier_error=update.error_message,
        )
    )
    return bool(changed.rowcount)


def deactivate_line(connection: sa.Connection, line: Line, now: datetime) -> None:
    """Take every user off the line and mark it released; the row stays for history."""
    connection.execute(line_users.delete().where(line_users.c.line_id == line.id))
    connection.execute(
        lines.update()
        .where(lines.c.id == line.id)
        .values(active=False, user_count=0, deactivated_at=now)
    )


def _one(connection: sa.Connection, *conditions: sa.ColumnElement[bool]) -> Line | None:
    query = lines.select().where(*conditions, lines.c.active)
    found = _with_users(connection, connection.execute(query).mappings())
    return found[0] if found else None


def _with_users(connection: sa.Connection, rows: Iterable[sa.RowMapping]) -> list[Line]:
    rows = list(rows)
    if not rows:
        return []
    members = connection.execute(_MEMBERS, {"b_line_ids": [row["id"] for row in rows]})
    user_ids: dict[str, list[str]] = {}
    for line_id, user_id in members:
        user_ids.setdefault(line_id, []).append(user_id)
    return [from_row(row, Line, user_ids=tuple(user_ids.get(row["id"], ()))) for row in rows]
