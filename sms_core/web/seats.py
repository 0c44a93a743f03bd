"""The *Seats* screen (the ATS "Text Messaging Numbers" page), and removing a user.

Each seat shows its telephone number (if any), the users assigned to it, and the remaining and
total message allowance for the month. Removing a user asks for a confirmation first, as the
seed's trash can icon does. URLs name seats and users by id; another account's seat is not
found here (404).
"""

from __future__ import annotations

from starlette.routing import Route

from sms_core.exceptions import NotOnLineError
from sms_core.web.views import Given, Redirect, Screen, Visit, endpoint

__all__ = ["ROUTES"]

#: What an action's redirect says happened, by its ``done`` query value.
DONE = {"removed": "The user was removed from the seat's number."}


def seats(visit: Visit, given: Given) -> Screen:
    """Every seat with its number, users and remaining/total allowance."""
    return Screen(
        template="seats.html",
        context={
            "seats": visit.account.seats.list(),
            "done": DONE.get(given.query.get("done", "")),
        },
        title="Text Messaging Numbers",
    )


def confirm_remove(visit: Visit, given: Given) -> Screen:
    """The confirmation a removal asks for first."""
    summary = visit.account.seats.get(given.path["seat_id"])
    user_id = given.path["user_id"]
    user = next((user for user in summary.users if user.id == user_id), None)
    if user is None:
        raise NotOnLineError(
            f"user {user_id[:64]!r} is not on seat {summary.seat.name!r}; nothing to remove"
        )
    return Screen(
        template="confirm_remove_seat_user.html",
        context={"summary": summary, "user": user},
        title="Remove this user?",
    )


def remove_user(visit: Visit, given: Given) -> Redirect:
    """Take a user off the seat's number."""
    visit.account.seats.remove_user(visit.actor_id, given.path["seat_id"], given.path["user_id"])
    return Redirect(to="/seats?done=removed")


ROUTES = [
    Route("/seats", endpoint(seats), name="seats"),
    Route(
        "/seats/{seat_id}/users/{user_id}/remove",
        endpoint(confirm_remove),
        methods=["GET"],
        name="seats-confirm-remove",
    ),
    Route(
        "/seats/{seat_id}/users/{user_id}/remove",
        endpoint(remove_user),
        methods=["POST"],
        name="seats-remove-user",
    ),
]
