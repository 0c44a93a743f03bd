"""Who may do what: administrators manage seats and numbers, page access lets users text.

Being on a seat's number is not enough to text: "The user will still need permission to the
appropriate pages to access the text messaging menu". Administration does not imply it either.
Changing a line's call forwarding is open to every active user because the core lets a user
change only a line they are on, and asks for ``MANAGE_NUMBERS`` otherwise.
"""

from __future__ import annotations

from typing import Final

from sms_core import Action, Decision, User

__all__ = [
    "ADMINISTRATION",
    "ADMIN_ACTIONS",
    "CANDIDATE_POOL",
    "CANDIDATE_PROFILE",
    "JOB_POSTINGS",
    "TEXTING_ACTIONS",
    "TEXTING_PAGES",
    "USER_ACTIONS",
    "authorize",
]

#: The ATS permission to the Administration menu, where the Text Messaging Numbers page lives.
ADMINISTRATION: Final = "Administration"
#: The ATS permission to the job postings page.
JOB_POSTINGS: Final = "Job Postings"
#: The ATS permission to the candidate pool page.
CANDIDATE_POOL: Final = "Candidate Pool"
#: The ATS permission to the candidate profile page.
CANDIDATE_PROFILE: Final = "Candidate Profile"

#: The pages users text from; access to any one of them lets a user text and read history.
TEXTING_PAGES: Final = (JOB_POSTINGS, CANDIDATE_POOL, CANDIDATE_PROFILE)

#: What only users with Administration may do.
ADMIN_ACTIONS: Final = frozenset({Action.MANAGE_NUMBERS, Action.MANAGE_REGISTRATION})

#: What needs access to one of the texting pages.
TEXTING_ACTIONS: Final = frozenset({Action.SEND_MESSAGE, Action.VIEW_HISTORY})

#: What every active user may do.
USER_ACTIONS: Final = frozenset({Action.CONFIGURE_FORWARDING})

_TASKS: Final = {
    Action.MANAGE_NUMBERS: "Managing texting seats and numbers",
    Action.MANAGE_REGISTRATION: "Registering the SMS brand and campaign",
    Action.SEND_MESSAGE: "Sending text messages",
    Action.VIEW_HISTORY: "Viewing text message history",
}

_PAGE_LIST: Final = ", ".join(map(repr, TEXTING_PAGES[:-1])) + f" or {TEXTING_PAGES[-1]!r}"


def authorize(actor: User, action: Action) -> Decision | None:
    """Decide whether ``actor`` may perform ``action`` in the ATS.

    Returns:
        The decision, or ``None`` for an action newer than this plugin, which leaves it to the
        core's defaults.
    """
    who = actor.full_name or actor.id
    if not actor.active:
        return Decision.deny(
            f"{who} is inactive in the ATS and inactive users cannot use texting; "
            "an ATS administrator can reactivate the user."
        )
    if action in USER_ACTIONS:
        return Decision.allow()
    if action in ADMIN_ACTIONS:
        granted = ADMINISTRATION in actor.permissions
        needed, grant = f"the {ADMINISTRATION!r} permission", "grant it"
    elif action in TEXTING_ACTIONS:
        granted = not actor.permissions.isdisjoint(TEXTING_PAGES)
        needed, grant = f"access to one of the pages that text ({_PAGE_LIST})", "grant page access"
    else:
        return None
    if granted:
        return Decision.allow()
    return Decision.deny(
        f"{_TASKS[action]} needs {needed}, which {who} does not have; "
        f"an ATS administrator can {grant} in the user's permissions."
    )
