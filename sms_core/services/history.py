"""Message history: conversation threads as the candidate sees them, and the candidate's record.

A thread is one line number and one candidate number. Recruiters who share a line share its
threads: the candidate sees one number and one conversation however many people text from it,
and every message keeps the user who sent it. A candidate's history is every thread they have
been texted in, with the replies that came back, including replies that arrived before the line
ever texted them (those carry no candidate id, as the SDK could not know whose they were).

Every read names the user viewing it, whom the host must allow ``Action.VIEW_HISTORY`` (as
access to the candidate's profile, under the first-party hosts): conversations are the
candidate's personal data.
"""

from __future__ import annotations

import builtins

import attrs

from sms_core.domain import Action, Direction, Message, PhoneNumber, Thread
from sms_core.exceptions import MessageNotFoundError
from sms_core.services.context import AccountContext
from sms_core.services.send_checks import parse_number
from sms_core.store import messages as message_store

__all__ = ["MessageHistory"]


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
            return message_store.thread_messages(
                connection, self._context.account.id, line.e164, candidate.e164
            )

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
        threads: dict[tuple[PhoneNumber, PhoneNumber], builtins.list[Message]] = {}
        latest: dict[tuple[PhoneNumber, PhoneNumber], int] = {}
        for position, message in enumerate(found):  # oldest first
            key = _thread_key(message)
            threads.setdefault(key, []).append(message)
            latest[key] = position
        return [
            Thread(line=line, candidate=candidate, messages=tuple(threads[line, candidate]))
            for line, candidate in sorted(threads, key=latest.__getitem__, reverse=True)
        ]


def _thread_key(message: Message) -> tuple[PhoneNumber, PhoneNumber]:
    """The line number and the candidate number of a message's thread."""
    if message.direction is Direction.OUTBOUND:
        return message.sender, message.recipient
    return message.recipient, message.sender
