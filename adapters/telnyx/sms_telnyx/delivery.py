"""Texts: sending them once and looking up where they stand.

A text is sent with ``POST /v2/messages`` (``client.messages.send``) from the line's number,
through the account's messaging profile when one is set, with a ``webhook_url`` of its own: the
SDK's status URL plus ``sms_message_id=<the SDK's id>``. Telnyx sends that message's
``message.sent`` and ``message.finalized`` webhooks to that exact URL ("webhook_url: The URL
where webhooks related to this message will be sent", the ``send`` parameters of the
``telnyx`` package, ``telnyx/resources/messages/messages.py``), and echoes it in the record's
``webhook_url``, so a delivery report names the SDK's message even when the send's answer was
lost. The same URL is the message's ``webhook_failover_url``, and ``use_profile_webhooks`` is
false ("If the profile this number is associated with has webhooks, use them for delivery
notifications. If webhooks are also specified on the message itself, they will be attempted
first, then those on the profile", same source): the profile's webhook URL is the SDK's
*messages* URL, for inbound texts, and a report sent there would be refused. The SDK's id also
goes as the request's ``Idempotency-Key`` header (the package's ``idempotency_key`` argument).

A send is made once: the client never retries (:mod:`sms_telnyx.client`). When its answer is
lost the adapter raises :class:`~sms_core.exceptions.ProviderTimeoutError` and the SDK
reconciles with :func:`fetch_message`. Telnyx looks a message up by its id only
(``GET /v2/messages/{id}``, messages of the last 10 days); it lists no messages to search by
what was sent, so without the id the lookup answers
:class:`~sms_core.exceptions.ProviderNotFoundError` and the message's own webhook settles it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sms_core.domain import OutboundMessage, SendReceipt, StatusUpdate
from sms_core.exceptions import ProviderNotFoundError
from sms_telnyx.errors import calling, unreadable_answer
from sms_telnyx.payloads import recipient_status, status_update, text, webhook_url
from sms_telnyx.settings import PROVIDER, TelnyxSettings
from sms_telnyx.statuses import delivery_status

if TYPE_CHECKING:
    import telnyx

__all__ = ["fetch_message", "send_message"]


def _data(answer: Any) -> dict[str, Any]:
    dumped = answer.to_dict(warnings=False) if answer is not None else {}
    data = dumped.get("data") if isinstance(dumped, dict) else None
    return data if isinstance(data, dict) else {}


def send_message(
    client: telnyx.Telnyx, settings: TelnyxSettings, message: OutboundMessage
) -> SendReceipt:
    """Send the text at Telnyx, once.

    Raises:
        ProviderError: The typed error for Telnyx's refusal (opted out 40300, invalid
            recipient 10002/40012, rate limited 429, …).
        ProviderTimeoutError: When the answer was lost; the send is not repeated.
    """
    fields: dict[str, Any] = {
        "to": message.recipient.e164,
        "from_": message.sender.e164,
        "text": message.body,
        "idempotency_key": message.message_id,
    }
    if settings.messaging_profile_id:
        fields["messaging_profile_id"] = settings.messaging_profile_id
    if message.status_callback_url:
        url = webhook_url(message.status_callback_url, message.message_id)
        # The message's own URL, also as its failover, and not the profile's: the profile's
        # webhook URL is the SDK's messages URL (inbound texts), which takes no reports.
        fields |= {"webhook_url": url, "webhook_failover_url": url, "use_profile_webhooks": False}
    answer = calling(lambda: client.messages.send(**fields), creates=True)
    data = _data(answer)
    provider_id = text(data.get("id"))
    if provider_id is None:
        # A 2xx answer without the message's id: it may exist, and only its webhook can say.
        raise unreadable_answer(creates=True)
    raw_status = recipient_status(data) or "queued"
    parts = data.get("parts")
    return SendReceipt(
        provider_message_id=provider_id,
        status=delivery_status(raw_status),
        raw_status=raw_status,
        segments=parts if isinstance(parts, int) and parts > 0 else None,
        raw={"id": provider_id, "status": raw_status, "parts": parts},
    )


def fetch_message(
    reader: telnyx.Telnyx, message: OutboundMessage, provider_message_id: str | None
) -> StatusUpdate:
    """Where a sent text stands, by Telnyx's id (``GET /v2/messages/{id}``).

    ``reader`` is a client that may retry: a read is safe to repeat.

    Raises:
        ProviderNotFoundError: When Telnyx has no such message, or no id is known (Telnyx
            cannot look a message up by what was sent; its webhook names the SDK's message).
    """
    if provider_message_id is None:
        raise ProviderNotFoundError(
            f"Telnyx cannot look up the text from {message.sender} to {message.recipient} "
            "without its message id (it lists no messages to search); the message's webhook "
            f"names the SDK's message {message.message_id!r} and settles it, so wait for it",
            provider=PROVIDER,
        )
    answer = calling(lambda: reader.messages.retrieve(provider_message_id), creates=False)
    data = _data(answer)
    if not data:
        raise ProviderNotFoundError(
            f"Telnyx answered no message for id {provider_message_id!r}", provider=PROVIDER
        )
    return status_update(data, message_id=message.message_id)
