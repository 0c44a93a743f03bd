"""The *Numbers* screen ("Manage Existing Phone Numbers" of the HCM widget), and its actions.

The list shows each number's status in words, an icon and a colour (:data:`LINE_STATUSES`:
"✔ Registered · Active" in green for a number on the approved campaign, "⚠ Unregistered" in
yellow otherwise), its call forwarding, and its users, a shared number marked ``+1``,
``+2``, ... and inactive users in red (marked "inactive" in words too). Actions: assign users to
a number (share it), set its call forwarding (its users and admins may), re-allocate a number
from a user to an active one, and deactivate, after a confirmation. URLs name a number by its
line id, never by the number itself; an id another account holds is not found here (404).
Re-allocation and assignment have their own small pages (the users to choose from, a name
filter, then Save; Save of a re-allocation asks for a confirmation naming the number and both
users first), so the list stays one row per number however many users there are.

Deactivate sits next to each user, as the seed has it ("Click the Deactivate button next to
the target user"). What it deactivates follows what the services can do: on a shared number
it deactivates that user's use of the number (``numbers.unassign``: the number stays with its
other users); for the number's only user it deactivates the number itself
(``numbers.deactivate``: released at the carrier and removed from the list). Either way a
confirmation page says which, and only its button acts. A number nobody is on has its
Deactivate by the word "No users". :func:`confirm_user_deactivation` is the one place that
tells the two apart.

*My line* (``/my-line``) is every signed-in user's own number, with a link to its call
forwarding form: "Both the HCM user and Marketplace Admin have the ability to configure this
number", and a recruiter never sees the numbers list. The forwarding form is the same for
both; the service decides who may save it.
"""

from __future__ import annotations

from starlette.routing import Route

from sms_core.domain import LineSummary, User
from sms_core.exceptions import LineNotFoundError, NotOnLineError
from sms_core.web.views import Given, Redirect, Screen, Visit, endpoint

__all__ = ["LINE_STATUSES", "ROUTES", "available_users", "find_line", "named_like"]

#: A number's status as the list shows it, by whether it is on the approved campaign
#: (``Line.registered``): its icon, its words and its colour class. The seed's "Registered:
#: Green checkmark" and "Unregistered: Yellow alert sign", and "Fully registered and approved
#: SMS campaigns show a status of "Active" immediately after purchase".
LINE_STATUSES: dict[bool, tuple[str, str, str]] = {
    True: ("✔", "Registered · Active", "status-ok"),
    False: ("⚠", "Unregistered", "status-warn"),
}

#: What an action's redirect says happened, by its ``done`` query value.
DONE = {
    "removed": "The user was removed from the number.",
    "reallocated": "The number was re-allocated.",
    "deactivated": "The number was deactivated and removed from the list.",
    "assigned": "The users were assigned to the number.",
    "forwarding": "The call forwarding number was saved.",
    "bought": "The phone number was purchased.",
}


def find_line(visit: Visit, line_id: str, *, as_viewer: bool = False) -> LineSummary:
    """The account's line with that id.

    Args:
        as_viewer: Read the lines as the signed-in user, whom the host must let manage
            numbers: for a page only admins open, such as a deactivation's confirmation.
            Without it, a line's own user reaches its forwarding form; each action is
            authorized by its service all the same.

    Raises:
        LineNotFoundError: When the account has no active line with that id.
        PermissionDeniedError: With ``as_viewer``, when the user may not manage numbers.
    """
    viewer_id = visit.actor_id if as_viewer else None
    for summary in visit.account.numbers.list(viewer_id=viewer_id):
        if summary.line.id == line_id:
            return summary
    raise LineNotFoundError(
        f"this account has no number with id {line_id[:64]!r} (it may have been deactivated); "
        "go back to the numbers list"
    )


def available_users(visit: Visit) -> list[User]:
    """The users a list offers for a number: active, and on no number yet.

    Only an offer: the services refuse an inactive user or one with a line all the same.
    """
    lines = visit.account.numbers.list(viewer_id=visit.actor_id)
    taken = {user_id for summary in lines for user_id in summary.line.user_ids}
    return [user for user in visit.account.users.list(active_only=True) if user.id not in taken]


def named_like(users: list[User], typed: str) -> list[User]:
    """The users whose first or last name contains ``typed`` (any case); all when empty.

    The seeds' search "by first or last name" (purchase, re-allocation) and "with a partial or
    full name" (a seat's Assign User), without script: a GET form narrows the list the services
    returned, so it is presentation, not a rule. A full name ("Hal Arriving") matches too.
    """
    wanted = " ".join(typed.split()).casefold()
    return [
        user
        for user in users
        if not wanted
        or wanted in user.first_name.casefold()
        or wanted in user.last_name.casefold()
        or wanted in f"{user.first_name} {user.last_name}".casefold()
    ]


def numbers(visit: Visit, given: Given) -> Screen:
    """Every provisioned number with its status, forwarding and users."""
    return Screen(
        template="numbers.html",
        context={
            "lines": visit.account.numbers.list(viewer_id=visit.actor_id),
            "statuses": LINE_STATUSES,
            "done": DONE.get(given.query.get("done", "")),
        },
        title="Phone numbers",
    )


def my_line(visit: Visit, given: Given) -> Screen:
    """The signed-in user's own number, its status and forwarding, and the way to change it."""
    # No viewer: every user may read their own line; the list is the SDK's, filtered here.
    mine = [s for s in visit.account.numbers.list() if visit.actor_id in s.line.user_ids]
    return Screen(
        template="my_line.html",
        context={"lines": mine, "statuses": LINE_STATUSES},
        title="My line",
    )


def choose_users(visit: Visit, given: Given) -> Screen:
    """The form that shares a number with more users: active users on no number yet."""
    summary = find_line(visit, given.path["line_id"])
    return Screen(
        template="assign_users.html",
        context={
            "target": summary.line.number.e164,
            "number": None,
            "action": f"/numbers/{summary.line.id}/assign",
            "cancel": "/numbers",
            "button": "Save",
            "users": named_like(available_users(visit), given.query.get("user_name", "")),
            "typed_name": given.query.get("user_name", ""),
        },
        title="Assign users",
    )


def assign_users(visit: Visit, given: Given) -> Redirect:
    """Put the ticked users on the number: all of them, or none when one is refused."""
    line = find_line(visit, given.path["line_id"]).line
    visit.account.numbers.assign_many(visit.actor_id, line.number, list(given.fields("user_id")))
    return Redirect(to="/numbers?done=assigned")


def edit_forwarding(visit: Visit, given: Given) -> Screen:
    """The form that sets or clears where calls to the number are forwarded.

    A line's own user opens it for their line; another line's form (its number and where it
    forwards) is an admin's: the service's forwarding rule decides (``numbers.forwarding_of``).
    """
    line = find_line(visit, given.path["line_id"]).line
    summary = visit.account.numbers.forwarding_of(visit.actor_id, line.number)
    return Screen(
        template="forwarding.html",
        context={
            "summary": summary,
            "done": DONE.get(given.query.get("done", "")),
        },
        title="Call forwarding",
    )


def set_forwarding(visit: Visit, given: Given) -> Redirect:
    """Save the forwarding number (empty stops forwarding); the line's users and admins may."""
    line = find_line(visit, given.path["line_id"]).line
    typed = given.field("forward_to").strip()
    visit.account.numbers.set_forwarding(visit.actor_id, line.number, typed or None)
    # Back to the form, not the list: a line's own user may forward but not see the list.
    return Redirect(to=f"/numbers/{line.id}/forwarding?done=forwarding")


def remove_user(visit: Visit, given: Given) -> Redirect:
    """Take a user off a number."""
    line = find_line(visit, given.path["line_id"]).line
    user = visit.path_user(given)
    visit.account.numbers.unassign(visit.actor_id, line.number, user.id)
    return Redirect(to="/numbers?done=removed")


def choose_reallocation(visit: Visit, given: Given) -> Screen:
    """The form that re-allocates a number from one of its users: active users only.

    An admin's page, as the numbers list it comes from: the line is read with the user as the
    viewer, so a recruiter is refused before another user's number or the users are shown.
    """
    summary = _line_with_user(visit, given, as_viewer=True)
    user = visit.path_user(given)
    return Screen(
        template="reallocate.html",
        context={
            "summary": summary,
            "user": user,
            "active_users": named_like(
                visit.account.users.list(active_only=True), given.query.get("user_name", "")
            ),
            "typed_name": given.query.get("user_name", ""),
        },
        title="Re-allocate this number",
    )


def confirm_reallocation(visit: Visit, given: Given) -> Screen:
    """The confirmation Save leads to: the number, the inactive user and the new one.

    Nothing changes here; Confirm posts the choice (with the CSRF token) to re-allocate, and
    the service refuses a new user who is inactive or has a number then, as without this page.
    Read with the user as the viewer, as the form before it.
    """
    summary = _line_with_user(visit, given, as_viewer=True)
    return Screen(
        template="confirm_reallocate.html",
        context={
            "summary": summary,
            "user": visit.path_user(given),
            # Another account's user, or none chosen, is not found (404), as on Confirm.
            "to_user": visit.account.users.get(given.query.get("to_user_id", "")),
        },
        title="Re-allocate this number?",
    )


def _line_with_user(visit: Visit, given: Given, *, as_viewer: bool = False) -> LineSummary:
    """The path's line (read as :func:`find_line` reads it), which the path's user must be on.

    Raises:
        LineNotFoundError: When the account has no active line with the path's id.
        UserNotFoundError: When the account has no user with the path's id.
        NotOnLineError: When the user is not on that line.
    """
    summary = find_line(visit, given.path["line_id"], as_viewer=as_viewer)
    user = visit.path_user(given)
    if user.id not in summary.line.user_ids:
        raise NotOnLineError(
            f"user {user.id!r} is not on {summary.line.number}; choose a user on it"
        )
    return summary


def reallocate(visit: Visit, given: Given) -> Redirect:
    """Move a number from one of its users to an active user without a number."""
    line = find_line(visit, given.path["line_id"]).line
    visit.account.numbers.reallocate(
        visit.actor_id, line.number, visit.path_user(given).id, given.field("to_user_id")
    )
    return Redirect(to="/numbers?done=reallocated")


def confirm_deactivate(visit: Visit, given: Given) -> Screen:
    """The confirmation a deactivation asks for first."""
    return Screen(
        template="confirm_deactivate.html",
        context={"summary": find_line(visit, given.path["line_id"], as_viewer=True)},
        title="Deactivate this number?",
    )


def confirm_user_deactivation(visit: Visit, given: Given) -> Screen:
    """The confirmation Deactivate next to a user asks for: that user's, or the number's.

    On a shared number it takes the user off the number (its form posts to ``remove``); for
    the number's only user it deactivates the number (the number's own confirmation).
    Nothing changes here, and the service decides again when the form is posted.
    """
    summary = _line_with_user(visit, given, as_viewer=True)
    if len(summary.line.user_ids) == 1:
        return confirm_deactivate(visit, given)
    user = visit.path_user(given)
    others = tuple(other for other in summary.users if other.id != user.id)
    return Screen(
        template="confirm_user_deactivation.html",
        context={"summary": summary, "user": user, "others": others},
        title="Deactivate the number for this user?",
    )


def deactivate(visit: Visit, given: Given) -> Redirect:
    """Release the number at the carrier and remove it from the list (its history stays)."""
    line = find_line(visit, given.path["line_id"]).line
    visit.account.numbers.deactivate(visit.actor_id, line.number)
    return Redirect(to="/numbers?done=deactivated")


ROUTES = [
    Route("/numbers", endpoint(numbers), name="numbers"),
    Route("/my-line", endpoint(my_line), methods=["GET"], name="my-line"),
    Route(
        "/numbers/{line_id}/assign",
        endpoint(choose_users),
        methods=["GET"],
        name="numbers-choose-users",
    ),
    Route(
        "/numbers/{line_id}/assign",
        endpoint(assign_users),
        methods=["POST"],
        name="numbers-assign",
    ),
    Route(
        "/numbers/{line_id}/forwarding",
        endpoint(edit_forwarding),
        methods=["GET"],
        name="numbers-edit-forwarding",
    ),
    Route(
        "/numbers/{line_id}/forwarding",
        endpoint(set_forwarding),
        methods=["POST"],
        name="numbers-set-forwarding",
    ),
    Route(
        "/numbers/{line_id}/users/{user_id}/remove",
        endpoint(remove_user),
        methods=["POST"],
        name="numbers-remove-user",
    ),
    Route(
        "/numbers/{line_id}/users/{user_id}/deactivate",
        endpoint(confirm_user_deactivation),
        methods=["GET"],
        name="numbers-confirm-user-deactivation",
    ),
    Route(
        "/numbers/{line_id}/users/{user_id}/reallocate",
        endpoint(choose_reallocation),
        methods=["GET"],
        name="numbers-choose-reallocation",
    ),
    Route(
        "/numbers/{line_id}/users/{user_id}/reallocate/confirm",
        endpoint(confirm_reallocation),
        methods=["GET"],
        name="numbers-confirm-reallocation",
    ),
    Route(
        "/numbers/{line_id}/users/{user_id}/reallocate",
        endpoint(reallocate),
        methods=["POST"],
        name="numbers-reallocate",
    ),
    Route(
        "/numbers/{line_id}/deactivate",
        endpoint(confirm_deactivate),
        methods=["GET"],
        name="numbers-confirm-deactivate",
    ),
    Route(
        "/numbers/{line_id}/deactivate",
        endpoint(deactivate),
        methods=["POST"],
        name="numbers-deactivate",
    ),
]
