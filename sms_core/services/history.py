"""Message history: conversation threads as the candidate sees them, and the candidate's record.

A thread is one line number and one candidate number. Recruiters who share a line share its
threads: the candidate sees one number and one conversation however many people text from it,
and every message keeps the user who sent it. A candidate's history is every thread they have
been texted in, with the replies that came back, including replies that arrived before the line
ever texted them (those carry no candidate id, as the SDK could not know whose they were).

Threads, a candidate's messages and the account's messages are also read a page at a time
(:mod:`.paging`): ``thread_page`` and ``page`` in the thread's and the account's order, oldest
first; ``history_page`` the candidate's messages across their threads, oldest first (the order
within each thread of :meth:`MessageHistory.history`; each message's numbers say its thread).
``thread`` and ``history`` still return everything, for the short conversations they serve.

Every read names the user viewing it, whom the host must allow ``Action.VIEW_HISTORY`` (as
access to the candidate's profile, under the first-party hosts): conversations are the
candidate's personal data. Reading a thread (``thread``, ``thread_page``) or a page of the
candidate's messages (``history_page``, what the texting panel shows) marks the replies it
returned read in the viewer's inbox (:mod:`.inbox`); ``history`` and ``page`` mark nothing
(the whole record and the account's log, not a conversation being read).
"""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import cast

import attrs

from sms_core.domain import Action, Message, PhoneNumber, Thread
from sms_core.domain.paging import Page
from sms_core.exceptions import MessageNotFoundError
from sms_core.services.context import AccountContext
from sms_core.services.inbox import mark_seen, mark_seen_across
from sms_core.services.paging import Key, Listing, page_size
from sms_core.services.send_checks import parse_number
from sms_core.store import messages as message_store

__all__ = ["MessageHistory"]

#: The sort key of every message list: (created_at, seq).
_AT_SEQ: tuple[type, ...] = (datetime, int)


@attrs.define
class MessageHistory:
    """Reading stored messages."""

    _context: AccountContext

    def get(self, viewer_id: str, message_id: str) -> Message:
        """One message.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            MessageNotFoundError: When the account has no such message.
        """
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        with self._context.database.transaction() as connection:
            message = message_store.get_message(connection, self._context.account.id, message_id)
        if message is None:
            raise MessageNotFoundError(
                f"account {self._context.account.id!r} has no message {message_id!r}; "
                "check the id a send returned"
            )
        return message

    def thread(
        self,
        viewer_id: str,
        line_number: str | PhoneNumber,
        candidate_number: str | PhoneNumber,
    ) -> builtins.list[Message]:
        """Every message between a line number and a candidate number, oldest first.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidPhoneNumberError: When either number is not valid.
        """
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        line, candidate = parse_number(line_number), parse_number(candidate_number)
        with self._context.database.transaction() as connection:
            found = message_store.thread_page(
                connection, self._context.account.id, line.e164, candidate.e164, after=None
            )
            mark_seen(self._context, connection, viewer_id, line, candidate, read=found)
        return [message for _, message in found]

    def history(self, viewer_id: str, candidate_id: str) -> builtins.list[Thread]:
        """The candidate's threads, the most recently active first, each oldest message first.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
        """
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        with self._context.database.transaction() as connection:
            found = message_store.candidate_messages(
                connection, self._context.account.id, candidate_id
            )
        return Thread.group(found)

    def thread_page(
        self,
        viewer_id: str,
        line_number: str | PhoneNumber,
        candidate_number: str | PhoneNumber,
        *,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[Message]:
        """A page of the messages between a line number and a candidate number, oldest first.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidPhoneNumberError: When either number is not valid.
            InvalidFieldError: When ``limit`` is not from 1 to ``PAGE_SIZE_MAX``.
            InvalidCursorError: When ``cursor`` is not one a page of this thread returned.
        """
        line, candidate = parse_number(line_number), parse_number(candidate_number)
        size = page_size(limit)
        listing = Listing(name="thread", scope=f"{line.e164} {candidate.e164}", shape=_AT_SEQ)
        after = listing.start(cursor)
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        with self._context.database.transaction() as connection:
            found = message_store.thread_page(
                connection,
                self._context.account.id,
                line.e164,
                candidate.e164,
                after=_message_key(after),
                limit=size + 1,
            )
            mark_seen(self._context, connection, viewer_id, line, candidate, read=found[:size])
        return listing.page(found, size)

    def history_page(
        self,
        viewer_id: str,
        candidate_id: str,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        newest_first: bool = False,
    ) -> Page[Message]:
        """A page of the candidate's messages across their threads, oldest first.

        The messages :meth:`history` groups into threads, with the same unattributed replies.
        With ``newest_first`` the first page holds the newest messages, newest first, and each
        next page older ones (a cursor of one order is refused by the other). The replies on
        the page are marked read in the viewer's inbox, each thread through its newest there.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidFieldError: When ``limit`` is not from 1 to ``PAGE_SIZE_MAX``.
            InvalidCursorError: When ``cursor`` is not one a page of this history returned.
        """
        size = page_size(limit)
        name = "newest history" if newest_first else "history"
        listing = Listing(name=name, scope=candidate_id, shape=_AT_SEQ)
        after = listing.start(cursor)
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        with self._context.database.transaction() as connection:
            found = message_store.candidate_page(
                connection,
                self._context.account.id,
                candidate_id,
                after=_message_key(after),
                limit=size + 1,
                newest_first=newest_first,
            )
            mark_seen_across(self._context, connection, viewer_id, found[:size])
        return listing.page(found, size)

    def page(
        self, viewer_id: str, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[Message]:
        """A page of every message of the account, both ways, oldest first.

        Raises:
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidFieldError: When ``limit`` is not from 1 to ``PAGE_SIZE_MAX``.
            InvalidCursorError: When ``cursor`` is not one a page of this list returned.
        """
        size = page_size(limit)
        listing = Listing(name="messages", shape=_AT_SEQ)
        after = listing.start(cursor)
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        with self._context.database.transaction() as connection:
            found = message_store.account_page(
                connection,
                self._context.account.id,
                after=_message_key(after),
                limit=size + 1,
            )
        return listing.page(found, size)


def _message_key(key: Key | None) -> message_store.MessageKey | None:
    """A decoded cursor's key as the store's (created_at, seq): ``Listing`` checked its shape."""
    return cast("message_store.MessageKey | None", key)
