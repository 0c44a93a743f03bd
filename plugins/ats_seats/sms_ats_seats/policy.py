"""The ATS's limits: texting sold by seat, each seat a number with a monthly allowance.

The ATS documentation fixes the sharing limit; the other values are this plugin's choices, each
explained next to it. The core keeps every user on at most one line (one seat) under every
host, as the ATS requires.
"""

from __future__ import annotations

from typing import Final

from sms_core import AllowanceUnit, HostPolicy

__all__ = [
    "DEFAULT_ALLOWANCE_UNIT",
    "DEFAULT_COUNT_INBOUND",
    "DEFAULT_MONTHLY_ALLOWANCE",
    "MASS_TEXT_CAP",
    "MAX_BODY_CHARACTERS",
    "USERS_PER_NUMBER",
    "seat_policy",
]

#: "Up to 3 users can be assigned to a phone number at a time."
USERS_PER_NUMBER: Final = 3

#: A seat's messages per calendar month unless the host says otherwise: with three recruiters
#: on a seat, about fifteen texts each per working day, or twenty full mass texts a month.
DEFAULT_MONTHLY_ALLOWANCE: Final = 1000

#: The ATS shows the "remaining messages for the month", so a message counts once however many
#: segments the carrier splits it into.
DEFAULT_ALLOWANCE_UNIT: Final = AllowanceUnit.MESSAGE

#: Replies do not use the allowance: a seat cannot refuse them, and a candidate who answers
#: should never leave the recruiter unable to answer back.
DEFAULT_COUNT_INBOUND: Final = False

#: The most candidates one text from a job posting or a candidate pool reaches: enough for a
#: shift's shortlist, while bulk announcements stay out of a seat's low-volume campaign.
MASS_TEXT_CAP: Final = 50

#: The longest body: one plain-text segment, so a counted message is one carrier message and
#: carriers that do not join segments still deliver it whole.
MAX_BODY_CHARACTERS: Final = 160


def seat_policy(
    *, monthly_allowance: int, allowance_unit: AllowanceUnit, count_inbound: bool
) -> HostPolicy:
    """The ATS's policy with the given allowance rules.

    Quiet hours are enforced: recruiters text candidates, whose local hours the law protects.

    Args:
        monthly_allowance: A new seat's allowance per calendar month.
        allowance_unit: What the allowance counts.
        count_inbound: Whether received texts use the allowance too.
    """
    return HostPolicy(
        users_per_number=USERS_PER_NUMBER,
        mass_text_cap=MASS_TEXT_CAP,
        max_body_characters=MAX_BODY_CHARACTERS,
        seats_enabled=True,
        monthly_allowance=monthly_allowance,
        allowance_unit=allowance_unit,
        count_inbound=count_inbound,
        quiet_hours=True,
    )
