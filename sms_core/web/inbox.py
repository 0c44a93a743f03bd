"""The *Inbox* screen: which candidates replied to the signed-in user, and what is unread.

The recruiter's own inbox (:class:`~sms_core.services.inbox.Inbox`): the threads of the line
they are on, the newest reply first, a page at a time, each with the candidate, the line, the
last message's first words and time, and how many replies are unread, in words, an icon and a
colour. ``?unread=1`` lists only the threads with an unread reply.

A thread is named in links by the id of one of its messages (``/inbox/threads/<message id>``,
never by a phone number); opening it checks the thread is in the user's inbox
(``inbox.thread_of``: another account's or another user's thread is a 404) and goes to the
texting panel (:mod:`sms_core.web.texting`) for the candidate, which reads the messages through
``messages.history_page`` and so marks read exactly the replies it shows. A thread whose
candidate the host never named (the candidate texted first) opens the panel on that thread.

The navigation's Inbox link carries the unread total, drawn with each page
(:attr:`~sms_core.web.views.Visit.unread`) and refreshed by htmx polling ``/inbox/unread``
every 5 seconds: replies arrive while a recruiter sits on one screen, and the poll is one
indexed count per open page, far less than reloading the page would cost.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.routing import Route

from sms_core.domain import Direction
from sms_core.web.views import PAGE_SIZE, Given, Redirect, Screen, Visit, endpoint

__all__ = ["ROUTES", "first_words"]

#: How many words of the last message a row shows.
FIRST_WORDS = 12


def inbox(visit: Visit, given: Given) -> Screen:
    """A page of the user's threads, the newest reply first (``?unread=1``: unread ones only)."""
    unread_only = given.query.get("unread") == "1"
    cursor = given.query.get("cursor") or None
    page = visit.account.inbox.threads_page(
        visit.actor_id, cursor=cursor, limit=PAGE_SIZE, unread_only=unread_only
    )
    return Screen(
        template="inbox.html",
        context={
            "page": page,
            "cursor": cursor,
            "unread_only": unread_only,
            "inbound": Direction.INBOUND,
            "first_words": first_words,
        },
        title="Inbox",
    )


def open_thread(visit: Visit, given: Given) -> Redirect:
    """Open one of the user's threads in the texting panel, which marks read what it shows."""
    thread = visit.account.inbox.thread_of(visit.actor_id, given.path["message_id"])
    if thread.candidate_id is not None:
        return Redirect(to=f"/texting?candidate={quote(thread.candidate_id, safe='')}")
    return Redirect(to=f"/texting?thread={quote(thread.last_message.id, safe='')}")


def unread(visit: Visit, given: Given) -> Screen:
    """The navigation's unread total alone, as each page polls it (``visit.unread``)."""
    return Screen(template="inbox_unread.html", context={}, title="Unread")


def first_words(body: str, words: int = FIRST_WORDS) -> str:
    """The first ``words`` words of ``body`` on one line, with an ellipsis when cut."""
    split = body.split()
    return " ".join(split[:words]) + (" …" if len(split) > words else "")


ROUTES = [
    Route("/inbox", endpoint(inbox), name="inbox"),
    Route("/inbox/unread", endpoint(unread), name="inbox-unread"),
    Route("/inbox/threads/{message_id}", endpoint(open_thread), name="inbox-thread"),
]
