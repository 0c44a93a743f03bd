"""Seat allowances: what a text uses of its seat's monthly allowance, and when it resets.

The rules (the ATS seat host's, written down for every host with seats):

* Each send uses the allowance of the seat its line belongs to, in the calendar month (UTC) of
  the send; a line without a seat, or a host without seats, is not metered.
* ``HostPolicy.allowance_unit`` says what counts: ``MESSAGE`` counts a text once however many
  segments it has (the ATS's "remaining messages for the month"); ``SEGMENT`` counts each
  segment, as carriers bill.
* The use happens before the carrier is called, in the transaction that stores the message, by
  one conditional ``UPDATE``: concurrent sends never overspend it, and a seat without enough
  left is refused with nothing written.
* A send the carrier refuses at once, or that never reached it, gives its units back.
* A received text uses the allowance only when the host counts inbound texts. It cannot be
  refused, so when the allowance is used up it is stored without being counted.
* The first use in a new month starts the month's count from zero in the same statement; no
  scheduled job resets anything, and :meth:`SeatAdmin.list` shows a seat untouched this month
  with its whole allowance.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from sms_core.domain import AllowanceUnit, HostPolicy, Line
from sms_core.exceptions import AllowanceExhaustedError
from sms_core.segments import SegmentAnalysis
from sms_core.services.seats import allowance_period
from sms_core.store import seats as seat_store
from sms_core.store.messages import Charge

__all__ = [
    "allowance_resets_at",
    "charge_inbound",
    "charge_send",
    "is_metered",
    "refund",
    "units_for",
]


def is_metered(policy: HostPolicy, line: Line) -> bool:
    """Whether texts on ``line`` use a seat's allowance: the host has seats, the line one."""
    return policy.seats_enabled and line.seat_id is not None


def units_for(policy: HostPolicy, analysis: SegmentAnalysis) -> int:
    """What one text uses of an allowance under ``policy``."""
    return analysis.segments if policy.allowance_unit is AllowanceUnit.SEGMENT else 1


def allowance_resets_at(moment: datetime) -> datetime:
    """The start (UTC) of the month after the one ``moment`` falls in."""
    utc = moment.astimezone(UTC)
    year, month = (utc.year + 1, 1) if utc.month == 12 else (utc.year, utc.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


def charge_send(
    connection: sa.Connection,
    policy: HostPolicy,
    line: Line,
    analysis: SegmentAnalysis,
    now: datetime,
) -> Charge | None:
    """Use the allowance a send needs from the line's seat.

    Returns:
        What was used, to store with the message; ``None`` when the line is not metered.

    Raises:
        AllowanceExhaustedError: When the seat has not enough left; nothing changed.
    """
    if not is_metered(policy, line) or line.seat_id is None:
        return None
    units = units_for(policy, analysis)
    period = allowance_period(now)
    if seat_store.use_allowance(connection, line.seat_id, units=units, period=period):
        return Charge(seat_id=line.seat_id, units=units, period=period)
    raise _exhausted(connection, policy, line, units, now)


def charge_inbound(
    connection: sa.Connection,
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


def refund(connection: sa.Connection, charge: Charge | None) -> None:
    """Give back what a send used, if it is still the month it was used in."""
    if charge is not None:
        seat_store.refund_allowance(
            connection, charge.seat_id, units=charge.units, period=charge.period
        )


def _exhausted(
    connection: sa.Connection, policy: HostPolicy, line: Line, units: int, now: datetime
) -> AllowanceExhaustedError:
    assert line.seat_id is not None
    seat = seat_store.get_seat(connection, line.account_id, line.seat_id)
    assert seat is not None, "a line's seat is never deleted"
    used = seat.used if seat.period == allowance_period(now) else 0
    remaining = max(seat.monthly_allowance - used, 0)
    resets_at = allowance_resets_at(now)
    unit = "segments" if policy.allowance_unit is AllowanceUnit.SEGMENT else "messages"
    return AllowanceExhaustedError(
        f"seat {seat.name!r} ({line.number}) has {remaining} of its {seat.monthly_allowance} "
        f"{unit} left this month and this text needs {units}; the allowance resets on "
        f"{resets_at:%Y-%m-%d %H:%M} UTC; send it then",
        seat_id=seat.id,
        remaining=remaining,
        total=seat.monthly_allowance,
        needed=units,
        resets_at=resets_at,
    )
