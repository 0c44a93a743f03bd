"""What a host product decides: its limits, its permissions and its activity record."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

import attrs

from sms_core.domain.accounts import User
from sms_core.domain.messages import Message
from sms_core.exceptions import HostDeclarationError
from sms_core.vocabulary import AllowanceScope

__all__ = [
    "HOST_NAME_PATTERN",
    "MAX_BODY_CHARACTERS_LIMIT",
    "MAX_MASS_TEXT_CAP",
    "Action",
    "Activity",
    "AllowancePool",
    "AllowanceScope",
    "AllowanceUnit",
    "Decision",
    "HostInfo",
    "HostPolicy",
]

#: The largest ``HostPolicy.max_body_characters``: ``ProviderCapabilities.max_body_characters``'
#: default and the longest body each shipped carrier adapter says its carrier accepts, which
#: is ten and more segments (:mod:`sms_core.segments`: 153 GSM-7 or 67 UCS-2 characters per
#: part of a long text). The core sends at most the smaller of the host's and the carrier's
#: limit, so a host limit above every carrier's would never be the one that applies.
MAX_BODY_CHARACTERS_LIMIT: Final = 1600

#: The largest ``HostPolicy.mass_text_cap``. A mass text is stored, checked and handed to the
#: carrier within the one call that sends it, and one call takes at most this many ids
#: (``sms_core.inputs.identifiers``); larger sends are a bulk campaign, which a recruiter's
#: low-volume 10DLC campaign is not registered for.
MAX_MASS_TEXT_CAP: Final = 1000

#: What a host's name may look like: a short lower-case identifier, as typed in
#: ``make_plugin_manager(host=...)`` and shown by ``smsadmin plugins``.
HOST_NAME_PATTERN: Final = re.compile(r"[a-z][a-z0-9_-]{0,39}")


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
        HostDeclarationError: When ``SEAT`` is chosen without seats, ``SEAT`` or ``ACCOUNT``
            without an allowance of at least 1, or ``NONE`` with an allowance.
    """
    if not isinstance(scope, AllowanceScope):
        raise HostDeclarationError.out_of_bounds(
            attribute.name,
            scope,
            f"one of {', '.join(f'AllowanceScope.{member.name}' for member in AllowanceScope)}",
        )
    allowance = policy.monthly_allowance
    if scope is AllowanceScope.SEAT and not policy.seats_enabled:
        raise HostDeclarationError.out_of_bounds(
            attribute.name,
            scope,
            "AllowanceScope.ACCOUNT (one pool for the whole account) or NONE without seats; "
            "AllowanceScope.SEAT needs seats_enabled=True",
        )
    if scope is not AllowanceScope.NONE and allowance < 1:
        raise HostDeclarationError.out_of_bounds(
            "monthly_allowance",
            allowance,
            f"1 or more with allowance_scope=AllowanceScope.{scope.name}, or use "
            "AllowanceScope.NONE to meter nothing",
        )
    if scope is AllowanceScope.NONE and allowance != 0:
        raise HostDeclarationError.out_of_bounds(
            "monthly_allowance",
            allowance,
            "0 with AllowanceScope.NONE, where it would be ignored; choose AllowanceScope.SEAT "
            "or AllowanceScope.ACCOUNT to meter texts",
        )


def _at_least_one_or_none(field: str, value: int | None) -> None:
    if value is not None and (not _is_int(value) or value < 1):
        raise HostDeclarationError.out_of_bounds(
            field, value, "a whole number of at least 1, or None"
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_users_per_number(_: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    """At least one user per number; ``None`` lifts the limit."""
    _at_least_one_or_none(attribute.name, value)


def _check_mass_text_cap(_: object, attribute: attrs.Attribute[Any], value: int) -> None:
    """A mass text reaches at least one candidate and at most :data:`MAX_MASS_TEXT_CAP`."""
    if not _is_int(value) or not 1 <= value <= MAX_MASS_TEXT_CAP:
        raise HostDeclarationError.out_of_bounds(
            attribute.name, value, f"a whole number from 1 to {MAX_MASS_TEXT_CAP}"
        )


def _check_max_body_characters(
    _: object, attribute: attrs.Attribute[Any], value: int | None
) -> None:
    """From 1 to :data:`MAX_BODY_CHARACTERS_LIMIT` characters; ``None`` for the carrier's limit."""
    if value is not None and (not _is_int(value) or not 1 <= value <= MAX_BODY_CHARACTERS_LIMIT):
        raise HostDeclarationError.out_of_bounds(
            attribute.name,
            value,
            f"a whole number from 1 to {MAX_BODY_CHARACTERS_LIMIT} (the longest body a carrier "
            "takes), or None for the carrier's limit",
        )


def _check_monthly_allowance(
    policy: HostPolicy, attribute: attrs.Attribute[Any], value: int
) -> None:
    """Never negative; at least one when seats are on, or no seat could ever text."""
    if policy.seats_enabled and (not _is_int(value) or value < 1):
        raise HostDeclarationError.out_of_bounds(
            attribute.name, value, "a whole number of at least 1 when seats are enabled"
        )
    if not _is_int(value) or value < 0:
        raise HostDeclarationError.out_of_bounds(
            attribute.name, value, "a whole number of at least 0"
        )


@attrs.frozen(kw_only=True)
class HostPolicy:
    """The limits a host product sets; the core enforces them.

    A user is on at most one line per account under every host (both reference products
    say so), which the schema itself enforces. A value out of bounds cannot be built: it
    raises :class:`~sms_core.exceptions.HostDeclarationError` (a ``ValueError``).

    Attributes:
        users_per_number: How many users may share one number, at least 1; ``None`` for no
            limit.
        mass_text_cap: The most recipients one mass text may have, from 1 to
            :data:`MAX_MASS_TEXT_CAP`.
        max_body_characters: The longest body a user may send, from 1 to
            :data:`MAX_BODY_CHARACTERS_LIMIT`; ``None`` for the carrier's limit.
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

    users_per_number: int | None = attrs.field(default=1, validator=_check_users_per_number)
    mass_text_cap: int = attrs.field(default=50, validator=_check_mass_text_cap)
    max_body_characters: int | None = attrs.field(
        default=None, validator=_check_max_body_characters
    )
    seats_enabled: bool = False
    monthly_allowance: int = attrs.field(default=0, validator=_check_monthly_allowance)
    allowance_unit: AllowanceUnit = AllowanceUnit.MESSAGE
    count_inbound: bool = False
    quiet_hours: bool = True
    allowance_scope: AllowanceScope = attrs.field(
        default=attrs.Factory(_default_scope, takes_self=True), validator=_coherent_scope
    )


def _check_host_name(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or HOST_NAME_PATTERN.fullmatch(value) is None:
        raise HostDeclarationError.out_of_bounds(
            attribute.name,
            value,
            "a short identifier: a lower-case letter, then up to 39 lower-case letters, digits, "
            "'_' or '-' (such as 'vendor_portal')",
        )


def _check_text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise HostDeclarationError.out_of_bounds(attribute.name, value, "text (a str)")


def _check_policy(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, HostPolicy):
        raise HostDeclarationError.out_of_bounds(attribute.name, value, "a sms_core.HostPolicy")


@attrs.frozen(kw_only=True)
class HostInfo:
    """What a host plugin declares about itself through ``sms_host_info``.

    Attributes:
        name: What activates it, ``make_plugin_manager(host=name)``: a short lower-case
            identifier (:data:`HOST_NAME_PATTERN`).
        version: The plugin's version, shown by ``smsadmin plugins``; usually its
            distribution's ``__version__``.
        description: One line on the host product, shown by ``smsadmin plugins``.
        policy: The host's limits for every account. ``sms_host_policy(account)`` may still
            answer for one account, and its answer wins.
    """

    name: str = attrs.field(validator=_check_host_name)
    version: str = attrs.field(default="", validator=_check_text)
    description: str = attrs.field(default="", validator=_check_text)
    policy: HostPolicy = attrs.field(factory=HostPolicy, validator=_check_policy)


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
