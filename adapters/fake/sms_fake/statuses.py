"""The carrier's own status words, as its API and webhooks spell them.

They copy Twilio's vocabulary; the adapter maps them onto the SDK's normalized statuses.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "BrandStatus",
    "CallStatus",
    "CampaignStatus",
    "MessageStatus",
    "NumberRegistrationStatus",
    "ServiceStatus",
]


class BrandStatus(StrEnum):
    """Where a brand registration stands."""

    #: Submitted; The Campaign Registry is checking it.
    PENDING = "PENDING"
    #: Registered; campaigns may be submitted under it.
    APPROVED = "APPROVED"
    #: Passed review, but its person has not confirmed yet (a sole proprietor's OTP text, a
    #: public company's 2FA e-mail); no campaign until they do.
    UNCONFIRMED = "UNCONFIRMED"
    #: Refused; see the failure reason, fix the form and resubmit.
    FAILED = "FAILED"


class CampaignStatus(StrEnum):
    """Where a campaign registration stands."""

    #: Submitted; the carriers are reviewing it.
    IN_PROGRESS = "IN_PROGRESS"
    #: Approved by the carriers; a messaging service may use it.
    VERIFIED = "VERIFIED"
    #: Refused; see the failure reason, fix the form and resubmit.
    FAILED = "FAILED"


class ServiceStatus(StrEnum):
    """Where a messaging service's setup stands."""

    #: Being provisioned on the approved campaign.
    PENDING = "PENDING"
    #: Ready: its numbers are registered senders.
    ACTIVE = "ACTIVE"
    #: Setup failed; resubmit it.
    FAILED = "FAILED"


class NumberRegistrationStatus(StrEnum):
    """Where a number in a messaging service stands with the mobile carriers."""

    #: Attached to the service; registration with the mobile carriers under way.
    PENDING = "pending_registration"
    #: Registered: the number sends as the campaign's.
    REGISTERED = "registered"
    #: The registration failed; the report carries the code and the reason.
    FAILED = "failure"


class MessageStatus(StrEnum):
    """Where a text stands at the carrier."""

    #: Accepted and waiting to go out.
    QUEUED = "queued"
    #: Handed to the mobile network.
    SENT = "sent"
    #: The handset confirmed receipt.
    DELIVERED = "delivered"
    #: The network could not deliver it.
    UNDELIVERED = "undelivered"
    #: The carrier could not send it at all.
    FAILED = "failed"
    #: Withdrawn before it was sent (the sandbox itself never cancels a text).
    CANCELED = "canceled"
    #: An inbound text a line received.
    RECEIVED = "received"


class CallStatus(StrEnum):
    """What became of an inbound call."""

    #: Ringing: its webhook has not been answered yet.
    RINGING = "ringing"
    #: The webhook app said to dial another number, and the carrier did.
    FORWARDED = "forwarded"
    #: The webhook app declined the call, or answered something the carrier could not use.
    DECLINED = "declined"
