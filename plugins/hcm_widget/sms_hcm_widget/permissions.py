"""Who may do what: Marketplace Admins administer texting, every active HCM user texts.

The host decides who reaches a talent profile, and anyone who does may text the talent and read
the whole conversation. Changing a line's call forwarding is open to every active user because
the core lets a user change only a line they are on, and asks for ``MANAGE_NUMBERS`` otherwise.
"""

from __future__ import annotations

from typing import Final

from sms_core import Action, Decision, User

__all__ = ["ADMIN_ACTIONS", "MARKETPLACE_ADMIN", "USER_ACTIONS", "authorize"]

#: The HCM user permission that opens the SMS administration widget, spelled as the HCM does.
MARKETPLACE_ADMIN: Final = "Marketplace Admin"

#: What only a Marketplace Admin may do.
ADMIN_ACTIONS: Final = frozenset({Action.MANAGE_NUMBERS, Action.MANAGE_REGISTRATION})

#: What every active HCM user may do.
USER_ACTIONS: Final = frozenset(
    {Action.SEND_MESSAGE, Action.VIEW_HISTORY, Action.CONFIGURE_FORWARDING}
)

_ADMIN_TASKS: Final = {
    Action.MANAGE_NUMBERS: "Managing SMS phone numbers",
    Action.MANAGE_REGISTRATION: "Registering the SMS brand and campaign",
}


def authorize(actor: User, action: Action) -> Decision | None:
    """Decide whether ``actor`` may perform ``action`` in the HCM widget.

    Returns:
        The decision, or ``None`` for an action newer than this plugin, which leaves it to the
        core's defaults.
    """
    who = actor.full_name or actor.id
    if not actor.active:
        return Decision.deny(
            f"{who} is inactive in the HCM and inactive users cannot use texting; "
            "an HCM administrator can reactivate the user."
        )
    if action in USER_ACTIONS:
        return Decision.allow()
    if action in ADMIN_ACTIONS:
        if MARKETPLACE_ADMIN in actor.permissions:
            return Decision.allow()
        return Decision.deny(
            f"{_ADMIN_TASKS[action]} needs the {MARKETPLACE_ADMIN!r} user permission, which "
            f"{who} does not have; an HCM administrator can select it in the user's profile."
        )
    return None
