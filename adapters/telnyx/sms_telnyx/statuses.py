"""Telnyx's message statuses in the SDK's words.

A Telnyx message reports its status per recipient, ``to[].status``: ``queued``, ``sending``,
``sent``, ``delivered``, ``sending_failed``, ``delivery_failed``, ``delivery_unconfirmed``
(the ``OutboundMessagePayload.to[].status`` enum of the ``telnyx`` package,
``telnyx/types/outbound_message_payload.py``, generated from Telnyx's OpenAPI description;
https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks). An inbound text is
``received`` (``webhook_delivered`` once Telnyx handed it over).
"""

from __future__ import annotations

from sms_core.domain import DeliveryStatus

__all__ = ["STATUSES", "delivery_status"]

#: Every status Telnyx documents, and the SDK's status for it.
STATUSES: dict[str, DeliveryStatus] = {
    "queued": DeliveryStatus.QUEUED,
    "sending": DeliveryStatus.QUEUED,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    # Telnyx could not hand it to the network: never left Telnyx.
    "sending_failed": DeliveryStatus.FAILED,
    # The network refused or could not deliver it.
    "delivery_failed": DeliveryStatus.UNDELIVERED,
    # Handed over, but the network sent no delivery receipt: as far as anyone can know, sent.
    "delivery_unconfirmed": DeliveryStatus.SENT,
    "received": DeliveryStatus.RECEIVED,
    "webhook_delivered": DeliveryStatus.RECEIVED,
}


def delivery_status(raw: str) -> DeliveryStatus:
    """The SDK's status for Telnyx's ``raw`` one; an unknown word is ``UNKNOWN``."""
    return STATUSES.get(raw.strip().lower(), DeliveryStatus.UNKNOWN)
