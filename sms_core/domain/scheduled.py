"""Scheduled sends: a text stored now, sent through the send pipeline when its time comes."""

from __future__ import annotations

from datetime import datetime
from enum import Enum, StrEnum
from typing import Final

import attrs

from sms_core.domain.phone import PhoneNumber

__all__ = [
    "NEXT_ALLOWED",
    "ScheduleAt",
    "ScheduledRunReport",
    "ScheduledSend",
    "ScheduledState",
]


class ScheduleAt(Enum):
    """A due time the SDK works out, instead of a given ``datetime``."""

    #: The first moment the recipient's quiet hours allow a text (now, when they allow it).
    NEXT_ALLOWED = "next_allowed"


#: ``schedule(..., at=NEXT_ALLOWED)``: due at the first moment quiet hours allow it.
NEXT_ALLOWED: Final = ScheduleAt.NEXT_ALLOWED


class ScheduledState(StrEnum):
    """Where a scheduled send stands."""

    #: Waiting for its due time.
    PENDING = "pending"
    #: Taken by a process that is sending it now (until its claim expires).
    CLAIMED = "claimed"
    #: Handed to the send pipeline: ``message_id`` is the text it made (its status there).
    SENT = "sent"
    #: Cancelled before it was sent.
    CANCELLED = "cancelled"
    #: A rule refused it when its time came (opted out meanwhile...); ``refusal`` says which.
    REFUSED = "refused"

    @property
    def final(self) -> bool:
        """Whether nothing more happens to it."""
        return self in (ScheduledState.SENT, ScheduledState.CANCELLED, ScheduledState.REFUSED)


@attrs.frozen(kw_only=True)
class ScheduledSend:
    """A text to a candidate, stored to be sent at ``due_at``.

    Attributes:
        id: The SDK's id for it.
        account_id: The account.
        user_id: The recruiter it is sent as (from their line, as when they text).
        recipient: The candidate's number.
        candidate_id: The host's id for the candidate, if any.
        body: The text.
        due_at: When it is due (UTC).
        when_allowed: Whether it was scheduled for the next allowed time: if quiet hours still
            refuse when it runs (a late run), it waits for the next allowed time again.
        idempotency_key: The key its text is sent with (the caller's, or one of its own),
            so a process that stops after the hand-over never leads to a second text.
        state: Where it stands.
        message_id: The text it made, once sent.
        refusal: Why it was refused, once refused.
        created_at: When it was scheduled.
        updated_at: When its state last changed.
    """

    id: str
    account_id: str
    user_id: str
    recipient: PhoneNumber
    candidate_id: str | None
    body: str
    due_at: datetime
    when_allowed: bool
    idempotency_key: str
    state: ScheduledState
    message_id: str | None = None
    refusal: str | None = None
    created_at: datetime
    updated_at: datetime


@attrs.frozen(kw_only=True)
class ScheduledRunReport:
    """What one :meth:`run_due` pass did.

    Attributes:
        sent: Those handed to the send pipeline (each has its ``message_id``).
        refused: Those a rule refused at send time (each has its ``refusal``).
        deferred: Those scheduled for the next allowed time that quiet hours still refused:
            due again at the next allowed time.
        failed: Ids of those whose send failed unexpectedly (logged); retaken once their claim
            expires, never sent twice.
    """

    sent: tuple[ScheduledSend, ...] = ()
    refused: tuple[ScheduledSend, ...] = ()
    deferred: tuple[ScheduledSend, ...] = ()
    failed: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """How many scheduled sends the pass took."""
        return len(self.sent) + len(self.refused) + len(self.deferred) + len(self.failed)
