"""Tenants and the people, lines and seats inside them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import attrs

from sms_core.domain.phone import PhoneNumber

__all__ = [
    "Account",
    "CarrierRegistration",
    "Line",
    "LineSummary",
    "Seat",
    "SeatSummary",
    "User",
]


@attrs.frozen(kw_only=True)
class Account:
    """A tenant: one agency on the host platform, texting through one carrier.

    Attributes:
        id: The host's identifier for the agency.
        name: A display name.
        provider: The carrier adapter's name (``"fake"``, say).
        provider_settings: Non-secret carrier settings (a sandbox file, a public webhook
            base URL). Secrets never live here: adapters read them from the environment
            or the host.
    """

    id: str
    name: str
    provider: str
    provider_settings: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class User:
    """A host user (a recruiter or an admin), mirrored from the host product.

    Attributes:
        permissions: The host's permission names this user holds, as the host spells them.
    """

    id: str
    account_id: str
    first_name: str
    last_name: str
    active: bool = True
    permissions: frozenset[str] = frozenset()

    @property
    def full_name(self) -> str:
        """First and last name, as lists show them."""
        return f"{self.first_name} {self.last_name}".strip()


class CarrierRegistration(StrEnum):
    """Where a line's number stands with the mobile carriers, as its carrier adapter reports.

    An approved campaign is not yet send-ready: once a number is attached to the campaign's
    messaging service, the carrier still registers it with the mobile carriers, which takes
    minutes to days and can fail. Texts from a number whose registration is still pending may
    be refused by the mobile carriers; the SDK does not hold them back (the carrier's refusal
    is reported on the message with advice), it shows the state so an admin knows why.

    The state moves only forward (:attr:`rank`): attaching a number makes it ``PENDING``, and
    the carrier's events move it to ``REGISTERED`` or ``FAILED``; a late or repeated event
    never moves it back. ``FAILED`` ranks below ``REGISTERED``: a number fixed and added to
    the service again at the carrier is registered after all, while a late failure report
    never undoes a registration.
    """

    #: Not attached to an approved messaging service: not a registered sender at all.
    NOT_ATTACHED = "not_attached"
    #: Attached; the carrier has not confirmed the registration with the mobile carriers yet.
    PENDING = "pending"
    #: The carrier reported the number registered: texts go out as the campaign's.
    REGISTERED = "registered"
    #: The carrier reported that registering the number failed; its code says why.
    FAILED = "failed"

    @property
    def rank(self) -> int:
        """The order states follow; an event is applied only when it raises the rank."""
        return _CARRIER_RANKS[self]

    @property
    def label(self) -> str:
        """The state as lists show it."""
        return _CARRIER_LABELS[self]


_CARRIER_RANKS = {
    CarrierRegistration.NOT_ATTACHED: 0,
    CarrierRegistration.PENDING: 1,
    CarrierRegistration.FAILED: 2,
    CarrierRegistration.REGISTERED: 3,
}
_CARRIER_LABELS = {
    CarrierRegistration.NOT_ATTACHED: "Not attached",
    CarrierRegistration.PENDING: "Carrier registration pending",
    CarrierRegistration.REGISTERED: "Registered with carriers",
    CarrierRegistration.FAILED: "Carrier registration failed",
}


@attrs.frozen(kw_only=True)
class Line:
    """A phone number the account owns and the users who text from it.

    Attributes:
        provider_ref: The carrier's identifier for the number (a phone number SID, say).
        registered: Whether the number is attached to the approved campaign (it may text).
        carrier_registration: Where the number's registration with the mobile carriers
            stands; see :class:`CarrierRegistration`.
        carrier_error_code: The carrier's code when that registration failed.
        carrier_error: What the carrier said about the failure, and what to do.
        forward_to: Where voice calls to the number are forwarded, if anywhere.
        user_ids: The users on the line, in the order they were assigned.
        seat_id: The seat the line belongs to, for seat-based hosts.
    """

    id: str
    account_id: str
    number: PhoneNumber
    provider_ref: str
    registered: bool = False
    carrier_registration: CarrierRegistration = CarrierRegistration.NOT_ATTACHED
    carrier_error_code: str | None = None
    carrier_error: str | None = None
    forward_to: PhoneNumber | None = None
    user_ids: tuple[str, ...] = ()
    seat_id: str | None = None

    @property
    def shared_badge(self) -> str:
        """``"+1"``, ``"+2"``, … for the users beyond the first; empty when not shared."""
        extra = len(self.user_ids) - 1
        return f"+{extra}" if extra > 0 else ""


@attrs.frozen(kw_only=True)
class Seat:
    """A paid texting seat: one number, its users, and a monthly message allowance.

    Attributes:
        monthly_allowance: Messages (or segments, per the host policy) allowed per month.
        used: How many of them the current period has used.
        period: The calendar month the count belongs to, as ``"YYYY-MM"``.
    """

    id: str
    account_id: str
    name: str
    monthly_allowance: int = 0
    used: int = 0
    period: str = ""

    @property
    def remaining(self) -> int:
        """What is left of this period's allowance."""
        return max(self.monthly_allowance - self.used, 0)


@attrs.frozen(kw_only=True)
class LineSummary:
    """A line as the number list shows it: the number, its status and its users."""

    line: Line
    users: tuple[User, ...]

    @property
    def needs_reallocation(self) -> bool:
        """Whether any user on the line is inactive (shown in red; re-allocate the line)."""
        return any(not user.active for user in self.users)


@attrs.frozen(kw_only=True)
class SeatSummary:
    """A seat as the seats page shows it: its number, users and allowance."""

    seat: Seat
    line: Line | None
    users: tuple[User, ...]
