"""Telnyx's webhooks: verifying Ed25519 signatures, parsing message events, answering.

**Signatures.** Telnyx signs every webhook (API v2) with Ed25519: the
``telnyx-signature-ed25519`` header holds the base64 signature (64 bytes) of
``f"{telnyx-timestamp}|{raw body}"``, made with the account's key pair; it is checked with the
account's base64 public key (Mission Control, "Keys & Credentials", "Public Key"). Sources:
https://developers.telnyx.com/docs/development/sdk/python/webhooks and the ``telnyx``
package's own verifier, ``telnyx/lib/webhook_verification.py`` (headers, signed string, and
``TIMESTAMP_TOLERANCE_SECONDS = 300``: a timestamp more than five minutes from now, either way,
is refused). The adapter verifies with PyNaCl itself rather than through that helper, because
the helper reads the wall clock and the adapter's time is injected. libsodium's
``crypto_sign_open`` compares in constant time. The signature covers the body and the
timestamp, not the URL: the URL's ``sms_message_id`` query is trusted because Telnyx calls the
``webhook_url`` the send named.

**Events.** The body is ``{"data": {"event_type": ..., "id": ..., "occurred_at": ...,
"payload": {...}}, "meta": {...}}``
(https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks):

* ``message.received``: an inbound text (``payload.from.phone_number``,
  ``payload.to[0].phone_number``, ``payload.text``). When Telnyx answered an opt-out, opt-in
  or (configured) help keyword itself, ``payload.autoresponse_type`` names it ("Automatic
  response type triggered by an inbound opt-in, opt-out, or help keyword. Examples include
  START, STOP, and HELP", ``MessagingInboundMessagePayload`` of the ``telnyx`` package); it becomes
  ``carrier_keyword``. A text from something that is not a phone number (a short code) is
  acknowledged and not stored: no one could text it back;
* ``message.sent`` and ``message.finalized``: a delivery report of a text the SDK sent, whose
  ``webhook_url`` (and the URL called) carries the SDK's message id;
* 10DLC brand, campaign and phone number updates: :mod:`sms_telnyx.registration_events`;
* any other event type is acknowledged and ignored.

A call reaches the number's TeXML application's voice URL as form fields, not a JSON event,
signed the same way; :mod:`sms_telnyx.voice` parses it (a request naming a ``CallSid``) and
renders its TeXML answer.

Telnyx counts any 2xx answer as delivered and retries otherwise; the adapter answers 200 with
an empty body.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from sms_core.compliance.keywords import KeywordClass
from sms_core.domain import (
    InboundMessage,
    PhoneNumber,
    ProviderEvent,
    WebhookRequest,
    WebhookResponse,
)
from sms_core.exceptions import ConfigurationError, InvalidPhoneNumberError, WebhookPayloadError
from sms_telnyx import voice
from sms_telnyx.payloads import message_id_of, status_update, text, timestamp
from sms_telnyx.registration_events import parse_registration_webhook

__all__ = [
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "TIMESTAMP_TOLERANCE",
    "acknowledge",
    "parse_webhook",
    "verify_webhook",
]

_log = logging.getLogger(__name__)

#: The header Telnyx puts its signature in (lower-cased, as ``WebhookRequest`` keeps headers).
SIGNATURE_HEADER = "telnyx-signature-ed25519"
#: The header with the Unix time (seconds) the request was signed at.
TIMESTAMP_HEADER = "telnyx-timestamp"
#: How far the signing time may be from now, either way (the ``telnyx`` package's 300 s).
TIMESTAMP_TOLERANCE = timedelta(seconds=300)

# Telnyx's autoresponse_type, in the SDK's keyword classes: the operation names (start, stop,
# help, and info as the API's autoresp_configs call it) and, should the keyword itself be
# reported, Telnyx's default keywords of each ("STOP, STOPALL, STOP ALL, UNSUBSCRIBE, CANCEL,
# END, QUIT"; "START, UNSTOP"; "HELP";
# https://developers.telnyx.com/docs/messaging/messages/advanced-opt-in-out/index).
_AUTORESPONSES = {
    **dict.fromkeys(
        ("STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"),
        KeywordClass.OPT_OUT,
    ),
    **dict.fromkeys(("START", "UNSTOP"), KeywordClass.OPT_IN),
    **dict.fromkeys(("HELP", "INFO"), KeywordClass.HELP),
}
_STATUS_EVENTS = frozenset({"message.sent", "message.finalized"})


def public_key_of(encoded: str) -> VerifyKey:
    """The Ed25519 key of a base64 public key.

    Raises:
        ConfigurationError: When it is not 32 bytes of base64; the key is not shown.
    """
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ConfigurationError(
            "the Telnyx webhook public key ({env_prefix}PUBLIC_KEY) is not a base64 Ed25519 "
            "public key (32 bytes); copy it from Mission Control, Keys & Credentials, Public Key"
        )
    return VerifyKey(raw)


def verify_webhook(  # noqa: PLR0911 - each way a request fails says False on its own line
    request: WebhookRequest, public_key: str | None, now: datetime
) -> bool:
    """Whether the request carries a valid, fresh Ed25519 signature by the account's key.

    Raises:
        ConfigurationError: When no public key is configured, or it is malformed.
    """
    if public_key is None:
        raise ConfigurationError(
            "Telnyx webhooks cannot be verified: the account's public key is not configured; "
            "set the PUBLIC_KEY variable of the account's env_prefix (TELNYX_PUBLIC_KEY by "
            "default) from Mission Control, Keys & Credentials, Public Key"
        )
    key = public_key_of(public_key)
    signature_text = request.headers.get(SIGNATURE_HEADER, "")
    stamp = request.headers.get(TIMESTAMP_HEADER, "").strip()
    if not signature_text or not stamp.isdigit():
        return False
    try:
        signed_at = datetime.fromtimestamp(int(stamp), tz=UTC)
    except (OverflowError, OSError, ValueError):
        return False
    if abs(now - signed_at) > TIMESTAMP_TOLERANCE:
        _log.warning("a Telnyx webhook signed at %s is outside the 300 s tolerance", stamp)
        return False
    try:
        signature = base64.b64decode(signature_text, validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(signature) != 64:
        return False
    try:
        key.verify(stamp.encode("ascii") + b"|" + request.body, signature)
    except BadSignatureError:
        return False
    return True


def _event(request: WebhookRequest) -> Mapping[str, Any]:
    try:
        body = json.loads(request.body)
    except (UnicodeDecodeError, ValueError) as err:
        raise WebhookPayloadError("a Telnyx webhook must be a JSON object") from err
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        raise WebhookPayloadError("a Telnyx webhook must carry 'data' with its 'payload'")
    return data


def parse_webhook(request: WebhookRequest) -> list[ProviderEvent]:
    """The events a verified Telnyx webhook carries.

    Raises:
        WebhookPayloadError: When the body is not a Telnyx event, or a message event lacks
            what its kind requires.
    """
    if voice.is_call(request):
        # A TeXML call request (form fields, not a JSON event): sms_telnyx.voice.
        return list(voice.parse_call(request))
    if (registration := parse_registration_webhook(request)) is not None:
        return registration  # 10DLC updates: sms_telnyx.registration_events
    data = _event(request)
    kind = text(data.get("event_type")) or ""
    payload: Mapping[str, Any] = data["payload"]
    occurred_at = timestamp(data.get("occurred_at"))
    if kind in _STATUS_EVENTS:
        return [
            status_update(payload, message_id=message_id_of(request.url), occurred_at=occurred_at)
        ]
    if kind == "message.received":
        inbound = _inbound(payload, occurred_at)
        return [] if inbound is None else [inbound]
    _log.info("a Telnyx %r webhook was acknowledged and ignored", kind)
    return []


def _inbound(payload: Mapping[str, Any], occurred_at: datetime | None) -> InboundMessage | None:
    provider_id = text(payload.get("id"))
    if provider_id is None:
        raise WebhookPayloadError("a Telnyx message.received webhook has no payload 'id'")
    sender_field = payload.get("from")
    sender_text = text(sender_field.get("phone_number")) if isinstance(sender_field, dict) else None
    recipients = payload.get("to")
    recipient_text = (
        text(recipients[0].get("phone_number"))
        if isinstance(recipients, list) and recipients and isinstance(recipients[0], dict)
        else None
    )
    if recipient_text is None:
        raise WebhookPayloadError("a Telnyx message.received webhook names no 'to' number")
    try:
        recipient = PhoneNumber.parse(recipient_text, region=None)
    except InvalidPhoneNumberError as err:
        raise WebhookPayloadError(
            f"a Telnyx message.received webhook's 'to' is not a phone number: {err}"
        ) from err
    try:
        sender = PhoneNumber.parse(sender_text or "", region=None)
    except InvalidPhoneNumberError:
        _log.info("a Telnyx text from a sender that is not a phone number was not stored")
        return None
    autoresponse = (text(payload.get("autoresponse_type")) or "").upper()
    return InboundMessage(
        provider_message_id=provider_id,
        sender=sender,
        recipient=recipient,
        body=str(payload.get("text") or ""),
        received_at=timestamp(payload.get("received_at")) or occurred_at,
        carrier_keyword=_AUTORESPONSES.get(autoresponse),
        raw={"id": provider_id, "type": payload.get("type"), "autoresponse_type": autoresponse},
    )


def acknowledge() -> WebhookResponse:
    """An empty 200: Telnyx counts any 2xx as delivered."""
    return WebhookResponse(status=200, content_type="text/plain", body=b"")
