"""The HCM widget's limits, as its product documentation states them.

Where the documentation is silent, the choice is written next to the value. "Can a user have
access to multiple lines? Not currently." needs no setting: the core keeps every user on at most
one line under every host.
"""

from __future__ import annotations

from typing import Final

from sms_core import HostPolicy

__all__ = [
    "DEFAULT_USERS_PER_NUMBER",
    "MASS_TEXT_CAP",
    "MAX_BODY_CHARACTERS",
    "widget_policy",
]

#: How many users share one number unless the host says otherwise. The widget badges a shared
#: number "+1", "+2" or "+3", so it shows at most three users beyond the first: four in all.
DEFAULT_USERS_PER_NUMBER: Final = 4

#: "You can send a mass text to up to 50 users at one time."
MASS_TEXT_CAP: Final = 50

#: "Individual messages are limited to 160 characters." Several carriers enforce this limit.
MAX_BODY_CHARACTERS: Final = 160


def widget_policy(*, users_per_number: int | None) -> HostPolicy:
    """The widget's policy with the given sharing limit.

    Numbers are not grouped into seats and have no monthly allowance, and quiet hours are
    enforced: recruiters text talent, whose local hours the law protects.

    Args:
        users_per_number: How many users may share a number; ``None`` for no limit.
    """
    return HostPolicy(
        users_per_number=users_per_number,
        mass_text_cap=MASS_TEXT_CAP,
        max_body_characters=MAX_BODY_CHARACTERS,
        seats_enabled=False,
        quiet_hours=True,
    )
