"""A recruiter's inbox: the threads their lines received texts in, with what is unread."""

from __future__ import annotations

import attrs

from sms_core.domain.messages import Message
from sms_core.domain.phone import PhoneNumber

__all__ = ["InboxThread"]


@attrs.frozen(kw_only=True)
class InboxThread:
    """One thread of a user's inbox: a candidate who texted one of the user's lines.

    Attributes:
        line: The account's number the candidate texted.
        candidate: The candidate's number.
        candidate_id: The host's id for the candidate, when the line texted them before.
        last_message: The thread's newest message, either way (a recruiter's answer shows).
        unread: How many of the candidate's texts the user has not read yet.
    """

    line: PhoneNumber
    candidate: PhoneNumber
    candidate_id: str | None
    last_message: Message
    unread: int
