"""The *Seats* screen (the ATS "Text Messaging Numbers" page): numbers and users of seats.

Each seat shows its telephone number (if any), the users assigned to it, and the remaining and
total message allowance for the month. A seat without a number gets one by Auto Assign Number
(a random number shown, then Complete Setup) or Choose Number (area code, Generate Numbers,
pick one, Complete Setup), the subscription terms agreed to in the form. "Assign User" under a
seat's number lists the active users on no number yet to tick (the service still checks the
host's limit and one seat per user); removing a user asks for a confirmation first, as the
seed's trash can icon does. URLs name seats and users by id; another account's seat is not
found here (404).
"""

from __future__ import annotations

from starlette.routing import Route

from sms_core.exceptions import NotOnLineError
from sms_core.web.numbers import available_users, named_like
from sms_core.web.views import Given, Redirect, Screen, Visit, endpoint

__all__ = ["ROUTES"]

#: What an action's redirect says happened, by its ``done`` query value.
DONE = {
    "numbered": "The seat's number is set up.",
    "removed": "The user was removed from the seat's number.",
    "assigned": "The users were assigned to the seat's number.",
}


def seats(visit: Visit, given: Given) -> Screen:
    """Every seat with its number, users and remaining/total allowance."""
    return Screen(
        template="seats.html",
        context={
            "seats": visit.account.seats.list(viewer_id=visit.actor_id),
            "done": DONE.get(given.query.get("done", "")),
        },
        title="Text Messaging Numbers",
    )


def choose_number(visit: Visit, given: Given) -> Screen:
    """Assigning a number: Auto Assign Number, or Choose Number by area code.

    With ``?auto=1``, a random open number is shown ("Auto Assign Number"); with
    ``?area_code=``, the numbers the carrier offers there ("Generate Numbers") are listed to
    pick one from. Either way nothing is bought until Complete Setup, with the subscription
    terms agreed to. The area code is no phone number, so it may sit in the URL.
    """
    seats = visit.account.seats
    summary = seats.get(given.path["seat_id"], viewer_id=visit.actor_id)
    area_code = given.query.get("area_code", "").strip()
    auto = given.query.get("auto") == "1"
    offers = None
    if summary.line is None and auto:
        offers = [seats.suggest_number(visit.actor_id, summary.seat.id)]
    elif summary.line is None and area_code:
        offers = seats.generate_numbers(visit.actor_id, area_code)
    return Screen(
        template="seat_number.html",
        context={"summary": summary, "area_code": area_code, "offers": offers, "auto": auto},
        title="Assign a phone number",
    )


def complete_setup(visit: Visit, given: Given) -> Redirect:
    """Buy the picked number for the seat, the subscription terms accepted."""
    visit.account.seats.complete_setup(
        visit.actor_id, given.path["seat_id"], given.field("number"), accept_terms=_accepted(given)
    )
    return Redirect(to="/seats?done=numbered")


def _accepted(given: Given) -> bool:
    """Whether the form's subscription-terms box was ticked."""
    return given.field("accept_terms") == "yes"


def choose_users(visit: Visit, given: Given) -> Screen:
    """The "Assign User" form: active users on no number yet, to tick, found by name.

    ``?user_name=`` narrows them to a partial or full name (the search box, a GET form).
    """
    summary = visit.account.seats.get(given.path["seat_id"], viewer_id=visit.actor_id)
    return Screen(
        template="assign_users.html",
        context={
            "target": summary.seat.name,
            "number": summary.line.number.e164 if summary.line else None,
            "action": f"/seats/{summary.seat.id}/assign",
            "cancel": "/seats",
            "button": "Assign User",
            # The seed's "search for the user with a partial or full name" (a GET filter).
            "users": named_like(available_users(visit), given.query.get("user_name", "")),
            "typed_name": given.query.get("user_name", ""),
        },
        title="Assign users",
    )


def assign_users(visit: Visit, given: Given) -> Redirect:
    """Put the ticked users on the seat's number: all of them, or none when one is refused."""
    visit.account.seats.assign_users(
        visit.actor_id, given.path["seat_id"], list(given.fields("user_id"))
    )
    return Redirect(to="/seats?done=assigned")


def confirm_remove(visit: Visit, given: Given) -> Screen:
    """The confirmation a removal asks for first."""
    summary = visit.account.seats.get(given.path["seat_id"], viewer_id=visit.actor_id)
    user = visit.path_user(given)
    if user.id not in {member.id for member in summary.users}:
        raise NotOnLineError(
            f"user {user.id!r} is not on seat {summary.seat.name!r}; nothing to remove"
        )
    return Screen(
        template="confirm_remove_seat_user.html",
        context={"summary": summary, "user": user},
        title="Remove this user?",
    )


def remove_user(visit: Visit, given: Given) -> Redirect:
    """Take a user off the seat's number."""
    user = visit.path_user(given)
    visit.account.seats.remove_user(visit.actor_id, given.path["seat_id"], user.id)
    return Redirect(to="/seats?done=removed")


ROUTES = [
    Route("/seats", endpoint(seats), name="seats"),
    Route("/seats/{seat_id}/number", endpoint(choose_number), name="seats-number"),
    Route(
        "/seats/{seat_id}/number/choose",
        endpoint(complete_setup),
        methods=["POST"],
        name="seats-complete-setup",
    ),
    Route("/seats/{seat_id}/assign", endpoint(choose_users), methods=["GET"], name="seats-choose"),
    Route("/seats/{seat_id}/assign", endpoint(assign_users), methods=["POST"], name="seats-assign"),
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
