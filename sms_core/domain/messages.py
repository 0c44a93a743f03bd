"""Text messages and their delivery status."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

import attrs

from sms_core.domain.failures import FailureReason
from sms_core.domain.phone import PhoneNumber

__all__ = ["DeliveryStatus", "Direction", "Message", "OutboundMessage", "SendReceipt"]


class Direction(StrEnum):
    """Which way a message travelled."""

    #: From a recruiter's line to a candidate.
    OUTBOUND = "outbound"
    #: From a candidate to a line.
    INBOUND = "inbound"


class DeliveryStatus(StrEnum):
    """The normalized delivery status; adapters map their carrier's words onto it."""

    #: Stored by the SDK, not yet handed to the carrier.
    PENDING = "pending"
    #: The carrier's answer was lost; the status must be fetched before anything else.
    UNKNOWN = "unknown"
    #: Accepted by the carrier and waiting to go out.
    QUEUED = "queued"
    #: Handed by the carrier to the mobile network.
    SENT = "sent"
    #: The handset confirmed receipt.
    DELIVERED = "delivered"
    #: The network could not deliver it (unreachable, blocked, filtered).
    UNDELIVERED = "undelivered"
    #: The carrier refused or could not send it.
    FAILED = "failed"
    #: Canceled before it was sent.
    CANCELED = "canceled"
    #: An inbound message the line received.
    RECEIVED = "received"

    @property
    def is_final(self) -> bool:
        """Whether no later report can change this status."""
        return self in _FINAL

    @property
    def rank(self) -> int:
        """Progress order: a report may move a message to a higher rank, never lower."""
        return _RANK[self]


_FINAL = frozenset(
    {
        DeliveryStatus.DELIVERED,
        DeliveryStatus.UNDELIVERED,
        DeliveryStatus.FAILED,
        DeliveryStatus.CANCELED,
        DeliveryStatus.RECEIVED,
    }
)
_RANK = {
    DeliveryStatus.PENDING: 0,
    DeliveryStatus.UNKNOWN: 1,
    DeliveryStatus.QUEUED: 2,
    DeliveryStatus.SENT: 3,
    DeliveryStatus.DELIVERED: 4,
    DeliveryStatus.UNDELIVERED: 4,
    DeliveryStatus.FAILED: 4,
    DeliveryStatus.CANCELED: 4,
    DeliveryStatus.RECEIVED: 4,
}


@attrs.frozen(kw_only=True)
class OutboundMessage:
    """A text to hand to the carrier.

    Attributes:
        message_id: The SDK's own id for the message, stored before the carrier is called;
            adapters pass it along (e.g. in the status callback URL) so a report can be
            matched even when the carrier's answer to the send was lost.
        sender_ref: The carrier's id for the sending number or messaging service, when known.
        status_callback_url: Where the carrier should report delivery.
    """

    message_id: str
    sender: PhoneNumber
    recipient: PhoneNumber
    body: str
    sender_ref: str | None = None
    status_callback_url: str | None = None


@attrs.frozen(kw_only=True)
class SendReceipt:
    """The carrier's answer to a send.

    Attributes:
        raw_status: The carrier's own status word.
        segments: How many segments the carrier counted, when it said.
        raw: The carrier's answer as it came, for troubleshooting.
    """

    provider_message_id: str
    status: DeliveryStatus
    raw_status: str
    segments: int | None = None
    raw: Mapping[str, object] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Message:
    """A stored message on a candidate's history.

    Attributes:
        user_id: The recruiter who sent it (outbound only; ``None`` for the SDK's own
            replies to a help request).
        candidate_id: The host's id for the candidate, when known.
        error_code: The carrier's error code for a failed message, as the carrier gave it.
        failure_reason: Why it failed, in the SDK's words (the adapter's reading of
            ``error_code``); ``None`` while nothing failed, and for a text that failed before
            adapters named reasons.
        keyword: For an inbound message, what it asks for (``"opt_out"``, ``"opt_in"``,
            ``"help"`` or ``"possible_opt_out"``, see
            :func:`sms_core.compliance.keywords.classify_keyword`); ``None`` for plain text.
        handed_at: When the SDK began handing the outbound text to the carrier (stored before
            the carrier call); ``None`` while it certainly has not been handed over.
    """

    id: str
    account_id: str
    line_id: str
    direction: Direction
    sender: PhoneNumber
    recipient: PhoneNumber
    body: str
    status: DeliveryStatus
    created_at: datetime
    updated_at: datetime
    candidate_id: str | None = None
    user_id: str | None = None
    provider_message_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    segments: int = 1
    keyword: str | None = None
    handed_at: datetime | None = None
    failure_reason: FailureReason | None = None

    @property
    def failure_text(self) -> str | None:
        """Why the text failed, for a person; ``None`` when no failure was recorded.

        The reason in the SDK's words first, the carrier's code beside it (unless its words
        already name it), then the carrier's words: ``unreachable (E42): Handset switched
        off``. Without a reason (a text that failed before adapters named
        reasons), the code and the words.
        """
        code, words = self.error_code, self.error_message
        if self.failure_reason is None:
            return " ".join(part for part in (code, words) if part) or None
        head = self.failure_reason.words
        if code and code not in (words or ""):
            head = f"{head} ({code})"
        return f"{head}: {words}" if words else head
