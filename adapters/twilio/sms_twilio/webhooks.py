"""Twilio's webhooks: verifying ``X-Twilio-Signature``, parsing requests, answering in TwiML.

Twilio signs each request over the exact URL it called (query string included) and every form
parameter, with the account's auth token (HMAC-SHA1), or with a webhook SharedKey when the
``X-Twilio-Webhooks-Signature-Settings`` header says ``algorithm=HMAC_SHA256``.
:class:`twilio.request_validator.RequestValidator` checks it in constant time, over
``request.url`` as the core hands it over: behind a proxy the core has already rebuilt the URL
Twilio called from the SDK's public webhook base (``SMS_WEBHOOK_BASE_URL``,
``webhook_base_url=`` or ``smsadmin serve --public-url``), in one place,
:func:`sms_core.webhooks.urls.signed_url`. The deprecated ``public_webhook_base_url`` setting
still rebases the URL until 0.3. (``X-Forwarded-*`` headers are not trusted: any client can
send them.)

Three kinds of request arrive. They are told apart by the status Twilio reports first, the
way Twilio's own parameter tables tell them apart, never by whether a ``Body`` is present:

* a **call** (``CallSid``): the number's voice webhook (``CallStatus`` ``ringing``) is an
  inbound call, answered with ``<Dial>`` to the line's forwarding number or a polite
  ``<Say>`` and ``<Hangup>``. A caller who withheld their number (Twilio sends ``anonymous``
  or ``+266696687``, "ANONYMOUS" on a keypad), a short code or nothing at all still gets that
  answer, with no caller. A call's own status callback (a ``CallStatus`` of ``completed``,
  ``busy``, ``no-answer``, ``failed`` or ``canceled``, sent to a number's ``StatusCallback``
  configured by an older version of the SDK) is acknowledged and ignored;
* a **status callback** (``MessageStatus``, or ``SmsStatus``, other than ``received``): the
  delivery report of a text the SDK sent, whose URL carries the SDK's message id. Some
  channels echo the ``Body`` in it; it is still a report;
* an **inbound text** (``SmsStatus`` ``received``, or a ``Body`` with no status at all), with
  the keyword Twilio acted on (see :mod:`sms_twilio.keywords`). A text whose sender is not a
  phone number (a short code, an alphanumeric sender) is acknowledged and not stored: no one
  could text it back.

Everything is answered with TwiML, an empty ``<Response/>`` unless a call is forwarded or
declined.

Sources: https://www.twilio.com/docs/messaging/guides/webhook-request (inbound text
parameters, ``SmsStatus=received``), https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
(status callbacks: ``MessageStatus`` and ``SmsStatus``), https://www.twilio.com/docs/usage/webhooks/voice-webhooks
(voice webhook and call status callback; ``CallStatus`` values as in Twilio's API description,
``call_enum_status``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from twilio.request_validator import (  # type: ignore[import-untyped]  # no type hints
    HMAC_SHA256,
    RequestValidator,
    get_signature_algorithm,
)
from twilio.twiml.messaging_response import MessagingResponse  # type: ignore[import-untyped]
from twilio.twiml.voice_response import VoiceResponse  # type: ignore[import-untyped]

from sms_core.domain import (
    InboundCall,
    InboundMessage,
    PhoneNumber,
    ProviderEvent,
    StatusUpdate,
    WebhookRequest,
    WebhookResponse,
)
from sms_core.exceptions import ConfigurationError, InvalidPhoneNumberError, WebhookPayloadError
from sms_twilio import errors
from sms_twilio.delivery import message_id_of
from sms_twilio.keywords import twilio_keyword
from sms_twilio.settings import Credentials, TwilioSettings
from sms_twilio.statuses import delivery_status

__all__ = [
    "DECLINE_MESSAGE",
    "SIGNATURE_HEADER",
    "SIGNATURE_SETTINGS_HEADER",
    "TWIML_CONTENT_TYPE",
    "acknowledge",
    "answer_call",
    "parse_webhook",
    "public_url",
    "verify_webhook",
]

_log = logging.getLogger(__name__)

#: The header Twilio puts its signature in (lower-cased, as ``WebhookRequest`` keeps headers).
SIGNATURE_HEADER = "x-twilio-signature"
#: The header naming a SharedKey and its algorithm, when Twilio signs with one.
SIGNATURE_SETTINGS_HEADER = "x-twilio-webhooks-signature-settings"
#: What TwiML answers are sent as.
TWIML_CONTENT_TYPE = "text/xml; charset=utf-8"
#: What a caller hears when the line forwards nowhere.
DECLINE_MESSAGE = (
    "Sorry, this number cannot take calls. Please send a text message instead. Goodbye."
)


# What an inbound text's SmsStatus says; any other status is a delivery report.
_INBOUND_STATUSES = frozenset({"received", "receiving"})
# A call's status callback, not its voice webhook (which Twilio sends while it rings).
_CALL_OVER = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})


class _Form(dict[str, list[str]]):
    """Form parameters with every value kept, the way ``RequestValidator`` reads a Django form."""

    def getlist(self, key: str) -> list[str]:
        return self[key]


def public_url(request: WebhookRequest, settings: TwilioSettings) -> str:
    """The URL Twilio called: the request's, rebased on ``public_webhook_base_url`` if set.

    Deprecated with that setting (it goes in 0.3): the core hands over the URL Twilio called
    already, rebuilt from the SDK's public webhook base. The base replaces the scheme and host
    and is put before the path unless the path already starts with the base's path.
    """
    base = settings.public_webhook_base_url
    if base is None:
        return request.url
    outside, inside = urlsplit(base), urlsplit(request.url)
    prefix = outside.path.rstrip("/")
    path = (
        inside.path if not prefix or inside.path.startswith(f"{prefix}/") else prefix + inside.path
    )
    return urlunsplit((outside.scheme, outside.netloc, path, inside.query, ""))


def verify_webhook(
    request: WebhookRequest, credentials: Credentials, settings: TwilioSettings
) -> bool:
    """Whether the request carries a valid Twilio signature over its public URL and form.

    Raises:
        ConfigurationError: When only an API key is configured: Twilio signs webhooks with
            the auth token, so without it no webhook can be verified.
    """
    signature = request.headers.get(SIGNATURE_HEADER)
    if not signature:
        return False
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER))
    if algorithm == HMAC_SHA256:
        secret = credentials.webhook_signing_key
        if secret is None:
            _log.warning("a webhook is signed with a SharedKey, but no signing key is configured")
            return False
    else:
        secret = credentials.auth_token
        if secret is None:
            raise ConfigurationError(
                "Twilio signs webhooks with the account's auth token, which is not configured "
                "(only an API key is): set the AUTH_TOKEN variable of the account's env_prefix"
            )
    url = public_url(request, settings)
    params: _Form | str
    if "bodySHA256" in dict(parse_qsl(urlsplit(url).query)):
        params = request.body.decode("utf-8", errors="replace")  # a JSON body, hashed
    elif request.method.upper() == "POST":
        try:
            params = _Form(request.form())
        except UnicodeDecodeError:
            return False  # Twilio sends UTF-8: a body that is not cannot be Twilio's
    else:
        params = _Form()  # a GET's parameters are in the signed URL
    valid: bool = RequestValidator(secret).validate(url, params, signature, algorithm)
    return valid


def parse_webhook(request: WebhookRequest, settings: TwilioSettings) -> list[ProviderEvent]:
    """The events a verified Twilio request carries (none for a call's status callback).

    Raises:
        WebhookPayloadError: When the request is none of the three kinds, or lacks a field
            its kind needs; the message names it.
    """
    fields = _fields(request)
    if "CallSid" in fields:
        return _call(fields)
    status = (fields.get("MessageStatus") or fields.get("SmsStatus") or "").strip().lower()
    if status and status not in _INBOUND_STATUSES:
        return [_status_update(request, fields, status)]
    if status or "Body" in fields:
        return _inbound_text(fields, settings)
    raise WebhookPayloadError(
        f"the Twilio webhook to {request.url!r} is neither an inbound text (Body), a status "
        "callback (MessageStatus) nor a call (CallSid); point only the number's SmsUrl, "
        "the messages' StatusCallback and the number's VoiceUrl at the webhook app"
    )


def _status_update(
    request: WebhookRequest, fields: Mapping[str, str], raw_status: str
) -> StatusUpdate:
    code = fields.get("ErrorCode") or None
    return StatusUpdate(
        provider_message_id=_message_sid(fields),
        status=delivery_status(raw_status),
        raw_status=raw_status,
        message_id=message_id_of(request.url),
        error_code=code,
        error_message=fields.get("ErrorMessage") or errors.delivery_error_message(code),
        failure_reason=errors.failure_reason(code),
        raw=dict(fields),
    )


def _inbound_text(fields: Mapping[str, str], settings: TwilioSettings) -> list[ProviderEvent]:
    sender = _optional_number(fields, "From")
    if sender is None:
        _log.warning(
            "acknowledged, not stored: Twilio text %s comes from no phone number",
            _message_sid(fields),
        )
        return []
    return [
        InboundMessage(
            provider_message_id=_message_sid(fields),
            sender=sender,
            recipient=_number(fields, "To"),
            body=fields.get("Body", ""),
            carrier_keyword=twilio_keyword(fields, advanced_opt_out=settings.advanced_opt_out),
            raw=dict(fields),
        )
    ]


def _call(fields: Mapping[str, str]) -> list[ProviderEvent]:
    if fields.get("CallStatus", "").strip().lower() in _CALL_OVER:
        return []  # a call's status callback: nothing for the SDK to do
    return [
        InboundCall(
            provider_call_id=_required(fields, "CallSid"),
            caller=_optional_number(fields, "From"),
            called=_number(fields, "To"),
            raw=dict(fields),
        )
    ]


def answer_call(forward_to: PhoneNumber | None) -> WebhookResponse:
    """TwiML that forwards the call with ``<Dial>``, or declines it politely."""
    response = VoiceResponse()
    if forward_to is not None:
        # The caller keeps hearing the ring until the forwarding number picks up.
        response.dial(forward_to.e164, answer_on_bridge=True)
    else:
        response.say(DECLINE_MESSAGE)
        response.hangup()
    return _twiml(str(response))


def acknowledge() -> WebhookResponse:
    """An empty ``<Response/>``: Twilio is to do nothing more."""
    return _twiml(str(MessagingResponse()))


def _twiml(xml: str) -> WebhookResponse:
    return WebhookResponse(status=200, content_type=TWIML_CONTENT_TYPE, body=xml.encode("utf-8"))


def _fields(request: WebhookRequest) -> Mapping[str, str]:
    """The request's parameters (query string, then form), first value of each."""
    fields = dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))
    if request.method.upper() == "POST":
        fields.update({key: values[0] for key, values in request.form().items() if values})
    return fields


def _required(fields: Mapping[str, str], name: str) -> str:
    value = fields.get(name, "").strip()
    if not value:
        raise WebhookPayloadError(f"the Twilio webhook has no {name}; it cannot be applied")
    return value


def _message_sid(fields: Mapping[str, str]) -> str:
    for name in ("MessageSid", "SmsSid", "SmsMessageSid"):
        if value := fields.get(name, "").strip():
            return value
    raise WebhookPayloadError("the Twilio webhook has no MessageSid; it cannot be applied")


def _optional_number(fields: Mapping[str, str], name: str) -> PhoneNumber | None:
    """The number in ``name``, or ``None`` when it is withheld, empty or no phone number."""
    try:
        return PhoneNumber.parse(fields.get(name, "").strip(), region=None)
    except InvalidPhoneNumberError:
        return None


def _number(fields: Mapping[str, str], name: str) -> PhoneNumber:
    value = _required(fields, name)
    try:
        return PhoneNumber.parse(value, region=None)
    except InvalidPhoneNumberError as err:
        raise WebhookPayloadError(
            f"the Twilio webhook's {name} {value!r} is not a phone number the SDK texts with "
            f"({err.reason})"
        ) from err
