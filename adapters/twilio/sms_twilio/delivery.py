"""Texts: creating messages and looking up where they stand.

A text is created from the line's number (``From``), through the Messaging Service when one is
known, with a status callback of its own: the SDK's status URL plus ``sms_message_id=<the SDK's
id>``. Twilio calls that exact URL with every status change, so a delivery report names the
SDK's message even when the answer to the create was lost.

A create is sent once. When its answer is lost the HTTP layer raises
:class:`~sms_core.exceptions.ProviderTimeoutError` and the SDK reconciles with
:func:`fetch_message`: by Twilio's id when it has one, otherwise by listing the messages from the
line to the recipient sent since the reconciliation window began (``To``, ``From``,
``DateSent>``) and matching the text. Twilio's Message resource does not return the status
callback URL, so the SDK's id cannot be read back from it: when several identical texts match,
the lookup refuses to guess and the status callback (which names the SDK's id) settles it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sms_core.domain import OutboundMessage, SendReceipt, StatusUpdate
from sms_core.exceptions import ProviderError, ProviderNotFoundError
from sms_twilio import errors
from sms_twilio.client import TwilioClient
from sms_twilio.resources import optional_text, required_text, timestamp
from sms_twilio.settings import PROVIDER, TwilioSettings, sid_pattern
from sms_twilio.statuses import delivery_status

__all__ = [
    "LOOKUP_LIMIT",
    "MESSAGE_ID_PARAM",
    "fetch_message",
    "message_id_of",
    "send_message",
    "status_callback_url",
]

#: The query parameter of a status callback URL that carries the SDK's message id.
MESSAGE_ID_PARAM = "sms_message_id"
#: The most messages between one line and one recipient a lost send is looked for among.
LOOKUP_LIMIT = 200
_SERVICE_SID = sid_pattern("MG")
_MESSAGE_SID = sid_pattern("(?:SM|MM)")


def status_callback_url(url: str, message_id: str) -> str:
    """``url`` with the SDK's message id added to its query string."""
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != MESSAGE_ID_PARAM
    ]
    query.append((MESSAGE_ID_PARAM, message_id))
    return urlunsplit(parts._replace(query=urlencode(query)))


def message_id_of(url: str) -> str | None:
    """The SDK's message id a status callback URL carries, if any."""
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == MESSAGE_ID_PARAM and value:
            return value
    return None


def send_message(
    client: TwilioClient, settings: TwilioSettings, message: OutboundMessage
) -> SendReceipt:
    """Create the message at Twilio, once.

    Raises:
        ProviderError: The typed error for Twilio's refusal (opted out 21610, invalid
            recipient 21211/21614, rate limited 20429, …).
        ProviderTimeoutError: When the answer was lost; the create is not repeated.
    """
    fields: dict[str, Any] = {
        "to": message.recipient.e164,
        "from_": message.sender.e164,
        "body": message.body,
    }
    if service := _service_of(settings, message):
        fields["messaging_service_sid"] = service
    if message.status_callback_url:
        fields["status_callback"] = status_callback_url(
            message.status_callback_url, message.message_id
        )
    created = client.messages.create(**fields)
    raw_status = optional_text(created.status) or ""
    return SendReceipt(
        provider_message_id=required_text(created, "sid"),
        status=delivery_status(raw_status),
        raw_status=raw_status,
        segments=_segments(created.num_segments),
        raw=_raw(created),
    )


def fetch_message(
    client: TwilioClient,
    settings: TwilioSettings,
    message: OutboundMessage,
    provider_message_id: str | None,
    now: datetime,
) -> StatusUpdate:
    """Where a sent message stands, found by Twilio's id or, without it, by what was sent.

    Raises:
        ProviderNotFoundError: When Twilio has no such message: it never arrived.
        ProviderError: When several messages match a lookup without Twilio's id.
    """
    if provider_message_id is not None:
        if not _MESSAGE_SID.fullmatch(provider_message_id):
            raise errors.not_found(f"message id {provider_message_id!r}")
        return status_update(client.messages(provider_message_id).fetch(), message.message_id)
    since = now - timedelta(hours=settings.reconcile_window_hours)
    listed = client.messages.list(
        to=message.recipient.e164,
        from_=message.sender.e164,
        date_sent_after=since,
        limit=LOOKUP_LIMIT,
    )
    candidates = [
        found for found in listed if found.body == message.body and _created_since(found, since)
    ]
    if not candidates:
        raise ProviderNotFoundError(
            f"Twilio has no message from {message.sender} to {message.recipient} with this "
            f"text since {since:%Y-%m-%d %H:%M} UTC: the send never reached Twilio",
            provider=PROVIDER,
            code="20404",
            status=404,
        )
    if len(candidates) > 1:
        raise ProviderError(
            f"{len(candidates)} messages from {message.sender} to {message.recipient} have this "
            "text, so Twilio cannot tell which is this one; its status callback (which names "
            "the SDK's id) will settle it",
            provider=PROVIDER,
        )
    return status_update(candidates[0], message.message_id)


def status_update(resource: Any, message_id: str | None) -> StatusUpdate:
    """A ``Message`` answer as a status update for the SDK's message ``message_id``."""
    raw_status = optional_text(resource.status) or ""
    code = optional_text(resource.error_code)
    return StatusUpdate(
        provider_message_id=required_text(resource, "sid"),
        status=delivery_status(raw_status),
        raw_status=raw_status,
        message_id=message_id,
        error_code=code,
        error_message=optional_text(resource.error_message) or errors.delivery_error_message(code),
        occurred_at=timestamp(resource.date_updated),
        raw=_raw(resource),
    )


def _service_of(settings: TwilioSettings, message: OutboundMessage) -> str | None:
    if settings.messaging_service_sid:
        return settings.messaging_service_sid
    if message.sender_ref and _SERVICE_SID.fullmatch(message.sender_ref):
        return message.sender_ref
    return None


def _created_since(resource: Any, since: datetime) -> bool:
    created = timestamp(resource.date_created)
    return created is None or created >= since


def _segments(value: Any) -> int | None:
    """Twilio's ``num_segments`` (a string; ``"0"`` until a service has counted)."""
    text = optional_text(value)
    return int(text) if text and text.isdigit() and int(text) > 0 else None


def _raw(resource: Any) -> dict[str, object]:
    """The answer's fields worth keeping for troubleshooting (the package drops the JSON)."""
    names = (
        "sid",
        "status",
        "direction",
        "from_",
        "to",
        "messaging_service_sid",
        "num_segments",
        "error_code",
        "error_message",
        "price",
        "price_unit",
    )
    return {name.rstrip("_"): getattr(resource, name, None) for name in names}
