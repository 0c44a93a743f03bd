"""Monthly allowances: whose allowance a text uses, how much, and when it resets.

The rules, the same for every scope (``HostPolicy.allowance_scope``):

* ``SEAT`` (texting sold by seat, the ATS): each send uses the allowance of the seat its line
  belongs to; a line without a seat is not metered. ``ACCOUNT``: each send uses the account's
  one monthly pool (the agency's), of ``HostPolicy.monthly_allowance``, whatever line it is sent
  from. ``NONE``: nothing is metered.
* The allowance belongs to the calendar month (UTC) of the send.
* ``HostPolicy.allowance_unit`` says what counts: ``MESSAGE`` counts a text once however many
  segments it has (the ATS's "remaining messages for the month"); ``SEGMENT`` counts each
  segment, as carriers bill.
* A mass text is counted per recipient: each recipient's text uses the allowance on its own,
  in the order given, when the texts are stored (before any is handed to the carrier). When
  the allowance runs out, the recipients left are refused with the reason (the allowance
  error's message) and the ones before them are sent: nothing is overspent, and nothing a
  refused recipient would have used is charged.
* The use happens before the carrier is called, in the transaction that stores the message, by
  one conditional ``UPDATE`` (:mod:`sms_core.store.allowances`): concurrent sends never
  overspend it, and a send without enough left is refused with nothing written.
* A send the carrier refuses at once, or that never reached it, gives its units back to where
  they came from.
* A received text uses the allowance only when the host counts inbound texts. It cannot be
  refused, so when the allowance is used up it is stored without being counted.
* The first use in a new month starts the month's count from zero in the same statement; no
  scheduled job resets anything, and the reports (:meth:`SeatAdmin.list`,
  :meth:`AllowanceAdmin.pool`) show an allowance untouched this month whole.
"""

from __future__ import annotations

from datetime import UTC, datetime

import attrs

from sms_core.domain import (
    Account,
    AllowancePool,
    AllowanceScope,
    AllowanceUnit,
    HostPolicy,
    Line,
)
from sms_core.exceptions import AllowanceExhaustedError
from sms_core.segments import SegmentAnalysis
from sms_core.services.context import AccountContext
from sms_core.store import Transaction
from sms_core.store import allowances as allowance_store
from sms_core.store import seats as seat_store
from sms_core.store.messages import Charge

__all__ = [
    "AllowanceAdmin",
    "allowance_period",
    "allowance_resets_at",
    "charge_inbound",
    "charge_send",
    "is_metered",
    "metered_scope",
    "refund",
    "units_for",
]


def allowance_period(moment: datetime) -> str:
    """The allowance period ``moment`` falls in: its calendar month in UTC, as ``"YYYY-MM"``.

    A count belongs to one period; when the clock enters a new month the count reads as zero
    and the next use starts the new period, so no scheduled reset job is needed.
    """
    return moment.astimezone(UTC).strftime("%Y-%m")


def allowance_resets_at(moment: datetime) -> datetime:
    """The start (UTC) of the month after the one ``moment`` falls in."""
    utc = moment.astimezone(UTC)
    year, month = (utc.year + 1, 1) if utc.month == 12 else (utc.year, utc.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


def metered_scope(policy: HostPolicy, line: Line) -> AllowanceScope:
    """Whose allowance texts on ``line`` use; ``NONE`` when they are not metered."""
    scope = policy.allowance_scope
    if scope is AllowanceScope.SEAT and line.seat_id is None:
        return AllowanceScope.NONE
    return scope


def is_metered(policy: HostPolicy, line: Line) -> bool:
    """Whether texts on ``line`` use an allowance (a seat's or the account's)."""
    return metered_scope(policy, line) is not AllowanceScope.NONE


def units_for(policy: HostPolicy, analysis: SegmentAnalysis) -> int:
    """What one text uses of an allowance under ``policy``."""
    return analysis.segments if policy.allowance_unit is AllowanceUnit.SEGMENT else 1


def charge_send(
    connection: Transaction,
    policy: HostPolicy,
    line: Line,
    analysis: SegmentAnalysis,
    now: datetime,
) -> Charge | None:
    """Use the allowance a send needs, from the line's seat or the account's pool.

    Returns:
        What was used, to store with the message; ``None`` when the line is not metered.

    Raises:
        AllowanceExhaustedError: When the allowance has not enough left; nothing changed.
    """
    scope = metered_scope(policy, line)
    units = units_for(policy, analysis)
    period = allowance_period(now)
    if scope is AllowanceScope.ACCOUNT:
        if allowance_store.use_account(
            connection,
            line.account_id,
            units=units,
            period=period,
            allowance=policy.monthly_allowance,
        ):
            return Charge(scope=scope, units=units, period=period)
    elif scope is AllowanceScope.SEAT and line.seat_id is not None:
        if seat_store.use_allowance(connection, line.seat_id, units=units, period=period):
            return Charge(scope=scope, units=units, period=period, seat_id=line.seat_id)
    else:
        return None
    raise _exhausted(connection, policy, line, units, now)


def charge_inbound(
    connection: Transaction,
    policy: HostPolicy,
    line: Line,
    analysis: SegmentAnalysis,
    now: datetime,
) -> Charge | None:
    """Use the allowance for a received text, if the host counts them and some is left.

    Returns:
        What was used; ``None`` when not counted.
    """
    if not policy.count_inbound:
        return None
    try:
        return charge_send(connection, policy, line, analysis, now)
    except AllowanceExhaustedError:
        return None


def refund(connection: Transaction, account_id: str, charge: Charge | None) -> None:
    """Give back what a send used, to where it came from, if it is still that month."""
    if charge is None:
        return
    if charge.scope is AllowanceScope.ACCOUNT:
        allowance_store.refund_account(
            connection, account_id, units=charge.units, period=charge.period
        )
    elif charge.seat_id is not None:
        seat_store.refund_allowance(
            connection, charge.seat_id, units=charge.units, period=charge.period
        )


def account_pool(
    connection: Transaction, account: Account, policy: HostPolicy, now: datetime
) -> AllowancePool | None:
    """The account's pool this month; ``None`` when the host does not pool per account."""
    if policy.allowance_scope is not AllowanceScope.ACCOUNT:
        return None
    period = allowance_period(now)
    return AllowancePool(
        account_id=account.id,
        monthly_allowance=policy.monthly_allowance,
        used=allowance_store.account_used(connection, account.id, period),
        period=period,
        unit=policy.allowance_unit,
        resets_at=allowance_resets_at(now),
    )


@attrs.define
class AllowanceAdmin:
    """The account's monthly allowance as the host meters it (see the module's rules)."""

    _context: AccountContext

    def scope(self) -> AllowanceScope:
        """Whose allowance the account's texts use, per the active host's policy."""
        return self._context.policy().allowance_scope

    def pool(self) -> AllowancePool | None:
        """The account's monthly pool as it stands now.

        Returns:
            The pool, with what is left and when it resets; ``None`` when the host does not
            pool the allowance per account (per seat: see ``seats.list()``; or not metered).
        """
        context = self._context
        with context.database.transaction() as connection:
            return account_pool(connection, context.account, context.policy(), context.now())


def _exhausted(
    connection: Transaction, policy: HostPolicy, line: Line, units: int, now: datetime
) -> AllowanceExhaustedError:
    resets_at = allowance_resets_at(now)
    unit = "segments" if policy.allowance_unit is AllowanceUnit.SEGMENT else "messages"
    if line.seat_id is not None and policy.allowance_scope is AllowanceScope.SEAT:
        seat = seat_store.get_seat(
            connection, line.account_id, line.seat_id, period=allowance_period(now)
        )
        assert seat is not None, "a line's seat is never deleted"
        used = seat.used
        total, seat_id = seat.monthly_allowance, seat.id
        whose = f"seat {seat.name!r} ({line.number})"
        advice = "send it then"
    else:
        used = allowance_store.account_used(connection, line.account_id, allowance_period(now))
        total, seat_id = policy.monthly_allowance, None
        whose = f"the account's pool ({line.account_id})"
        advice = "send it then (the host product sets the pool's size)"
    remaining = max(total - used, 0)
    return AllowanceExhaustedError(
        f"{whose} has {remaining} of its {total} {unit} left this month and this text needs "
        f"{units}; the allowance resets on {resets_at:%Y-%m-%d %H:%M} UTC; {advice}",
        seat_id=seat_id,
        remaining=remaining,
        total=total,
        needed=units,
        resets_at=resets_at,
        scope=policy.allowance_scope,
    )
