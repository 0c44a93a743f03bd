"""Host events: what changed in an account, told to host plugins after it is committed.

Each event is written in the same transaction as the change it reports and delivered after
that transaction commits, at least once (see :mod:`sms_core.services.host_events`). Every
event carries an :attr:`~HostEvent.id` that stays the same when it is delivered again, so a
host dedupes on it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import attrs

from sms_core.domain.accounts import Line, User
from sms_core.domain.failures import FailureReason
from sms_core.domain.messages import DeliveryStatus, Message
from sms_core.domain.messaging import OptOutSource
from sms_core.domain.phone import PhoneNumber
from sms_core.domain.registration import RegistrationFailure, RegistrationStep, StepStatus

__all__ = [
    "HOST_EVENT_TYPES",
    "HostEvent",
    "InboundTextStored",
    "LineChange",
    "LineChanged",
    "MessageStatusChanged",
    "OptOutChange",
    "OptOutChanged",
    "RegistrationStepChanged",
]


@attrs.frozen(kw_only=True)
class MessageStatusChanged:
    """A text the account sent moved to a later delivery status.

    Attributes:
        id: The event's id: the same on every delivery of this event.
        occurred_at: When the SDK stored the new status (its clock).
        message_id: The SDK's id for the text.
        candidate_id: The host's id for the candidate texted, when known.
        line_id: The line the text was sent from.
        line: The line's number.
        candidate: The number texted.
        old_status: The status before.
        new_status: The status now; a later report never moves it back.
        error_code: The carrier's error code, when the text failed with one.
        failure_reason: Why it failed, in the SDK's words, when the carrier's adapter says.
    """

    id: str
    account_id: str
    occurred_at: datetime
    message_id: str
    candidate_id: str | None
    line_id: str
    line: PhoneNumber
    candidate: PhoneNumber
    old_status: DeliveryStatus
    new_status: DeliveryStatus
    error_code: str | None = None
    failure_reason: FailureReason | None = None


@attrs.frozen(kw_only=True)
class InboundTextStored:
    """A candidate's text to one of the account's lines was stored.

    Attributes:
        id: The event's id: the same on every delivery of this event.
        occurred_at: When the SDK stored the text (its clock).
        message: The stored text (``keyword`` says whether it asked to opt out, in or for help).
        candidate_id: The host's id for the candidate, when the line texted the number before.
        line: The line the text came to, as it was then.
        users: The line's users then, so the host can tell the recruiters: the users whose
            inbox the text went to (read in the text's transaction).
    """

    id: str
    account_id: str
    occurred_at: datetime
    message: Message
    candidate_id: str | None
    line: Line
    users: tuple[User, ...]


class OptOutChange(StrEnum):
    """Whether an opt-out began or ended."""

    #: The number is blocked on every line from now on.
    RECORDED = "recorded"
    #: The block was lifted; the number may be texted again.
    LIFTED = "lifted"


@attrs.frozen(kw_only=True)
class OptOutChanged:
    """A number opted out of the account's texts, or its opt-out was lifted.

    Attributes:
        id: The event's id: the same on every delivery of this event.
        occurred_at: When the SDK recorded the change (its clock).
        number: The candidate's number.
        change: Recorded or lifted.
        source: How the opt-out was learned (for a lift: the opt-out that was lifted).
        by: The user who recorded or lifted it; ``None`` when the candidate or the carrier
            did (a keyword, a refused send).
        line: The account's number the opt-out or opt-in was texted to, when known.
    """

    id: str
    account_id: str
    occurred_at: datetime
    number: PhoneNumber
    change: OptOutChange
    source: OptOutSource
    by: str | None = None
    line: PhoneNumber | None = None


@attrs.frozen(kw_only=True)
class RegistrationStepChanged:
    """A registration step moved to another status.

    Attributes:
        id: The event's id: the same on every delivery of this event.
        occurred_at: When the SDK stored the new status (its clock).
        step: The brand, the campaign or the messaging service.
        old_status: The status before.
        new_status: The status now.
        failures: Why the step failed; empty unless ``new_status`` is ``FAILED``.
    """

    id: str
    account_id: str
    occurred_at: datetime
    step: RegistrationStep
    old_status: StepStatus
    new_status: StepStatus
    failures: tuple[RegistrationFailure, ...] = ()


class LineChange(StrEnum):
    """What happened to a line."""

    #: A user was given the line (a new line, or one more user on a shared one).
    ASSIGNED = "assigned"
    #: A user was taken off the line; the line stays.
    UNASSIGNED = "unassigned"
    #: The line was handed from some users to others in one step.
    REALLOCATED = "reallocated"
    #: The line was released; its number no longer texts for the account.
    DEACTIVATED = "deactivated"
    #: Calls to the line are forwarded elsewhere now (or no longer).
    FORWARDING_CHANGED = "forwarding_changed"


@attrs.frozen(kw_only=True)
class LineChanged:
    """A line was assigned, unassigned, re-allocated, deactivated or its forwarding changed.

    Attributes:
        id: The event's id: the same on every delivery of this event.
        occurred_at: When the SDK stored the change (its clock).
        line_id: The line.
        number: The line's number.
        change: What happened.
        users_before: The ids of the line's users before the change.
        users_after: The ids of the line's users after it (empty once deactivated).
        forward_to: Where calls to the line go after the change; ``None`` for nowhere.
        by: The user who made the change, when one did.
    """

    id: str
    account_id: str
    occurred_at: datetime
    line_id: str
    number: PhoneNumber
    change: LineChange
    users_before: tuple[str, ...]
    users_after: tuple[str, ...]
    forward_to: PhoneNumber | None = None
    by: str | None = None


#: Any host event.
HostEvent = (
    MessageStatusChanged | InboundTextStored | OptOutChanged | RegistrationStepChanged | LineChanged
)

#: Every host event type, by the name it is stored under.
HOST_EVENT_TYPES: dict[str, type[HostEvent]] = {
    "message_status_changed": MessageStatusChanged,
    "inbound_text_stored": InboundTextStored,
    "opt_out_changed": OptOutChanged,
    "registration_step_changed": RegistrationStepChanged,
    "line_changed": LineChanged,
}
