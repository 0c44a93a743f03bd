"""The inbox: which candidates replied to a recruiter, and which replies they have not read.

The rules, in one place:

* **Routing.** An inbound text belongs to the users on the line that received it *when it
  arrived*: the webhook's transaction stores it, puts it in each of their inboxes
  (:func:`sms_core.store.inbox.route_text`) and emits the host event
  :class:`~sms_core.domain.InboundTextStored` naming the same users, in one commit. A user put
  on the line later does not get the texts that came before; each user sharing a line has their
  own read state. (A user taken off a line and put back on it sees the thread's texts from
  the time away as unread once a new one comes: the mark is one place per thread. Texts
  stored before migration ``0016`` are in no inbox.)
* **Unread.** Per user and thread (line number, candidate number), a read mark: the candidate's
  texts after it are unread. Reading the thread through
  :meth:`~sms_core.services.history.MessageHistory.thread` or ``thread_page``, or the
  candidate's messages through ``history_page`` (the texting panel's read), as that user moves
  each thread's mark to the newest of its messages read (:func:`mark_seen`,
  :func:`mark_seen_across`); :meth:`Inbox.mark_read` marks the whole thread read. A mark never
  moves back, also when two processes mark at once (PostgreSQL): it is one conditional
  ``UPDATE``.
* **Answering reads.** A user who texts a candidate (``messages.send``) has read the thread
  they answer: the text's transaction marks the user's thread read through the newest reply
  stored by then (:func:`mark_answered`); a reply that comes after is unread. A mass text or a
  scheduled send marks nothing: neither answers one thread, and a scheduled send goes out
  long after the recruiter last looked, so replies that came meanwhile must stay unread. The
  SDK's own keyword answers (HELP, an opt-out confirmation) have no user and mark nothing.
* **Who sees what.** As history: the viewer must be a user the host allows
  ``Action.VIEW_HISTORY``. An inbox is its user's own: it lists the threads of the lines the
  user is on now (a user taken off a line no longer sees its threads), and only the user marks
  its threads read. Reading a thread of another line, where the host's permission allows it,
  marks nothing.
* **Order.** Newest reply first, paged with a cursor (:mod:`.paging`). A thread that gets a
  new reply moves to the top: while a caller pages on, it shows on no later page of that pass
  (and never twice), and every thread that did not change is listed exactly once.

The host hears of a new reply through ``InboundTextStored`` (``sms_inbound_text_stored``): once per
text, delivered at least once (dedupe on ``event.id``), with ``users`` the recruiters whose
inbox it is in. It is the event a host notifies recruiters from; no second, per-user event is
written, so the outbox keeps one row per text however many users share the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

import attrs

from sms_core.domain import Action, Direction, InboxThread, Line, Message, PhoneNumber
from sms_core.domain.paging import Page
from sms_core.exceptions import MessageNotFoundError, NotOnLineError
from sms_core.services.context import AccountContext
from sms_core.services.paging import Key, Listing, page_size
from sms_core.services.send_checks import parse_number
from sms_core.store import Transaction
from sms_core.store import inbox as inbox_store
from sms_core.store import lines as line_store
from sms_core.store import messages as message_store

__all__ = ["Inbox", "mark_answered", "mark_seen", "mark_seen_across", "route"]

#: The inbox's sort key: the newest reply's (created_at, seq), read newest first.
_AT_SEQ: tuple[type, ...] = (datetime, int)


@attrs.define
class Inbox:
    """Each user's threads with the candidates' replies, and what is unread (see the module)."""

    _context: AccountContext

    def threads_page(
        self,
        viewer_id: str,
        *,
        cursor: str | None = None,
        limit: int | None = None,
        unread_only: bool = False,
    ) -> Page[InboxThread]:
        """A page of the viewer's threads, the newest reply first, each with its unread count.

        Args:
            viewer_id: The user whose inbox it is.
            cursor: The ``next_cursor`` of the previous page; ``None`` for the first.
            limit: The page size, from 1 to ``PAGE_SIZE_MAX`` (default ``PAGE_SIZE_DEFAULT``).
            unread_only: Only the threads with an unread reply.

        Raises:
            UserNotFoundError: When the account has no such user.
            PermissionDeniedError: When the host does not let the viewer see message history.
            InvalidFieldError: When ``limit`` is not from 1 to ``PAGE_SIZE_MAX``.
            InvalidCursorError: When ``cursor`` is not one a page of this inbox (the same
                viewer, the same ``unread_only``) returned.
        """
        size = page_size(limit)
        scope = f"{viewer_id} {'unread' if unread_only else 'all'}"
        listing = Listing(name="inbox", scope=scope, shape=_AT_SEQ)
        after = listing.start(cursor)
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        account_id = self._context.account.id
        with self._context.database.transaction() as connection:
            found = inbox_store.thread_page(
                connection,
                account_id,
                viewer_id,
                after=_inbox_key(after),
                limit=size + 1,
                unread_only=unread_only,
            )
            seqs = [row.newest_seq for _, row in found if row.newest_seq is not None]
            newest = message_store.by_seq(connection, account_id, seqs)
        # A thread whose messages were all erased has no last message: it is left out.
        threads: list[tuple[Key, InboxThread]] = [
            (
                key,
                InboxThread(
                    line=PhoneNumber(e164=row.line_number),
                    candidate=PhoneNumber(e164=row.candidate_number),
                    candidate_id=row.candidate_id,
                    last_message=newest[row.newest_seq],
                    unread=row.unread,
                ),
            )
            for key, row in found
            if row.newest_seq in newest
        ]
        return listing.page(threads, size)

    def thread_of(self, viewer_id: str, message_id: str) -> InboxThread:
        """The thread of the viewer's inbox that message ``message_id`` is in.

        Any message of a thread names it (an inbox row links its newest), so a thread is
        named by an id, never by its phone numbers. Reading it marks nothing.

        Raises:
            UserNotFoundError: When the account has no such user.
            PermissionDeniedError: When the host does not let the viewer see message history.
            MessageNotFoundError: When the account has no such message, or its thread is not
                in the viewer's inbox (another user's line, or one the viewer left).
        """
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        account_id = self._context.account.id
        with self._context.database.transaction() as connection:
            message = message_store.get_message(connection, account_id, message_id)
            if message is not None:
                line, candidate = _thread_of(message)
                row = inbox_store.thread_row(
                    connection, account_id, viewer_id, line.e164, candidate.e164
                )
                newest = message_store.by_seq(
                    connection,
                    account_id,
                    [] if row is None or row.newest_seq is None else [row.newest_seq],
                )
        if message is None or row is None or row.newest_seq not in newest:
            raise MessageNotFoundError(
                f"user {viewer_id!r}'s inbox has no thread with message {message_id[:60]!r}; "
                "open a thread from the user's own inbox"
            )
        return InboxThread(
            line=line,
            candidate=candidate,
            candidate_id=row.candidate_id,
            last_message=newest[row.newest_seq],
            unread=row.unread,
        )

    def unread_count(self, viewer_id: str) -> int:
        """How many candidates' texts in the viewer's inbox the viewer has not read.

        Raises:
            UserNotFoundError: When the account has no such user.
            PermissionDeniedError: When the host does not let the viewer see message history.
        """
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        with self._context.database.transaction() as connection:
            return inbox_store.unread_total(connection, self._context.account.id, viewer_id)

    def mark_read(
        self,
        viewer_id: str,
        line_number: str | PhoneNumber,
        candidate_number: str | PhoneNumber,
    ) -> bool:
        """Mark every reply in one of the viewer's threads read, without reading the thread.

        Returns:
            Whether anything was unread (``False`` marks nothing: already read).

        Raises:
            InvalidPhoneNumberError: When either number is not valid.
            UserNotFoundError: When the account has no such user.
            PermissionDeniedError: When the host does not let the viewer see message history.
            NotOnLineError: When the viewer is not on the line ``line_number`` now (an inbox
                holds the threads of its user's lines only).
        """
        line, candidate = parse_number(line_number), parse_number(candidate_number)
        self._context.require(viewer_id, Action.VIEW_HISTORY)
        account_id = self._context.account.id
        with self._context.database.transaction() as connection:
            on = line_store.line_of_user(connection, account_id, viewer_id)
            if on is None or on.number != line:
                raise NotOnLineError(
                    f"user {viewer_id!r} is not on {line}, so {line}'s threads are not in "
                    "their inbox; mark the threads of the user's own line, or put the user on "
                    f"{line} first"
                )
            return inbox_store.mark_read(
                connection, account_id, viewer_id, line.e164, candidate.e164
            )


def route(connection: Transaction, account_id: str, message_id: str, line: Line) -> Line:
    """Put a text just stored on ``line`` in the inbox of each user on the line now.

    The line's users are read in the text's transaction, so the inboxes it goes to and the
    users its :class:`~sms_core.domain.InboundTextStored` names are the same ones.

    Returns:
        The line as it is now (as it was loaded, when it was released meanwhile).
    """
    line = line_store.get_line(connection, account_id, line.id) or line
    inbox_store.route_text(
        connection, account_id, message_id, line_id=line.id, user_ids=line.user_ids
    )
    return line


def mark_seen(
    context: AccountContext,
    connection: Transaction,
    viewer_id: str,
    line: PhoneNumber,
    candidate: PhoneNumber,
    *,
    read: Sequence[tuple[message_store.MessageKey, object]],
) -> None:
    """The viewer read ``read`` (keyed, oldest first) of a thread: move their mark to its end.

    The one place where reading a thread marks it read; a thread not in the viewer's inbox
    (another line's, read with the host's permission) keeps no mark, and nothing moves back.
    """
    if read:
        inbox_store.mark_read(
            connection,
            context.account.id,
            viewer_id,
            line.e164,
            candidate.e164,
            through=read[-1][0],
        )


def mark_seen_across(
    context: AccountContext,
    connection: Transaction,
    viewer_id: str,
    read: Sequence[tuple[message_store.MessageKey, Message]],
) -> None:
    """The viewer read ``read`` (keyed, any threads, any order): mark each thread to its newest.

    The candidate's history mixes threads (one per line the candidate texted with); each of
    the viewer's threads among them is marked through the newest of its replies read (the
    same unread count as through its newest message, as :func:`mark_seen` marks one thread),
    so a page with no reply on it writes nothing.
    """
    newest: dict[tuple[PhoneNumber, PhoneNumber], message_store.MessageKey] = {}
    for key, message in read:
        if message.direction is not Direction.INBOUND:
            continue  # only replies are unread: a page of the user's own texts writes nothing
        thread = _thread_of(message)
        if thread not in newest or newest[thread] < key:
            newest[thread] = key
    for (line, candidate), key in newest.items():
        mark_seen(context, connection, viewer_id, line, candidate, read=[(key, None)])


def mark_answered(connection: Transaction, message: Message) -> None:
    """The user who wrote ``message`` (just stored, outbound) read the thread it answers.

    Marks the user's thread read through the newest reply routed to them so far, in the
    transaction that stores the text; nothing for a thread not in the user's inbox or a text
    without a user (see the module: only ``messages.send`` answers).
    """
    if message.user_id is None or message.direction is not Direction.OUTBOUND:
        return
    inbox_store.mark_read(
        connection,
        message.account_id,
        message.user_id,
        message.sender.e164,
        message.recipient.e164,
    )


def _thread_of(message: Message) -> tuple[PhoneNumber, PhoneNumber]:
    """A message's thread: (the line's number, the candidate's number)."""
    if message.direction is Direction.OUTBOUND:
        return message.sender, message.recipient
    return message.recipient, message.sender


def _inbox_key(key: Key | None) -> inbox_store.InboxKey | None:
    """A decoded cursor's key as the store's (last_at, last_seq): ``Listing`` checked its shape."""
    return cast("inbox_store.InboxKey | None", key)
