"""What a host product decides: its limits, its permissions and its activity record."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import attrs

from sms_core.domain.accounts import User
from sms_core.domain.messages import Message

__all__ = [
    "Action",
    "Activity",
    "AllowancePool",
    "AllowanceScope",
    "AllowanceUnit",
    "Decision",
    "HostPolicy",
]


class Action(StrEnum):
    """What an actor may be allowed to do; the host decides who may."""

    #: Search, buy, assign, re-allocate and deactivate numbers; manage seats.
    MANAGE_NUMBERS = "manage_numbers"
    #: Set policy URLs and submit or resubmit the brand and campaign.
    MANAGE_REGISTRATION = "manage_registration"
    #: Set or clear the forwarding number of a line (admins, or the line's own users).
    CONFIGURE_FORWARDING = "configure_forwarding"
    #: Text candidates from one's line.
    SEND_MESSAGE = "send_message"
    #: Read message history and opt-outs.
    VIEW_HISTORY = "view_history"


@attrs.frozen(kw_only=True)
class Decision:
    """A host's answer to "may this user do this?".

    Attributes:
        reason: Why not, worded for the person refused, naming what grants the right.
    """

    allowed: bool
    reason: str = ""

    @classmethod
    def allow(cls) -> Decision:
        """An approval."""
        return cls(allowed=True)

    @classmethod
    def deny(cls, reason: str) -> Decision:
        """A refusal with its reason."""
        return cls(allowed=False, reason=reason)


class AllowanceUnit(StrEnum):
    """What a monthly allowance counts."""

    #: One per message, however many segments it has.
    MESSAGE = "message"
    #: One per segment, as carriers bill.
    SEGMENT = "segment"


class AllowanceScope(StrEnum):
    """Whose monthly allowance a text uses (see :mod:`sms_core.services.allowance`)."""

    #: Each seat's own allowance (texting sold by seat); lines without a seat are not metered.
    SEAT = "seat"
    #: One pool for the whole account (the agency), shared by every line.
    ACCOUNT = "account"
    #: Texts are not metered.
    NONE = "none"


@attrs.frozen(kw_only=True)
class AllowancePool:
    """An account's monthly pool (``AllowanceScope.ACCOUNT``) as it stands this month.

    Attributes:
        monthly_allowance: The pool per calendar month (the host policy's).
        used: What this month's texts have used of it.
        period: This month, ``"YYYY-MM"`` (UTC).
        unit: What it counts (messages or segments).
        resets_at: When next month's pool starts (UTC).
    """

    account_id: str
    monthly_allowance: int
    used: int
    period: str
    unit: AllowanceUnit
    resets_at: datetime

    @property
    def remaining(self) -> int:
        """What is left of this month's pool."""
        return max(self.monthly_allowance - self.used, 0)


def _default_scope(policy: HostPolicy) -> AllowanceScope:
    """Per seat when the host has seats, else none: what hosts had before scopes existed."""
    return AllowanceScope.SEAT if policy.seats_enabled else AllowanceScope.NONE


def _coherent_scope(
    policy: HostPolicy, attribute: attrs.Attribute[AllowanceScope], scope: AllowanceScope
) -> None:
    """Refuse an allowance scope that the rest of the policy contradicts.

    Runs once every field is set (attrs runs validators after ``__init__`` assigns them all).

    Raises:
        ValueError: When ``SEAT`` is chosen without seats, ``SEAT`` or ``ACCOUNT`` without an
            allowance of at least 1, or ``NONE`` with an allowance.
    """
    if not isinstance(scope, AllowanceScope):
        raise ValueError(
            f"allowance_scope={scope!r} is not an AllowanceScope; use one of "
            f"{', '.join(f'AllowanceScope.{member.name}' for member in AllowanceScope)}"
        )
    allowance = policy.monthly_allowance
    if scope is AllowanceScope.SEAT and not policy.seats_enabled:
        raise ValueError(
            "allowance_scope=AllowanceScope.SEAT needs seats_enabled=True; enable seats, or "
            "use AllowanceScope.ACCOUNT for one pool for the whole account"
        )
    if scope is not AllowanceScope.NONE and allowance < 1:
        raise ValueError(
            f"allowance_scope=AllowanceScope.{scope.name} needs a monthly_allowance of 1 or "
            f"more, not {allowance!r}; set one, or use AllowanceScope.NONE to meter nothing"
        )
    if scope is AllowanceScope.NONE and allowance != 0:
        raise ValueError(
            f"monthly_allowance={allowance!r} would be ignored with AllowanceScope.NONE; "
            "choose AllowanceScope.SEAT or AllowanceScope.ACCOUNT, or leave the allowance 0"
        )


@attrs.frozen(kw_only=True)
class HostPolicy:
    """The limits a host product sets; the core enforces them.

    A user is on at most one line per account under every host (both reference products
    say so), which the schema itself enforces.

    Attributes:
        users_per_number: How many users may share one number; ``None`` for no limit.
        mass_text_cap: The most recipients one mass text may have.
        max_body_characters: The longest body a user may send; ``None`` for the carrier's limit.
        seats_enabled: Whether numbers belong to seats with a monthly allowance.
        monthly_allowance: Per calendar month: a new seat's allowance (``SEAT`` scope), or the
            account's pool (``ACCOUNT`` scope); 0 with ``NONE``.
        allowance_unit: What the allowance counts.
        count_inbound: Whether received texts use the allowance too.
        quiet_hours: Whether sends outside the recipient's allowed local hours are refused.
        allowance_scope: Whose allowance a text uses; by default ``SEAT`` when seats are
            enabled, else ``NONE`` (as before scopes existed). Checked against the fields
            above when the policy is made.
    """

    users_per_number: int | None = 1
    mass_text_cap: int = 50
    max_body_characters: int | None = None
    seats_enabled: bool = False
    monthly_allowance: int = 0
    allowance_unit: AllowanceUnit = AllowanceUnit.MESSAGE
    count_inbound: bool = False
    quiet_hours: bool = True
    allowance_scope: AllowanceScope = attrs.field(
        default=attrs.Factory(_default_scope, takes_self=True), validator=_coherent_scope
    )


@attrs.frozen(kw_only=True)
class Activity:
    """A message to record on the candidate's activity history in the host product.

    Attributes:
        user: The recruiter who sent it; ``None`` for an inbound message.
    """

    account_id: str
    candidate_id: str | None
    message: Message
    user: User | None = None
