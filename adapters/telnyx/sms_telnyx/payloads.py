"""Reading Telnyx's message JSON (an answer's ``data``, a webhook's ``data.payload``).

The same message record comes back from ``POST /v2/messages``, ``GET /v2/messages/{id}`` and
the ``message.sent``/``message.finalized`` webhooks (the ``OutboundMessagePayload`` model of
the ``telnyx`` package). It is read here as plain JSON, once for all three.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sms_core.domain import StatusUpdate
from sms_core.exceptions import WebhookPayloadError
from sms_telnyx.errors import failure_reason
from sms_telnyx.statuses import delivery_status

__all__ = [
    "MESSAGE_ID_PARAM",
    "answer_data",
    "first_error",
    "message_id_of",
    "recipient_status",
    "status_update",
    "text",
    "timestamp",
    "webhook_url",
]


def answer_data(answer: Any) -> Any:
    """The ``data`` of an answer of the ``telnyx`` package, as plain JSON (``None`` without)."""
    dumped = answer.to_dict(warnings=False) if answer is not None else {}
    return dumped.get("data") if isinstance(dumped, dict) else None


#: The query parameter of a message's ``webhook_url`` that carries the SDK's message id.
MESSAGE_ID_PARAM = "sms_message_id"

_KEPT = ("id", "direction", "type", "parts", "messaging_profile_id", "encoding")


def webhook_url(url: str, message_id: str) -> str:
    """``url`` with the SDK's message id added to its query string."""
    parts = urlsplit(url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != MESSAGE_ID_PARAM
    ]
    query.append((MESSAGE_ID_PARAM, message_id))
    return urlunsplit(parts._replace(query=urlencode(query)))


def message_id_of(url: str | None) -> str | None:
    """The SDK's message id a ``webhook_url`` carries, if any."""
    for key, value in parse_qsl(urlsplit(url or "").query, keep_blank_values=True):
        if key == MESSAGE_ID_PARAM and value:
            return value
    return None


def text(value: object) -> str | None:
    """``value`` as non-empty text, else ``None``."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def timestamp(value: object) -> datetime | None:
    """An ISO 8601 time Telnyx sends (``2019-12-09T20:16:07.588+00:00``), else ``None``."""
    if isinstance(value, datetime):
        return value
    raw = text(value)
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None


def recipient_status(message: Mapping[str, Any]) -> str:
    """The status Telnyx reports for the (single) recipient, ``to[0].status``."""
    recipients = message.get("to")
    if isinstance(recipients, list) and recipients and isinstance(recipients[0], Mapping):
        return text(recipients[0].get("status")) or ""
    return ""


def first_error(message: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The code and words of the first of a message's ``errors``."""
    errors = message.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
        first = errors[0]
        words = " ".join(str(p) for p in (first.get("title"), first.get("detail")) if p)
        return text(first.get("code")), words or None
    return None, None


def status_update(
    message: Mapping[str, Any], *, message_id: str | None, occurred_at: datetime | None = None
) -> StatusUpdate:
    """A Telnyx message record as a status update for the SDK's message ``message_id``.

    Raises:
        WebhookPayloadError: When the record has no ``id``.
    """
    provider_id = text(message.get("id"))
    if provider_id is None:
        raise WebhookPayloadError("a Telnyx message record without its 'id' cannot be matched")
    raw_status = recipient_status(message)
    code, words = first_error(message)
    return StatusUpdate(
        provider_message_id=provider_id,
        status=delivery_status(raw_status),
        raw_status=raw_status,
        message_id=message_id or message_id_of(text(message.get("webhook_url"))),
        error_code=code,
        error_message=words,
        failure_reason=failure_reason(code),
        occurred_at=occurred_at
        or timestamp(message.get("completed_at"))
        or timestamp(message.get("sent_at")),
        raw={key: message.get(key) for key in _KEPT} | {"status": raw_status},
    )
