"""The *Scheduled* screen: texts waiting for their time, and sending one later from the composer.

The list is ``scheduled.list_page``, soonest due first, a page at a time. A recruiter sees the
texts they scheduled, an admin everyone's (either may switch: whoever may see message history
may see every scheduled send, so the choice is the page's default, not a permission). Each
row says when it is due, to which candidate, from whom, and where it stands in words, an icon
and a colour; a waiting one has a Cancel link to a confirmation page whose form cancels it
(``scheduled.cancel``, audited). The service decides who may cancel which (the user who
scheduled it, or an admin) and refuses one no longer waiting; its refusal is the page shown.

The composer's "Send later" and "Send when allowed" post here (``/texting/schedule``): a time
from the form's ``datetime-local`` field is the recruiter's own local time when the page's
script filled the hidden ``utc_offset`` field (the browser's ``getTimezoneOffset()`` for the
typed date, in minutes: UTC is the typed time plus it), and is read in UTC, the time zone
``smsadmin`` shows every time in, when it did not (no script: the page says UTC). Times are
shown in UTC, and in the recruiter's local time too where the browser gave its offset (the
panel the form returns to is told it). "When allowed" asks the service for the first moment
the candidate's quiet hours allow (``NEXT_ALLOWED``). Every rule of a send is checked by the
service when the text is scheduled and again when it goes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from starlette.routing import Route

from sms_core.domain import NEXT_ALLOWED, ScheduleAt, ScheduledState
from sms_core.exceptions import InvalidFieldError
from sms_core.presentation import scheduled_names
from sms_core.web.views import PAGE_SIZE, Given, Redirect, Screen, Visit, endpoint

__all__ = [
    "ROUTES",
    "STATES",
    "TIME_ZONE",
    "UTC_OFFSET_MAX",
    "local",
    "scheduled_at",
    "shown",
    "utc_offset",
]

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

#: The furthest a browser's time zone is from UTC, either way, in minutes (14 hours).
UTC_OFFSET_MAX = 14 * 60

#: A whole number of minutes, as ``getTimezoneOffset()`` gives it.
_MINUTES = re.compile(r"[+-]?[0-9]{1,4}")


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
    offset = utc_offset(given.field("utc_offset"))
    at: datetime | ScheduleAt = (
        NEXT_ALLOWED
        if given.field("when") == "allowed"
        else scheduled_at(given.field("send_at"), offset)
    )
    visit.account.scheduled.schedule(
        visit.actor_id,
        candidate_id=candidate or None,
        to=given.field("to").strip(),
        body=given.field("body"),
        at=at,
        idempotency_key=given.field("idempotency_key") or None,
    )
    # The panel shows the times in the recruiter's local time too when it is told the offset.
    local_time = "" if offset is None else f"&utc_offset={offset}"
    return Redirect(to=f"/texting?candidate={quote(candidate)}&done=scheduled{local_time}")


def utc_offset(value: str) -> int | None:
    """The browser's offset from UTC a form or query gives, in minutes; ``None`` when empty.

    As ``Date.getTimezoneOffset()`` gives it: positive west of UTC (New York in winter is
    ``300``), so UTC is the local time plus the offset.

    Raises:
        InvalidFieldError: When it is not a whole number of minutes within
            :data:`UTC_OFFSET_MAX` either way; nothing was changed.
    """
    text = value.strip()
    if not text:
        return None
    if _MINUTES.fullmatch(text) is None or abs(int(text)) > UTC_OFFSET_MAX:
        raise InvalidFieldError.refused(
            field="utc_offset",
            value=repr(text[:_TIME_LENGTH]),
            limit=(
                f"the browser's offset from UTC in whole minutes, from -{UTC_OFFSET_MAX} to "
                f"{UTC_OFFSET_MAX} (14 hours either way), or nothing to read the time in UTC"
            ),
        )
    return int(text)


def scheduled_at(value: str, offset: int | None = None) -> datetime:
    """The moment a ``datetime-local`` field names: local time at ``offset``, else UTC.

    Args:
        value: The field's value, a date and time without a zone.
        offset: The browser's ``getTimezoneOffset()`` for that time (:func:`utc_offset`);
            ``None`` to read it in :data:`TIME_ZONE`.

    Raises:
        InvalidFieldError: When it is empty or not a date and time (the service refuses a
            past time or one too far ahead).
    """
    text = value.strip()
    moment: datetime | None = None
    try:
        typed = datetime.fromisoformat(text) if 0 < len(text) <= _TIME_LENGTH else None
        if typed is not None and typed.tzinfo is None:  # the field sends no zone
            moment = typed.replace(tzinfo=UTC) + timedelta(minutes=offset or 0)
    except (ValueError, OverflowError):  # not a time, or a year 1 / 9999 moved past the end
        moment = None
    if moment is None:
        raise InvalidFieldError.refused(
            field="send_at",
            value=repr(text[:_TIME_LENGTH]),
            limit=(
                f"a date and time ({TIME_ZONE if offset is None else 'your local time'}) to "
                "send the text at, such as 2026-03-12T17:00"
            ),
        )
    return moment


def shown(moment: datetime) -> str:
    """A moment as the screens show it: in :data:`TIME_ZONE`, to the minute."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def local(moment: datetime, offset: int) -> str:
    """A moment in the recruiter's local time at ``offset`` (:func:`utc_offset`), zone named."""
    east = -offset
    sign = "+" if east >= 0 else "-"
    hours, minutes = divmod(abs(east), 60)
    at = moment.astimezone(UTC) - timedelta(minutes=offset)
    return f"{at:%Y-%m-%d %H:%M} your time (UTC{sign}{hours:02d}:{minutes:02d})"


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
