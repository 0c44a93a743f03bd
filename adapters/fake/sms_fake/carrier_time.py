"""The carrier's clock: the injected clock plus an offset kept with the carrier's state.

Moving the carrier forward changes the stored offset, so every process that opens the same
state, now or later, sees the same carrier time.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from sms_core.clock import Clock
from sms_fake.store import read_setting, write_setting

__all__ = ["CarrierClock", "from_micros", "to_micros"]

_OFFSET = "clock.offset_us"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_micros(moment: datetime) -> int:
    """An aware datetime as integer microseconds since the epoch, as the store keeps times."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def from_micros(micros: int) -> datetime:
    """The aware UTC datetime for stored microseconds."""
    return _EPOCH + timedelta(microseconds=micros)


class CarrierClock:
    """Tells and moves the carrier's time.

    Args:
        clock: The base time; the carrier never reads the wall clock any other way.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def now(self, conn: sqlite3.Connection) -> datetime:
        """The carrier's current time, in UTC."""
        return self._clock.now().astimezone(UTC) + self.offset(conn)

    def offset(self, conn: sqlite3.Connection) -> timedelta:
        """How far the carrier runs ahead of the base clock."""
        stored = read_setting(conn, _OFFSET)
        return timedelta(microseconds=int(stored)) if stored else timedelta(0)

    def advance(self, conn: sqlite3.Connection, delta: timedelta) -> datetime:
        """Move the carrier forward by ``delta`` and return its new time.

        Raises:
            ValueError: When ``delta`` is negative: carrier time only moves forward.
        """
        if delta < timedelta(0):
            raise ValueError(f"the carrier clock only moves forward, got {delta}")
        offset = self.offset(conn) + delta
        write_setting(conn, _OFFSET, str(offset // timedelta(microseconds=1)))
        return self.now(conn)
