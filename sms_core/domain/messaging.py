"""Texting results: sends, mass sends, conversation threads, opt-outs and webhook kinds."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

import attrs

from sms_core.domain.messages import Direction, Message
from sms_core.domain.phone import PhoneNumber
from sms_core.segments import SegmentAnalysis

__all__ = [
    "MassSendResult",
    "OptOut",
    "OptOutSource",
    "Recipient",
    "RecipientOutcome",
    "RecipientStatus",
    "SendResult",
    "Thread",
    "WebhookKind",
]


@attrs.frozen(kw_only=True)
class SendResult:
    """The answer to one send.

    Attributes:
        message: The stored message: ``QUEUED`` (or later) once the carrier took it,
            ``UNKNOWN`` when the carrier's answer was lost (reconcile it, never re-send).
        segments: The body's encoding and segment count, so a caller can warn before a body
            splits into several billed segments.
        duplicate: Whether an earlier call with the same idempotency key already made this
            message; nothing was sent this time.
    """

    message: Message
    segments: SegmentAnalysis
    duplicate: bool = False


@attrs.frozen(kw_only=True)
class Recipient:
    """One candidate of a mass text.

    Attributes:
        candidate_id: The host's id for the candidate, when the text goes to a known one.
        number: The candidate's number as typed; US numbers need no ``+1``.
    """

    candidate_id: str | None
    number: str | PhoneNumber


class RecipientStatus(StrEnum):
    """What became of one recipient of a mass text."""

    #: Handed to the carrier (its delivery reports follow), or sent by an earlier call with
    #: the same idempotency key.
    SENT = "sent"
    #: Not sent: the SDK refused it before the carrier was called (invalid number, opted out,
    #: quiet hours, allowance used up); ``reason`` says which.
    REFUSED = "refused"
    #: The carrier refused it; ``reason`` says why in the SDK's words with the carrier's code
    #: and words beside it (``Message.failure_text``), the message keeps all three.
    FAILED = "failed"
    #: Stored by an earlier call with the same idempotency key and not handed to the carrier
    #: yet (that call is still sending it, or recovery holds it for quiet hours); ``reason``
    #: says which. Never counted as sent.
    PENDING = "pending"


@attrs.frozen(kw_only=True)
class RecipientOutcome:
    """One recipient's outcome in a mass text.

    Attributes:
        recipient: The recipient as given.
        status: Sent, refused or failed.
        reason: Why it was refused or failed, worded for the sender; for a sent message whose
            carrier answer was lost, says that its status will be reconciled.
        message: The stored message; ``None`` when refused (nothing was stored).
        duplicate: Whether an earlier call with the same idempotency key sent it.
    """

    recipient: Recipient
    status: RecipientStatus
    reason: str | None = None
    message: Message | None = None
    duplicate: bool = False


@attrs.frozen(kw_only=True)
class MassSendResult:
    """The answer to a mass text: every recipient's outcome, in the order given.

    Attributes:
        outcomes: One outcome per recipient, in input order.
        segments: The body's encoding and segment count (the same for every recipient); for
            a template rendered per recipient, those of the text that takes the most segments.
    """

    outcomes: list[RecipientOutcome]
    segments: SegmentAnalysis

    @property
    def sent(self) -> int:
        """How many recipients were sent the text."""
        return self._count(RecipientStatus.SENT)

    @property
    def refused(self) -> int:
        """How many recipients the SDK refused before calling the carrier."""
        return self._count(RecipientStatus.REFUSED)

    @property
    def failed(self) -> int:
        """How many recipients the carrier refused."""
        return self._count(RecipientStatus.FAILED)

    @property
    def pending(self) -> int:
        """How many recipients' texts an earlier call stored and has not handed over yet."""
        return self._count(RecipientStatus.PENDING)

    def _count(self, status: RecipientStatus) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status is status)


@attrs.frozen(kw_only=True)
class Thread:
    """One conversation as the candidate sees it: one line number, one candidate number.

    However many recruiters share the line, the candidate sees one number and one thread.

    Attributes:
        line: The account's number.
        candidate: The candidate's number.
        messages: Both directions, oldest first.
    """

    line: PhoneNumber
    candidate: PhoneNumber
    messages: tuple[Message, ...]

    @classmethod
    def group(cls, messages: Iterable[Message]) -> list[Thread]:
        """The threads of ``messages`` (given oldest first), the most recently active first."""
        threads: dict[tuple[PhoneNumber, PhoneNumber], list[Message]] = {}
        latest: dict[tuple[PhoneNumber, PhoneNumber], int] = {}
        for position, message in enumerate(messages):
            if message.direction is Direction.OUTBOUND:
                key = (message.sender, message.recipient)
            else:
                key = (message.recipient, message.sender)
            threads.setdefault(key, []).append(message)
            latest[key] = position
        return [
            cls(line=line, candidate=candidate, messages=tuple(threads[line, candidate]))
            for line, candidate in sorted(threads, key=latest.__getitem__, reverse=True)
        ]


class OptOutSource(StrEnum):
    """How the SDK learned that a number opted out."""

    #: The candidate texted an opt-out keyword (STOP, "opt out", ...) to one of the lines.
    KEYWORD = "keyword"
    #: The carrier refused a send because the recipient opted out there.
    CARRIER = "carrier"
    #: The host product recorded it (a request made by phone, email or in person).
    HOST = "host"
    #: The candidate's number and texts were erased at their request: never text them again.
    ERASURE = "erasure"


@attrs.frozen(kw_only=True)
class OptOut:
    """A number that asked not to be texted, blocked on every line of the account.

    Attributes:
        number: The candidate's number.
        opted_out_at: When the SDK learned of it (its clock), or the time the host gave.
        source: How it was learned.
        keyword: The text the candidate sent, for a keyword opt-out.
        line: The account's number the opt-out was sent to or refused from, when known.
        lifted_at: When it was lifted; ``None`` while it blocks.
        lifted_by: The user who lifted it; ``None`` while it blocks, or when the candidate
            lifted it by texting an opt-in keyword.
        lift_reason: Why it was lifted, as recorded.
    """

    number: PhoneNumber
    opted_out_at: datetime
    source: OptOutSource
    keyword: str | None = None
    line: PhoneNumber | None = None
    lifted_at: datetime | None = None
    lifted_by: str | None = None
    lift_reason: str | None = None

    @property
    def active(self) -> bool:
        """Whether the opt-out still blocks texts."""
        return self.lifted_at is None


class WebhookKind(StrEnum):
    """Which webhook of an account a carrier called; the last part of its URL."""

    #: Delivery reports of sent texts (``{base}/{account_id}/status``).
    STATUS = "status"
    #: Texts a line received (``{base}/{account_id}/messages``).
    MESSAGES = "messages"
    #: Calls a line received (``{base}/{account_id}/calls``).
    CALLS = "calls"
    #: Carrier account events: a number's registration with the mobile carriers
    #: (``{base}/{account_id}/events``).
    EVENTS = "events"
