"""Reading and writing the account's opt-outs.

A number has at most one opt-out in force per account (a partial unique index); lifted ones
stay as the record of who lifted them, when and why.

An erased number's opt-out is kept as the number's keyed hash (see :mod:`.erasure`), so
:func:`in_force` matches a number by its E.164 form or, once the account has an erasure key,
by its hash: the one place every send's opt-out check reads. Every opt-out stored after the
account's first erasure carries the hash too, so one stays in force per number either way.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import attrs
import sqlalchemy as sa

from sms_core.domain import OptOut, PhoneNumber
from sms_core.store import dialects
from sms_core.store.erasure import account_key, number_hash
from sms_core.store.rows import from_row
from sms_core.store.schema import opt_outs

__all__ = [
    "in_force",
    "insert_opt_out",
    "lift_opt_out",
    "list_opt_outs",
    "opt_out_page",
    "record_opt_out",
]

_o = opt_outs.c


def record_opt_out(connection: sa.Connection, account_id: str, opt_out: OptOut) -> OptOut:
    """Store an opt-out unless the number has one in force already.

    Returns:
        The opt-out in force: the new one, or the earlier one that already blocked the number.
    """
    insert_opt_out(connection, account_id, opt_out)
    current = in_force(connection, account_id, [opt_out.number])
    return current[opt_out.number]


def insert_opt_out(connection: sa.Connection, account_id: str, opt_out: OptOut) -> bool:
    """Store an opt-out unless the number has one in force already (then nothing changes).

    Returns:
        Whether this one was stored; ``False`` when the number was blocked already, also by a
        concurrent transaction (the insert waits for it, then does nothing).
    """
    key = account_key(connection, account_id, now=None)
    # Either unique index may refuse it: the number's opt-out in force, or (once the account
    # has erased a number) the one in force under the number's hash, erased or not.
    inserted = connection.execute(
        dialects.insert(connection, opt_outs)
        .values(
            account_id=account_id,
            number=opt_out.number.e164,
            opted_out_at=opt_out.opted_out_at,
            source=opt_out.source.value,
            keyword=opt_out.keyword,
            line_number=opt_out.line.e164 if opt_out.line else None,
            number_hash=number_hash(key, opt_out.number.e164) if key is not None else None,
        )
        .on_conflict_do_nothing()
        .returning(_o.seq)
    )
    return inserted.first() is not None


# Built once: every send checks its recipients, and building the statements per call cost
# more CPU than running them (benchmarks/mass_send.py).
_IN_FORCE = opt_outs.select().where(
    _o.account_id == sa.bindparam("b_account_id"), _o.lifted_at.is_(None)
)
_IN_FORCE_BY_NUMBER = _IN_FORCE.where(_o.number.in_(sa.bindparam("b_values", expanding=True)))
_IN_FORCE_BY_HASH = _IN_FORCE.where(_o.number_hash.in_(sa.bindparam("b_values", expanding=True)))


def in_force(
    connection: sa.Connection, account_id: str, numbers: Collection[PhoneNumber]
) -> dict[PhoneNumber, OptOut]:
    """The opt-outs in force among ``numbers``, by number; erased ones matched by their hash.

    An erased opt-out is returned with the number it was asked for, never its stored marker.
    """
    if not numbers:
        return {}
    by_e164 = {number.e164: number for number in numbers}
    by_hash = _hashes(connection, account_id, by_e164)
    # Two lookups, each along its own unique index, rather than one OR that neither serves.
    rows = list(
        connection.execute(
            _IN_FORCE_BY_NUMBER, {"b_account_id": account_id, "b_values": list(by_e164)}
        ).mappings()
    )
    if by_hash:
        rows += connection.execute(
            _IN_FORCE_BY_HASH, {"b_account_id": account_id, "b_values": list(by_hash)}
        ).mappings()
    found: dict[PhoneNumber, OptOut] = {}
    for row in rows:
        number = by_e164.get(row["number"]) or by_hash[row["number_hash"]]
        found[number] = attrs.evolve(_opt_out(row), number=number)
    return found


def _hashes(
    connection: sa.Connection, account_id: str, by_e164: dict[str, PhoneNumber]
) -> dict[str, PhoneNumber]:
    """The numbers by their keyed hash, when the account has an erasure key (else none)."""
    key = account_key(connection, account_id, now=None)
    if key is None:
        return {}
    return {number_hash(key, e164): number for e164, number in by_e164.items()}


def _matching(by_e164: Collection[str], by_hash: Collection[str]) -> sa.ColumnElement[bool]:
    """Rows of these numbers, by number or by hash."""
    if not by_hash:
        return _o.number.in_(list(by_e164))
    return sa.or_(_o.number.in_(list(by_e164)), _o.number_hash.in_(list(by_hash)))


def list_opt_outs(
    connection: sa.Connection, account_id: str, *, include_lifted: bool = False
) -> list[OptOut]:
    """The account's opt-outs, oldest first; only those in force unless ``include_lifted``."""
    found = opt_out_page(connection, account_id, include_lifted=include_lifted, after=None)
    return [opt_out for _, opt_out in found]


def opt_out_page(
    connection: sa.Connection,
    account_id: str,
    *,
    include_lifted: bool,
    after: tuple[int] | None,
    limit: int | None = None,
) -> list[tuple[tuple[int], OptOut]]:
    """Up to ``limit`` of :func:`list_opt_outs` after the place ``after`` (its ``seq``), keyed.

    Read in order from ``ix_opt_outs_account``.
    """
    query = opt_outs.select().where(_o.account_id == account_id).order_by(_o.seq)
    if not include_lifted:
        query = query.where(_o.lifted_at.is_(None))
    if after is not None:
        query = query.where(_o.seq > after[0])
    if limit is not None:
        query = query.limit(limit)
    return [((row["seq"],), _opt_out(row)) for row in connection.execute(query).mappings()]


def lift_opt_out(
    connection: sa.Connection,
    account_id: str,
    number: PhoneNumber,
    *,
    at: datetime,
    by: str | None,
    reason: str,
) -> OptOut | None:
    """Lift the number's opt-out in force, recording who, when and why.

    Returns:
        The lifted opt-out, or ``None`` when none was in force.
    """
    current = in_force(connection, account_id, [number]).get(number)
    if current is None:
        return None
    by_e164 = {number.e164: number}
    lifted = connection.execute(
        opt_outs.update()
        .where(
            _o.account_id == account_id,
            _o.lifted_at.is_(None),
            _matching(by_e164, _hashes(connection, account_id, by_e164)),
        )
        .values(lifted_at=at, lifted_by=by, lift_reason=reason)
    )
    if lifted.rowcount != 1:
        return None
    return attrs.evolve(current, lifted_at=at, lifted_by=by, lift_reason=reason)


def _opt_out(row: sa.RowMapping) -> OptOut:
    return from_row(row, OptOut, line=row["line_number"])
