"""Injected time, so monthly resets, quiet hours and carrier timelines are testable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

import attrs

__all__ = ["Clock", "ManualClock", "SystemClock"]


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        """The current wall-clock time in UTC."""
        return datetime.now(UTC)


@attrs.define
class ManualClock:
    """A clock that moves only when told to: for tests, demos and sandboxes.

    Attributes:
        current: The time it shows; must be timezone-aware.
    """

    current: datetime = attrs.field()

    @current.validator
    def _aware(self, attribute: attrs.Attribute[datetime], value: datetime) -> None:
        if value.tzinfo is None:
            raise ValueError(f"ManualClock needs an aware datetime, got {value!r}")

    def now(self) -> datetime:
        """The time it was set or advanced to."""
        return self.current

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` and return the new time."""
        if delta < timedelta(0):
            raise ValueError(f"a clock only moves forward, got {delta}")
        self.current = self.current + delta
        return self.current
