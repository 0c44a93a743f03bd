"""The *Texting* panel: one candidate's threads, live statuses, and a composer that checks first.

What the HCM shows on a talent profile. The candidate is named by the host's candidate id in
the query (``/texting?candidate=cand-42``); a phone number only ever travels in a form's body.
The candidate's messages are read a page at a time, the newest page first with a link to
older ones (``messages.history_page(newest_first=True)``, which needs the host's permission to
view history), and grouped into one thread per line number, each message with who sent it
and its delivery status in words and an icon. The message list is a fragment
(``/texting/messages``) the page polls with htmx, so statuses change as delivery reports come
in, with no script of its own.

The composer posts its fields to ``/texting/check`` as the recruiter types: the fragment shows
the characters against the host's limit, the segments (:mod:`sms_core.segments`), and the
refusal the send would meet (``messages.check_send``: the same checks as the send, so an
opted-out number or quiet hours are shown before Send is pressed). Sending posts to
``/texting/send`` with an idempotency key minted when the form was drawn, so a double click
or a resubmitted form sends once.

A *Template* choice (``?template=<id>``, a GET that draws the panel again) fills the composer
with a saved template's text for the recruiter to finish; with merge fields in the body, the
counter also shows the longest a merge can make it
(:func:`~sms_core.web.templates_screen.merge_figures`).

Beside Send, "Send later" schedules the text for a time typed in the form's date-time field,
and, when the check finds the candidate in quiet hours, "Send when allowed" schedules it for
the first moment they allow (both post to ``/texting/schedule``, :mod:`sms_core.web.scheduled`,
with the same idempotency key, so the form makes one text whichever is pressed twice).
Above the composer, the candidate's texts scheduled and still waiting are listed, soonest
first (``scheduled.list_page(candidate_id=...)``), each with a Cancel link to the Scheduled
screen's confirmation.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

from starlette.routing import Route

from sms_core.domain import DeliveryStatus, Direction, ScheduledState, Thread
from sms_core.exceptions import InvalidInputError, QuietHoursError, SmsError
from sms_core.presentation import message_names, scheduled_names
from sms_core.segments import analyze
from sms_core.web.consent import consent_context
from sms_core.web.scheduled import STATES, TIME_ZONE, local, shown, utc_offset
from sms_core.web.templates_screen import merge_figures, template_choice
from sms_core.web.views import PAGE_SIZE, Given, Redirect, Screen, Visit, endpoint

__all__ = ["ROUTES", "STATUSES"]

#: Each delivery status in the panel's words, with its icon and its colour class.
STATUSES: dict[DeliveryStatus, tuple[str, str, str]] = {
    DeliveryStatus.PENDING: ("⏳", "Sending", "status-warn"),
    DeliveryStatus.UNKNOWN: ("❓", "Checking with the carrier", "status-warn"),
    DeliveryStatus.QUEUED: ("⏳", "Queued", "status-warn"),
    DeliveryStatus.SENT: ("➜", "Sent", "status-info"),
    DeliveryStatus.DELIVERED: ("✔", "Delivered", "status-ok"),
    DeliveryStatus.UNDELIVERED: ("✘", "Not delivered", "status-bad"),
    DeliveryStatus.FAILED: ("✘", "Failed", "status-bad"),
    DeliveryStatus.CANCELED: ("✘", "Canceled", "status-bad"),
    DeliveryStatus.RECEIVED: ("✉", "Received", "status-info"),
}

#: What a finished action says, by the ``done`` the redirect carries.
DONE = {
    "sent": "The text was sent; its delivery status updates below.",
    "scheduled": "The text was scheduled; it is listed under Scheduled texts until it is sent.",
    "consent": "The candidate's consent was recorded.",
}


def panel(visit: Visit, given: Given) -> Screen:
    """The candidate's threads and the composer (without a candidate, the form to name one).

    With ``?thread=<message id>`` instead of a candidate, the one thread of the user's inbox
    that message is in (a candidate who texted first, whom the host never named).
    """
    candidate = given.query.get("candidate", "")
    thread = "" if candidate else given.query.get("thread", "")
    done = DONE.get(given.query.get("done", ""))
    context: dict[str, object] = {"candidate": candidate, "thread": thread, "done": done}
    if candidate or thread:
        context.update(_listed(visit, given))
        threads: list[Thread] = context["threads"]  # type: ignore[assignment]
        context.update(_composer(visit))
        context.update(template_choice(visit, given.query.get("template", "")))
        context["to"] = threads[0].candidate.e164 if threads else ""
        context["time_zone"] = TIME_ZONE
        context.update(consent_context(visit, str(context["to"])))
        if candidate:
            context.update(_waiting(visit, candidate))
            # Told by Send later which offset the browser gave: times in local time too.
            context["local_offset"] = utc_offset(given.query.get("utc_offset", ""))
            context["local"] = local
    return Screen(template="texting.html", context=context, title="Texting")


def messages(visit: Visit, given: Given) -> Screen:
    """The message list alone, as the panel polls it for new messages and statuses."""
    return Screen(template="texting_messages.html", context=_listed(visit, given), title="Messages")


def _listed(visit: Visit, given: Given) -> dict[str, object]:
    """The messages the query names: a page of the candidate's, or one inbox thread's."""
    candidate = given.query.get("candidate", "")
    if candidate or not given.query.get("thread"):
        return _messages(visit, candidate, given.query.get("cursor") or None)
    return _inbox_thread(visit, given.query["thread"])


def check(visit: Visit, given: Given) -> Screen:
    """The composer's counter and, with a number and a body, the refusal a send would meet.

    In quiet hours the refusal carries the next allowed time, and the fragment a button that
    schedules the text for it.
    """
    return Screen(
        template="texting_check.html",
        context=counter(visit, given.field("body"), to=given.field("to").strip()),
        title="Check",
    )


def send(visit: Visit, given: Given) -> Redirect:
    """Text the candidate, then back to the panel, where the new message's status updates.

    Not with a time typed for Send later: Enter in a field submits the form with its first
    button, Send, and a text meant for later must not go now.
    """
    if given.field("send_at").strip():
        raise InvalidInputError(
            "a time to send the text later was typed: press Schedule (under Send later) to "
            "schedule it, or clear the time to send it now"
        )
    candidate = given.field("candidate").strip()
    visit.account.messages.send(
        visit.actor_id,
        candidate_id=candidate or None,
        to=given.field("to").strip(),
        body=given.field("body"),
        idempotency_key=given.field("idempotency_key") or None,
    )
    thread = given.field("thread")
    if thread and not candidate:
        return Redirect(to=f"/texting?thread={quote(thread, safe='')}&done=sent")
    return Redirect(to=f"/texting?candidate={quote(candidate)}&done=sent")


def counter(visit: Visit, body: str, *, to: str = "") -> dict[str, object]:
    """The counter's figures for ``body`` and the refusal a send to ``to`` would meet, if any.

    Without a number the counter alone shows a body over the limit; the send's checks (the
    body's, the opt-out, quiet hours) run once there is a number. An empty body is counted,
    never refused: the recruiter has not written yet.
    """
    refusal = ""
    limit: int | None = None
    next_allowed = ""
    try:
        limit = visit.account.messages.body_limit(visit.actor_id)
        if to and body.strip():
            visit.account.messages.check_send(visit.actor_id, to=to, body=body)
    except QuietHoursError as err:  # the composer offers "Send when allowed"
        refusal = str(err)
        next_allowed = shown(err.next_allowed) if err.next_allowed is not None else ""
    except SmsError as err:
        refusal = str(err)
    return {
        "length": len(body),
        "limit": limit,
        "analysis": analyze(body),
        "refusal": refusal,
        "as_written": True,  # merge fields are merged only in a mass text from a template
        **merge_figures(body),
        "next_allowed": next_allowed,
        "time_zone": TIME_ZONE,
    }


def _messages(visit: Visit, candidate: str, cursor: str | None) -> dict[str, object]:
    page = visit.account.messages.history_page(
        visit.actor_id, candidate, limit=PAGE_SIZE, cursor=cursor, newest_first=True
    )
    return {
        "candidate": candidate,
        "thread": "",
        "page": page,
        "cursor": cursor,
        # Each thread reads top to bottom, oldest to newest, as a conversation does.
        "threads": Thread.group(reversed(page.items)),
        "names": message_names(visit.account, page.items),
        "statuses": STATUSES,
        "inbound": Direction.INBOUND,
    }


def _inbox_thread(visit: Visit, message_id: str) -> dict[str, object]:
    """One thread of the user's inbox, whole (a candidate who texted first writes little).

    ``messages.thread`` marks read what it returns, which is what the panel shows.
    """
    found = visit.account.inbox.thread_of(visit.actor_id, message_id)
    listed = visit.account.messages.thread(visit.actor_id, found.line, found.candidate)
    return {
        "candidate": "",
        "thread": message_id,
        "page": None,
        "cursor": None,
        "threads": Thread.group(listed),
        "names": message_names(visit.account, listed),
        "statuses": STATUSES,
        "inbound": Direction.INBOUND,
    }


def _waiting(visit: Visit, candidate: str) -> dict[str, object]:
    """The candidate's texts scheduled and still waiting, soonest first (a page of them).

    Each has a Cancel link to the Scheduled screen's confirmation, which cancels it; a longer
    list than a page is on that screen.
    """
    page = visit.account.scheduled.list_page(
        visit.actor_id, candidate_id=candidate, state=ScheduledState.PENDING, limit=PAGE_SIZE
    )
    return {
        "waiting": page.items,
        "waiting_more": page.next_cursor is not None,
        "waiting_names": scheduled_names(visit.account, page.items),
        "waiting_state": STATES[ScheduledState.PENDING],
        "shown": shown,
    }


def _composer(visit: Visit) -> dict[str, object]:
    """The composer's fresh idempotency key, its limit, or why the user cannot text."""
    context: dict[str, object] = {"idempotency_key": uuid.uuid4().hex, "cannot_text": ""}
    try:
        context["limit"] = visit.account.messages.body_limit(visit.actor_id)
    except SmsError as err:
        context["limit"] = None
        context["cannot_text"] = str(err)
    return context


ROUTES = [
    Route("/texting", endpoint(panel), name="texting"),
    Route("/texting/messages", endpoint(messages), name="texting-messages"),
    Route("/texting/check", endpoint(check), methods=["POST"], name="texting-check"),
    Route("/texting/send", endpoint(send), methods=["POST"], name="texting-send"),
]
