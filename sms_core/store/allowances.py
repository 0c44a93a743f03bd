"""Using and giving back a monthly allowance: a seat's, or an account's pool.

Both live in rows with ``used`` and ``period`` (a calendar month, ``"YYYY-MM"``), and both are
changed only by the conditional ``UPDATE`` statements here, the one place the allowance rule is
written as SQL:

* a use changes the row only if the allowance covers it, so concurrent sends never overspend;
* when the row's count belongs to an earlier period it reads as zero (:func:`used_in`, the one
  place that rule is written, for reads and writes alike) and starts again from zero in the
  same statement, so no scheduled job resets anything;
* a refund changes the row only within the period the units were used in.
"""

from __future__ import annotations

import sqlalchemy as sa

from sms_core.store import dialects
from sms_core.store.schema import account_allowances

__all__ = [
    "account_used",
    "refund",
    "refund_account",
    "use",
    "use_account",
    "used_in",
]

_pool = account_allowances.c


def used_in(table: sa.Table, period: str) -> sa.ColumnElement[int]:
    """What the row of ``table`` has used in ``period``: an old period's count reads as zero."""
    return sa.case((table.c.period == period, table.c.used), else_=0)


def use(
    connection: sa.Connection,
    table: sa.Table,
    row: sa.ColumnElement[bool],
    *,
    units: int,
    period: str,
    allowance: sa.ColumnElement[int] | int,
) -> bool:
    """Use ``units`` of the allowance in the ``row`` of ``table``, if that many are left.

    Args:
        row: Which row (a seat, an account's pool).
        allowance: The allowance per period: a column of the row, or a number.

    Returns:
        Whether the units were used; ``False`` leaves the row unchanged.
    """
    used_in_period = used_in(table, period)
    used = connection.execute(
        table.update()
        .where(row, used_in_period + units <= allowance)
        .values(used=used_in_period + units, period=period)
    )
    return used.rowcount == 1


def refund(
    connection: sa.Connection,
    table: sa.Table,
    row: sa.ColumnElement[bool],
    *,
    units: int,
    period: str,
) -> bool:
    """Give back ``units`` used in ``period``; a period that has ended changes nothing.

    Returns:
        Whether the units were given back.
    """
    refunded = connection.execute(
        table.update()
        .where(row, table.c.period == period, table.c.used >= units)
        .values(used=table.c.used - units)
    )
    return refunded.rowcount == 1


def use_account(
    connection: sa.Connection, account_id: str, *, units: int, period: str, allowance: int
) -> bool:
    """Use ``units`` of the account's pool of ``allowance`` a period, if that many are left.

    The pool's row is made on first use (a skipped ``INSERT`` when it exists, so racing
    processes both go on to the one conditional ``UPDATE``).

    Returns:
        Whether the units were used; ``False`` leaves the pool unchanged.
    """
    make = (
        dialects.insert(connection, account_allowances)
        .values(account_id=account_id, used=0, period=period)
        .on_conflict_do_nothing()
    )
    connection.execute(make)
    return use(
        connection,
        account_allowances,
        _pool.account_id == account_id,
        units=units,
        period=period,
        allowance=allowance,
    )


def refund_account(connection: sa.Connection, account_id: str, *, units: int, period: str) -> bool:
    """Give back ``units`` of the account's pool used in ``period``.

    Returns:
        Whether the units were given back.
    """
    return refund(
        connection, account_allowances, _pool.account_id == account_id, units=units, period=period
    )


def account_used(connection: sa.Connection, account_id: str, period: str) -> int:
    """What the account's pool has used in ``period`` (0 when untouched in it)."""
    used = connection.execute(
        sa.select(used_in(account_allowances, period)).where(_pool.account_id == account_id)
    ).scalar()
    return int(used or 0)
