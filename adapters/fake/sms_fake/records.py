"""What the sandbox carrier holds, as its API returns it: snapshots with the carrier's words.

Statuses are the carrier's own (:mod:`sms_fake.statuses`), computed on the carrier clock at
the moment the snapshot was taken; the adapter translates them for the SDK.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from sms_core.domain import (
    Direction,
    NumberCapabilities,
    NumberSettings,
    NumberType,
    PhoneNumber,
    RegistrationFailure,
    RegistrationStep,
)
from sms_fake.statuses import CallStatus, MessageStatus

__all__ = ["CarrierCall", "CarrierMessage", "CarrierNumber", "Registration"]


@attrs.frozen(kw_only=True)
class CarrierNumber:
    """A number an account bought.

    Attributes:
        sid: The carrier's id for the number (``PN…``).
        service_sid: The messaging service the number is attached to, if any.
    """

    sid: str
    account_id: str
    number: PhoneNumber
    country: str
    number_type: NumberType
    region: str | None
    locality: str | None
    postal_code: str | None
    capabilities: NumberCapabilities
    settings: NumberSettings
    service_sid: str | None
    purchased_at: datetime


@attrs.frozen(kw_only=True)
class Registration:
    """A brand, campaign or messaging service as the carrier's review sees it.

    Attributes:
        sid: The carrier's id (``BN…`` brand, ``QE…`` campaign, ``MG…`` messaging service).
        status: The carrier's status word for the step (``PENDING``, ``VERIFIED``, ``ACTIVE``…).
        parent_sid: The brand of a campaign, the campaign of a messaging service.
        label: What was submitted, in a few words (the brand's legal name, the use case).
        decided_at: When the current review ends, or ended.
        failure: Why the review failed; ``None`` unless it has failed.
    """

    sid: str
    account_id: str
    step: RegistrationStep
    status: str
    parent_sid: str | None
    label: str
    submitted_at: datetime
    decided_at: datetime
    failure: RegistrationFailure | None = None


@attrs.frozen(kw_only=True)
class CarrierMessage:
    """A text the carrier carried, either way.

    Attributes:
        sid: The carrier's id (``SM…``).
        message_id: The SDK's id it was sent with (outbound only, when given).
        status_changed_at: When it reached ``status``.
        error_code: The delivery error code, once it failed or went undelivered.
        keyword: For an inbound text, the keyword class it matched (``STOP``, ``START``,
            ``HELP``), if any.
    """

    sid: str
    account_id: str
    direction: Direction
    sender: PhoneNumber
    recipient: PhoneNumber
    body: str
    segments: int
    status: MessageStatus
    created_at: datetime
    status_changed_at: datetime
    message_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    keyword: str | None = None


@attrs.frozen(kw_only=True)
class CarrierCall:
    """A voice call to one of an account's numbers.

    Attributes:
        sid: The carrier's id (``CA…``).
        forwarded_to: Where the call was forwarded, when it was.
    """

    sid: str
    account_id: str
    caller: PhoneNumber
    called: PhoneNumber
    started_at: datetime
    status: CallStatus
    forwarded_to: PhoneNumber | None = None
