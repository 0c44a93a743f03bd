"""Twilio's status words and the SDK statuses they map to.

Twilio adds words over time (``partially_delivered`` and the brand ``DELETION_*`` statuses are
recent), so every mapping is a table with a fallback: an unknown message status is
``UNKNOWN`` (fetch it again later), an unknown registration status is ``IN_PROGRESS``.

The message words are exactly the ``message_enum_status`` of Twilio's description
(twilio-oai ``spec/json/twilio_api_v2010.json``; the adapter's tests compare them). A text is
created ``queued``, or ``accepted`` through a Messaging Service (``scheduled`` when scheduled),
and no status callback reports that first status ("Outbound Message Status in Status
Callbacks", https://www.twilio.com/docs/messaging/guides/outbound-message-status-in-status-callbacks).
"""

from __future__ import annotations

from enum import StrEnum

from sms_core.domain import DeliveryStatus, StepStatus

__all__ = [
    "BrandStatus",
    "CampaignStatus",
    "MessageStatus",
    "TrustHubStatus",
    "brand_step_status",
    "campaign_step_status",
    "delivery_status",
]


class MessageStatus(StrEnum):
    """A message's ``status`` (the spec's ``message_enum_status``, all 13 words)."""

    #: Created and waiting in the sender's queue.
    QUEUED = "queued"
    #: Being handed to the carrier.
    SENDING = "sending"
    #: Handed to the carrier.
    SENT = "sent"
    #: Could not be sent (see ``error_code``).
    FAILED = "failed"
    #: The handset confirmed receipt.
    DELIVERED = "delivered"
    #: The carrier could not deliver it (see ``error_code``).
    UNDELIVERED = "undelivered"
    #: An inbound message being received.
    RECEIVING = "receiving"
    #: An inbound message received.
    RECEIVED = "received"
    #: Accepted by a Messaging Service, which picks the sender next.
    ACCEPTED = "accepted"
    #: Scheduled for later (``ScheduleType=fixed``).
    SCHEDULED = "scheduled"
    #: Read by the recipient (channels with read receipts).
    READ = "read"
    #: Some of its parts were delivered.
    PARTIALLY_DELIVERED = "partially_delivered"
    #: A scheduled message canceled before it was sent.
    CANCELED = "canceled"


class BrandStatus(StrEnum):
    """A brand registration's ``status``."""

    #: Submitted; The Campaign Registry has not answered yet.
    PENDING = "PENDING"
    #: Under manual review.
    IN_REVIEW = "IN_REVIEW"
    #: Registered: campaigns may be submitted under it.
    APPROVED = "APPROVED"
    #: Refused; ``errors`` and ``failure_reason`` say why.
    FAILED = "FAILED"
    #: Suspended by the carriers or Twilio.
    SUSPENDED = "SUSPENDED"
    #: Being deleted.
    DELETION_PENDING = "DELETION_PENDING"
    #: A deletion that did not go through.
    DELETION_FAILED = "DELETION_FAILED"
    #: Deleted. Not in the 2.6.7 spec's enum, but a deleted brand reports it; it can carry no
    #: campaign, so it is a failure, never "in progress" (issue 10, item 13).
    DELETED = "DELETED"


class CampaignStatus(StrEnum):
    """Known words of a campaign's ``campaign_status``, which the spec leaves an open string."""

    #: Submitted, not reviewed yet.
    PENDING = "PENDING"
    #: Under review by the carriers.
    IN_PROGRESS = "IN_PROGRESS"
    #: Approved: the messaging service's numbers may send.
    VERIFIED = "VERIFIED"
    #: Refused; ``errors`` say why.
    FAILED = "FAILED"
    #: Suspended after approval.
    SUSPENDED = "SUSPENDED"


class TrustHubStatus(StrEnum):
    """A Trust Hub customer profile's or trust product's ``status``."""

    #: Being filled in.
    DRAFT = "draft"
    #: Submitted for review.
    PENDING_REVIEW = "pending-review"
    #: Being reviewed.
    IN_REVIEW = "in-review"
    #: Refused.
    TWILIO_REJECTED = "twilio-rejected"
    #: Approved.
    TWILIO_APPROVED = "twilio-approved"


_DELIVERY: dict[str, DeliveryStatus] = {
    MessageStatus.QUEUED: DeliveryStatus.QUEUED,
    MessageStatus.SENDING: DeliveryStatus.QUEUED,
    MessageStatus.ACCEPTED: DeliveryStatus.QUEUED,
    MessageStatus.SCHEDULED: DeliveryStatus.QUEUED,
    MessageStatus.SENT: DeliveryStatus.SENT,
    MessageStatus.DELIVERED: DeliveryStatus.DELIVERED,
    # Read implies delivered; the raw status keeps the difference.
    MessageStatus.READ: DeliveryStatus.DELIVERED,
    # Part of it reached the handset: delivered, final; the raw status tells the detail.
    MessageStatus.PARTIALLY_DELIVERED: DeliveryStatus.DELIVERED,
    MessageStatus.UNDELIVERED: DeliveryStatus.UNDELIVERED,
    MessageStatus.FAILED: DeliveryStatus.FAILED,
    MessageStatus.CANCELED: DeliveryStatus.CANCELED,
    MessageStatus.RECEIVING: DeliveryStatus.RECEIVED,
    MessageStatus.RECEIVED: DeliveryStatus.RECEIVED,
}

_BRAND: dict[str, StepStatus] = {
    BrandStatus.APPROVED: StepStatus.APPROVED,
    BrandStatus.FAILED: StepStatus.FAILED,
    # A suspended brand, or one on its way out, cannot carry campaigns: register again.
    BrandStatus.SUSPENDED: StepStatus.FAILED,
    BrandStatus.DELETION_PENDING: StepStatus.FAILED,
    BrandStatus.DELETION_FAILED: StepStatus.FAILED,
    BrandStatus.DELETED: StepStatus.FAILED,
}

_CAMPAIGN: dict[str, StepStatus] = {
    CampaignStatus.VERIFIED: StepStatus.APPROVED,
    CampaignStatus.FAILED: StepStatus.FAILED,
    CampaignStatus.SUSPENDED: StepStatus.FAILED,
}


def delivery_status(raw: str | None) -> DeliveryStatus:
    """The SDK status for a message ``status``; ``UNKNOWN`` for a word not in the table."""
    return _DELIVERY.get((raw or "").strip().lower(), DeliveryStatus.UNKNOWN)


def brand_step_status(raw: str | None) -> StepStatus:
    """The step status for a brand ``status``; pending and unknown words are in progress."""
    return _BRAND.get((raw or "").strip().upper(), StepStatus.IN_PROGRESS)


def campaign_step_status(raw: str | None) -> StepStatus:
    """The step status for a ``campaign_status``: ``VERIFIED`` is approved, others pending."""
    return _CAMPAIGN.get((raw or "").strip().upper(), StepStatus.IN_PROGRESS)
