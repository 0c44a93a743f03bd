"""The *Scheduled* screen: texts waiting for their time, and sending one later from the composer.

The list is ``scheduled.list_page``, soonest due first, a page at a time. A recruiter sees the
texts they scheduled, an admin everyone's (either may switch: whoever may see message history
may see every scheduled send, so the choice is the page's default, not a permission). Each
row says when it is due, to which candidate, from whom, and where it stands in words, an icon
and a colour; a waiting one has a Cancel link to a confirmation page whose form cancels it
(``scheduled.cancel``, audited). The service decides who may cancel which (the user who
scheduled it, or an admin) and refuses one no longer waiting; its refusal is the page shown.

The composer's "Send later" and "Send when allowed" post here (``/texting/schedule``): a time
from the form's ``datetime-local`` field is read in UTC, the time zone ``smsadmin`` shows
every time in (``smsadmin send --at`` takes no time without its offset; the page says which
zone it reads), and "when allowed" asks the service for the first moment the candidate's quiet
hours allow (``NEXT_ALLOWED``). Every rule of a send is checked by the service when the text is
scheduled and again when it goes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from starlette.routing import Route

from sms_core.domain import NEXT_ALLOWED, ScheduleAt, ScheduledState
from sms_core.exceptions import InvalidFieldError
from sms_core.presentation import scheduled_names
from sms_core.web.views import PAGE_SIZE, Given, Redirect, Screen, Visit, endpoint

__all__ = ["ROUTES", "STATES", "TIME_ZONE", "scheduled_at", "shown"]

#: The time zone the "Send later" field is read in and every time on the screen is shown in.
TIME_ZONE = "UTC"

#: Each state in the screen's words, with its icon and its colour class.
STATES: dict[ScheduledState, tuple[str, str, str]] = {
    ScheduledState.PENDING: ("🕓", "Waiting", "status-info"),
    ScheduledState.CLAIMED: ("⏳", "Sending now", "status-warn"),
    ScheduledState.SENT: ("✔", "Sent", "status-ok"),
    ScheduledState.CANCELLED: ("⊘", "Cancelled", "status-muted"),
    ScheduledState.REFUSED: ("⛔", "Refused when due", "status-bad"),
}

#: What a finished action says, by the ``done`` the redirect carries.
DONE = {"cancelled": "The scheduled text was cancelled; it will not be sent."}

#: The longest time value the form's field sends (``2026-03-10T15:30:45.123``), with room.
_TIME_LENGTH = 32


def listing(visit: Visit, given: Given) -> Screen:
    """A page of scheduled texts: the user's own, or everyone's (``?everyone=1`` / ``?mine=1``)."""
    admin = visit.account.users.may_administer(visit.actor_id)
    everyone = given.query.get("everyone") == "1" or (admin and given.query.get("mine") != "1")
    cursor = given.query.get("cursor") or None
    page = visit.account.scheduled.list_page(
        visit.actor_id,
        user_id=None if everyone else visit.actor_id,
        limit=PAGE_SIZE,
        cursor=cursor,
    )
    return Screen(
        template="scheduled.html",
        context={
            "page": page,
            "cursor": cursor,
            "everyone": everyone,
            "scope": "everyone=1" if everyone else "mine=1",
            "names": scheduled_names(visit.account, page.items),
            "states": STATES,
            "pending": ScheduledState.PENDING,
            "time_zone": TIME_ZONE,
            "shown": shown,
            "done": DONE.get(given.query.get("done", "")),
        },
        title="Scheduled texts",
    )


def confirm_cancel(visit: Visit, given: Given) -> Screen:
    """The confirmation page: the text, its candidate and time, and the form that cancels it."""
    scheduled = visit.account.scheduled.get(visit.actor_id, given.path["scheduled_id"])
    return Screen(
        template="confirm_cancel_scheduled.html",
        context={
            "scheduled": scheduled,
            "names": scheduled_names(visit.account, [scheduled]),
            "states": STATES,
            "time_zone": TIME_ZONE,
            "shown": shown,
        },
        title="Cancel this scheduled text",
    )


def cancel(visit: Visit, given: Given) -> Redirect:
    """Cancel it (the service checks who may, and that it still waits), then back to the list."""
    visit.account.scheduled.cancel(visit.actor_id, given.path["scheduled_id"])
    return Redirect(to="/scheduled?done=cancelled")


def schedule(visit: Visit, given: Given) -> Redirect:
    """The composer's "Send later" (a time) or "Send when allowed", then back to the panel."""
    candidate = given.field("candidate").strip()
    at: datetime | ScheduleAt = (
        NEXT_ALLOWED if given.field("when") == "allowed" else scheduled_at(given.field("send_at"))
    )
    visit.account.scheduled.schedule(
        visit.actor_id,
        candidate_id=candidate or None,
        to=given.field("to").strip(),
        body=given.field("body"),
        at=at,
        idempotency_key=given.field("idempotency_key") or None,
    )
    return Redirect(to=f"/texting?candidate={quote(candidate)}&done=scheduled")


def scheduled_at(value: str) -> datetime:
    """The moment a ``datetime-local`` field names, read in :data:`TIME_ZONE`.

    Raises:
        InvalidFieldError: When it is empty or not a date and time (the service refuses a
            past time or one too far ahead).
    """
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text) if 0 < len(text) <= _TIME_LENGTH else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is not None:
        raise InvalidFieldError.refused(
            field="send_at",
            value=repr(text[:_TIME_LENGTH]),
            limit=f"a date and time ({TIME_ZONE}) to send the text at, such as 2026-03-12T17:00",
        )
    return moment.replace(tzinfo=UTC)


def shown(moment: datetime) -> str:
    """A moment as the screens show it: in :data:`TIME_ZONE`, to the minute."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


ROUTES = [
    Route("/scheduled", endpoint(listing), name="scheduled"),
    Route(
        "/scheduled/{scheduled_id}/cancel",
        endpoint(confirm_cancel),
        name="scheduled-confirm-cancel",
    ),
    Route(
        "/scheduled/{scheduled_id}/cancel",
        endpoint(cancel),
        methods=["POST"],
        name="scheduled-cancel",
    ),
    Route("/texting/schedule", endpoint(schedule), methods=["POST"], name="texting-schedule"),
]
