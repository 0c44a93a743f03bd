# Over 400 lines: the quiet-hours rule kept whole so it reads in one look: the windows, the time
# zones a number may be in, and the refusal's wording.
"""Quiet hours: whether a text may reach a recipient now, in the recipient's local time.

The rules are data (``quiet_hours.toml`` beside this module, ``sms-rules.md`` §4; a number's
state comes from the project's area-code table, :mod:`sms_core.compliance.area_codes`):

* A default window, the federal 8 a.m. to 9 p.m. of 47 CFR 64.1200(c)(1), applies to every
  number, whatever its country.
* A state rule narrows it for US numbers whose area code belongs to that state. Florida's and
  Oklahoma's acts presume the recipient lives where the area code is, so the area code decides
  the state, not the number's time zone. The bundled rows cite their sources; most are
  reported by vendor tables only, which conflict, and hosts can replace them.
* Every time zone ``phonenumbers`` gives for the number is considered, and sending is allowed
  only while every one of them allows it: an Idaho number (Boise and Los Angeles) waits for
  8 a.m. in Los Angeles and stops at 9 p.m. in Boise. A toll-free number maps to all 42 zones
  of +1, from Guam to Newfoundland, which leaves 22:00 UTC (8 a.m. in Guam) until 9 p.m. in
  St. John's: 90 minutes a day in summer, two and a half hours in winter.
* When ``phonenumbers`` cannot place the number (``Etc/Unknown``), the window must be open in
  every US time zone from Eastern to Hawaii; :attr:`UnknownZone.REFUSE` refuses instead.

Windows are wall-clock times ``[start, end)``: a window opens at the first moment the local
clock reads ``start`` and closes at the first moment it reads ``end``, so DST transitions need
no special rules; a start the clock skips (spring forward) opens when the clock jumps past it.
The time is always passed in: nothing here reads the clock. A refusal's wording lives here too
(:meth:`QuietHoursDecision.refusal`), beside the rule it explains.

The module is longer than the house's 400 lines because the rule is meant to be read in one
place: its data loading, its DST-safe windows and its wording belong together.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from importlib import resources
from typing import Any, Final
from zoneinfo import ZoneInfo

import attrs
import phonenumbers
from phonenumbers import timezone as phonenumbers_timezone

from sms_core.compliance.area_codes import US_AREA_CODES, state_of_area_code
from sms_core.domain.phone import PhoneNumber
from sms_core.exceptions import QuietHoursError

__all__ = [
    "DEFAULT_QUIET_HOURS",
    "FEDERAL_WINDOW",
    "STATE_RULES",
    "US_TIME_ZONES",
    "Basis",
    "LocalWindow",
    "QuietHoursDecision",
    "QuietHoursPolicy",
    "StateRule",
    "UnknownZone",
    "Weekday",
    "area_code_state",
]

#: The zones of the 50 states and DC, Eastern to Hawaii, used when a number's zone is unknown.
US_TIME_ZONES: Final = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "America/Adak",
    "Pacific/Honolulu",
)

# How far ahead next_allowed is searched: a week covers every weekly pattern, plus a day.
_HORIZON_DAYS = 8
_MICROSECOND = timedelta(microseconds=1)


class Weekday(StrEnum):
    """A day of the week, in ``date.weekday()`` order."""

    #: Monday.
    MONDAY = "monday"
    #: Tuesday.
    TUESDAY = "tuesday"
    #: Wednesday.
    WEDNESDAY = "wednesday"
    #: Thursday.
    THURSDAY = "thursday"
    #: Friday.
    FRIDAY = "friday"
    #: Saturday.
    SATURDAY = "saturday"
    #: Sunday.
    SUNDAY = "sunday"

    @classmethod
    def of(cls, day: date) -> Weekday:
        """The weekday of a date."""
        return _WEEKDAYS[day.weekday()]


_WEEKDAYS: Final = tuple(Weekday)


class Basis(StrEnum):
    """How well a state rule is sourced."""

    #: Several sources cite the statute and agree on the window.
    STATUTE = "statute"
    #: Reported by vendor compliance tables only, which may conflict; verify before relying.
    REPORTED = "reported"


class UnknownZone(StrEnum):
    """What to do when ``phonenumbers`` cannot give a number's time zone."""

    #: Allow only while the window is open in every US time zone, Eastern to Hawaii.
    EVERY_US_ZONE = "every_us_zone"
    #: Refuse: without a zone the recipient's local time cannot be known (strict mode).
    REFUSE = "refuse"


def _weekdays(days: Iterable[str]) -> frozenset[Weekday]:
    if isinstance(days, str):
        raise TypeError(f"closed_on takes a collection of weekdays, not the string {days!r}")
    return frozenset(Weekday(day) for day in days)


def _check_window(instance: LocalWindow, attribute: attrs.Attribute[time], value: time) -> None:
    if value.tzinfo is not None:
        raise ValueError(f"window times are local wall-clock times, without a zone: {value!r}")


@attrs.frozen(kw_only=True)
class LocalWindow:
    """The local hours in which texts are allowed: from ``start`` up to, not including, ``end``.

    Attributes:
        start: The wall-clock time sending opens.
        end: The wall-clock time sending closes; later than ``start`` on the same day.
        closed_on: Days on which sending is not allowed at all.
    """

    start: time = attrs.field(validator=_check_window)
    end: time = attrs.field(validator=_check_window)
    closed_on: frozenset[Weekday] = attrs.field(default=frozenset(), converter=_weekdays)

    def __attrs_post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(
                f"a window must end after it starts on the same day, got {self}; "
                "disable quiet hours rather than allow the whole day"
            )
        if len(self.closed_on) == len(Weekday):
            raise ValueError("a window must be open on at least one day of the week")

    def __str__(self) -> str:
        hours = f"{self.start:%H:%M} to {self.end:%H:%M}"
        closed = [day.capitalize() for day in Weekday if day in self.closed_on]
        return f"{hours}, closed on {' and '.join(closed)}" if closed else hours


@attrs.frozen(kw_only=True)
class StateRule:
    """A US state's own window, applied on top of the default one.

    Attributes:
        state: The USPS code, ``"FL"``.
        name: The state's name, for messages.
        window: Its window in the recipient's local time.
        basis: How well the rule is sourced.
        source: The statute or tables it comes from.
    """

    state: str = attrs.field(validator=attrs.validators.matches_re(r"[A-Z]{2}"))
    name: str
    window: LocalWindow
    basis: Basis
    source: str


@attrs.frozen(kw_only=True)
class QuietHoursDecision:
    """Whether a text may be sent now, and if not, why and when.

    Attributes:
        allowed: Whether sending is allowed at the time asked about.
        reason: Why, in a sentence naming the local time, zone and window that refused.
        zones: The IANA zones considered; none when disabled or refusing an unknown zone.
        state: The US state the area code belongs to, when it has one.
        next_allowed: The earliest moment at or after the time asked about when every zone
            allows sending, in UTC: the time asked about itself when allowed, ``None`` when
            no moment in the next eight days is.
    """

    allowed: bool
    reason: str
    zones: tuple[str, ...] = ()
    state: str | None = None
    next_allowed: datetime | None = None

    def refusal(self, number: PhoneNumber) -> QuietHoursError | None:
        """The error refusing a text to ``number``, saying when it may go; ``None`` if allowed."""
        if self.allowed:
            return None
        message = f"{number} cannot be texted now because of quiet hours: {self.reason}"
        if self.next_allowed is not None:
            message += f" ({_local_times(self.next_allowed, self.zones)}); send it then"
        return QuietHoursError(message, number=number.e164, next_allowed=self.next_allowed)


# How many zones a quiet-hours refusal names before it summarizes the rest.
_ZONES_SHOWN = 3


def _local_times(moment: datetime, zones: tuple[str, ...]) -> str:
    """``moment`` as the recipient's clocks read it: ``"08:00 local time in America/Denver"``."""
    readings: dict[str, list[str]] = {}
    for zone in zones:
        readings.setdefault(f"{moment.astimezone(ZoneInfo(zone)):%H:%M}", []).append(zone)
    parts = []
    for local, names in list(readings.items())[:_ZONES_SHOWN]:
        shown = ", ".join(names[:_ZONES_SHOWN])
        more = f" and {len(names) - _ZONES_SHOWN} more zones" if len(names) > _ZONES_SHOWN else ""
        parts.append(f"{local} local time in {shown}{more}")
    return "; ".join(parts)


def _read_window(row: Mapping[str, Any]) -> LocalWindow:
    return LocalWindow(
        start=time.fromisoformat(row["start"]),
        end=time.fromisoformat(row["end"]),
        closed_on=row.get("closed_on", ()),
    )


def _read_data() -> tuple[LocalWindow, tuple[StateRule, ...]]:
    data = tomllib.loads(
        resources.files("sms_core.compliance")
        .joinpath("quiet_hours.toml")
        .read_text(encoding="utf-8")
    )
    rules = tuple(
        StateRule(
            state=row["state"],
            name=row["name"],
            window=_read_window(row),
            basis=Basis(row["basis"]),
            source=row["source"],
        )
        for row in data["states"]
    )
    return _read_window(data["default"]), rules


_default_window, _state_rules = _read_data()
#: 8 a.m. to 9 p.m. at the called party's location, 47 CFR 64.1200(c)(1).
FEDERAL_WINDOW: Final = _default_window
#: The bundled state rules: Florida, Oklahoma and others, each with its source and basis.
STATE_RULES: Final = _state_rules


def area_code_state(number: PhoneNumber) -> str | None:
    """The US state (USPS code, ``"DC"`` included) a number's area code belongs to.

    Returns:
        The state, or ``None`` for a number outside the US, or a non-geographic one.
    """
    if number.country_code != 1:
        return None
    return state_of_area_code(number.e164[2:5])


@functools.lru_cache(maxsize=4096)
def _time_zones(number: PhoneNumber) -> tuple[str, ...]:
    """The time zones ``phonenumbers`` gives for the number, using the kind it keeps.

    Remembered for the last 4,096 numbers, as their parsing is (agencies text the same
    candidates again and again): the lookup matches the number against every prefix of its
    country's time-zone table.
    """
    if phonenumbers.is_number_type_geographical(number.kind(), number.country_code):
        return tuple(phonenumbers_timezone.time_zones_for_geographical_number(number.parsed()))
    return tuple(phonenumbers_timezone.time_zones_for_number(number.parsed()))


def _check_rules(
    instance: QuietHoursPolicy,
    attribute: attrs.Attribute[tuple[StateRule, ...]],
    value: tuple[StateRule, ...],
) -> None:
    states = [rule.state for rule in value]
    if duplicates := sorted({state for state in states if states.count(state) > 1}):
        raise ValueError(f"one rule per state, but {duplicates} have several")
    known = set(US_AREA_CODES)
    if unknown := sorted(set(states) - known):
        raise ValueError(
            f"no area codes are known for {unknown}; state rules take USPS codes of US states"
        )


def _rules(rules: Iterable[StateRule]) -> tuple[StateRule, ...]:
    return tuple(rules)


@attrs.frozen(kw_only=True)
class _Constraint:
    """One window that must be open in one zone."""

    zone: ZoneInfo
    window: LocalWindow
    owner: str

    def _first_instant(self, day: date, wall: time) -> datetime:
        """The first instant of ``day`` at which the clock in the zone reads ``wall`` or later."""
        naive = datetime.combine(day, wall)
        instant = naive.replace(tzinfo=self.zone).astimezone(UTC)
        if instant.astimezone(self.zone).replace(tzinfo=None) == naive:
            return instant  # fold=0 is the earlier of two repeated readings
        # The clock skipped ``wall`` (spring forward), so it first reads ``wall`` or later at the
        # transition. That lies between the two instants PEP 495 gives a skipped time; bisect.
        before = naive.replace(tzinfo=self.zone, fold=1).astimezone(UTC)
        after = instant
        while after - before > _MICROSECOND:
            middle = before + (after - before) / 2
            if middle.astimezone(self.zone).replace(tzinfo=None) >= naive:
                after = middle
            else:
                before = middle
        return after

    def next_open(self, moment: datetime) -> datetime | None:
        """``moment`` if the window is open then, else the next opening within the horizon."""
        today = moment.astimezone(self.zone).date()
        for offset in range(_HORIZON_DAYS + 1):
            day = today + timedelta(days=offset)
            if Weekday.of(day) in self.window.closed_on:
                continue
            if moment < self._first_instant(day, self.window.end):
                return max(moment, self._first_instant(day, self.window.start))
        return None

    def describe(self, moment: datetime) -> str:
        local = moment.astimezone(self.zone)
        return f"it is {local:%a %H:%M} in {self.zone.key}, outside {self.owner} ({self.window})"


def _earliest(constraints: Iterable[_Constraint], at: datetime) -> datetime | None:
    """The earliest moment from ``at`` at which every constraint is open, within the horizon."""
    pending = tuple(constraints)
    limit = at + timedelta(days=_HORIZON_DAYS)
    moment = at
    while moment <= limit:
        # Jump to the next opening of the first closed window; stop when none is closed.
        for constraint in pending:
            opening = constraint.next_open(moment)
            if opening is None:
                return None
            if opening != moment:
                moment = opening
                break
        else:
            return moment
    return None


@attrs.frozen(kw_only=True, cache_hash=True)  # hashed once: it keys the windows' cache
class QuietHoursPolicy:
    """When texts may reach recipients: a default window, state rules and the unknown case.

    ``QuietHoursPolicy()`` is the bundled policy (:data:`DEFAULT_QUIET_HOURS`). Change parts
    with ``attrs.evolve``, for example ``state_rules=()`` for the federal window alone, or
    only the rules with ``basis`` :attr:`Basis.STATUTE`; :meth:`disabled` allows every send.

    Attributes:
        enabled: Whether quiet hours are enforced at all.
        default_window: The window every number gets.
        state_rules: Windows that narrow the default one for US states, one per state.
        unknown_zone: What to do for a number ``phonenumbers`` cannot place.
    """

    enabled: bool = True
    default_window: LocalWindow = FEDERAL_WINDOW
    state_rules: tuple[StateRule, ...] = attrs.field(
        default=STATE_RULES, converter=_rules, validator=_check_rules
    )
    unknown_zone: UnknownZone = UnknownZone.EVERY_US_ZONE

    @classmethod
    def disabled(cls) -> QuietHoursPolicy:
        """A policy that allows every send at any time."""
        return cls(enabled=False)

    def check(self, number: PhoneNumber, at: datetime) -> QuietHoursDecision:
        """Whether a text may reach ``number`` at ``at``, and if not, when it next may.

        Args:
            number: The recipient.
            at: The moment of sending; timezone-aware (the injected clock's ``now()``).

        Returns:
            The decision, with the zones and state considered and the next allowed moment.

        Raises:
            ValueError: When ``at`` is naive.
            zoneinfo.ZoneInfoNotFoundError: When the system has no data for a zone; install
                the ``tzdata`` package.
        """
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError(f"quiet hours need an aware datetime, got {at!r}")
        at = at.astimezone(UTC)
        if not self.enabled:
            return QuietHoursDecision(
                allowed=True, reason="quiet hours are disabled", next_allowed=at
            )

        state = area_code_state(number)
        zones = _time_zones(number)
        preamble = ""
        if phonenumbers_timezone.UNKNOWN_TIMEZONE in zones:
            if self.unknown_zone is UnknownZone.REFUSE:
                reason = f"the time zone of {number} is unknown, and unknown zones are refused"
                return QuietHoursDecision(allowed=False, reason=reason, state=state)
            zones = US_TIME_ZONES
            preamble = f"the time zone of {number} is unknown, so every US zone counts: "

        next_allowed, why = _window(self, zones, state, at)
        return QuietHoursDecision(
            allowed=next_allowed == at,
            reason=preamble + why,
            zones=zones,
            state=state,
            next_allowed=next_allowed,
        )

    def _constraints(self, zones: Iterable[str], state: str | None) -> list[_Constraint]:
        """The default window, and the state's if it has one, in each of the zones."""
        windows = [(self.default_window, "the default hours")]
        windows += [(r.window, f"{r.name}'s hours") for r in self.state_rules if r.state == state]
        return [
            _Constraint(zone=ZoneInfo(zone), window=window, owner=owner)
            for zone in zones
            for window, owner in windows
        ]


@functools.lru_cache(maxsize=256)
def _window(
    policy: QuietHoursPolicy, zones: tuple[str, ...], state: str | None, at: datetime
) -> tuple[datetime | None, str]:
    """The next allowed moment from ``at`` in ``zones`` and ``state``, and why, under ``policy``.

    Remembered: a mass text checks every recipient at one moment, and most of them share
    their zone and state, so the windows are worked out once per zone and state, not once
    per recipient.
    """
    constraints = policy._constraints(zones, state)
    next_allowed = _earliest(constraints, at)
    if next_allowed == at:
        return next_allowed, f"within the allowed hours in {', '.join(zones)}"
    closed = next(c for c in constraints if c.next_open(at) != at)
    if next_allowed is None:
        when = f"no time in the next {_HORIZON_DAYS} days is allowed in all its zones"
    else:
        when = f"next allowed {next_allowed:%a %Y-%m-%d %H:%M} UTC"
    return next_allowed, f"{closed.describe(at)}; {when}"


#: The bundled policy: the federal window, every bundled state rule, US zones when unknown.
DEFAULT_QUIET_HOURS: Final = QuietHoursPolicy()
