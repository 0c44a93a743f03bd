"""What a host product decides: its limits, its permissions and its activity record."""

from __future__ import annotations

from enum import StrEnum

import attrs

from sms_core.domain.accounts import User
from sms_core.domain.messages import Message

__all__ = ["Action", "Activity", "AllowanceUnit", "Decision", "HostPolicy"]


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
    """What a seat's monthly allowance counts."""

    #: One per message, however many segments it has.
    MESSAGE = "message"
    #: One per segment, as carriers bill.
    SEGMENT = "segment"


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
        monthly_allowance: A new seat's allowance per calendar month.
        allowance_unit: What the allowance counts.
        count_inbound: Whether received texts use the allowance too.
        quiet_hours: Whether sends outside the recipient's allowed local hours are refused.
    """

    users_per_number: int | None = 1
    mass_text_cap: int = 50
    max_body_characters: int | None = None
    seats_enabled: bool = False
    monthly_allowance: int = 0
    allowance_unit: AllowanceUnit = AllowanceUnit.MESSAGE
    count_inbound: bool = False
    quiet_hours: bool = True


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
