"""Calls: a TeXML application per voice URL, the call Telnyx posts to it, the TeXML answer.

**How a number's calls reach a URL.** On Telnyx a number's calls go to the *connection* its
``connection_id`` names, not to a URL set on the number. The connection that fetches its
instructions over HTTP is a **TeXML application**: "On inbound calls (PSTN or External SIP to
Telnyx), Telnyx fetches TeXML instructions from the URL defined on the TeXML Application
associated with the SIP subdomain or phone number"
(https://developers.telnyx.com/docs/voice/programmable-voice/texml-instruction-fetching). Its
``voice_url`` is the "URL to which Telnyx will deliver your XML Translator webhooks", requested
with ``voice_method`` (``get`` or ``post``) (``CreateTexmlApplicationRequest`` in
``spec3.yml``; ``friendly_name`` and ``voice_url`` are required).

**Decision.** The adapter keeps one TeXML application per voice URL (the SDK gives one calls
URL per account): named :func:`application_name` (``smsadmin calls`` and a digest of the URL),
found with ``GET /v2/texml_applications?filter[friendly_name]=...`` ("applications with
``friendly_name`` containing the given value", ``texml_application_list_params.Filter`` of the
``telnyx`` package) and matched on its ``voice_url`` exactly, else created
(``POST /v2/texml_applications``, ``voice_method`` ``post``). The number's ``connection_id``
then points at it (``PATCH /v2/phone_numbers/{id}``, :mod:`sms_telnyx.provisioning`). An
application whose URL someone changed in Mission Control no longer matches, and a new one is
made rather than the changed one taken back. Two numbers configured at the same moment may
each create one; both point at the same URL, so calls are answered the same way, and later
lookups take the oldest (``sort=created_at``).

**Forwarding, once.** With a voice URL the SDK answers each call: ``<Dial>`` to the line's
forwarding number, or a polite goodbye (:func:`answer_call`). Telnyx's own forwarding
(``call_forwarding`` in the number's voice settings) would forward the call before the TeXML
application is asked, so it is switched off whenever a voice URL is set; only without a voice
URL does Telnyx forward by itself. So a call is forwarded by one of the two, never both.
``<Dial>`` places an outbound call, which Telnyx bills and allows through an **outbound voice
profile** "associated with the voice API application"
(https://developers.telnyx.com/docs/voice/programmable-voice/get-started, "Core Concepts");
the account's ``outbound_voice_profile_id`` setting, when given, is set on the applications
the adapter creates (``outbound.outbound_voice_profile_id``).

**The call request.** Telnyx posts the call as ``application/x-www-form-urlencoded`` fields in
Twilio's names: ``AccountSid``, ``CallSid`` (the call control id), ``From``, ``To``,
``CallStatus``, ``ConnectionId`` and more, signed like every Telnyx webhook with
``telnyx-signature-ed25519`` over ``f"{telnyx-timestamp}|{body}"``
(https://developers.telnyx.com/api-reference/callbacks/texml-call-initiated and
``texml-call-answered``: "Body application/x-www-form-urlencoded", headers ``telnyx-timestamp``
and ``telnyx-signature-ed25519``, "Ed25519 signature of timestamp|payload"). The signature
does not cover the URL, so only the body is read: an application switched to ``voice_method``
``get`` (fields in the query string) is refused with a hint. A call already over
(``completed``, ``busy``, ``failed``, ``no-answer``, ``canceled``: a progress callback) carries
no call to answer.

**The answer.** TeXML, Telnyx's Twilio-compatible markup (verbs ``Say``, ``Dial``, ``Hangup``,
``Reject``..., https://developers.telnyx.com/docs/voice/programmable-voice/texml-verbs):
``<Response><Dial><Number>`` to forward ("The ``<Dial>`` verb transfers an existing call to
another destination", .../texml-verbs/dial), else ``<Say>`` and ``<Hangup/>``, the same polite
decline the Twilio adapter gives. ``<Reject>`` would leave the call unanswered and unbilled
(.../texml-verbs/reject), but the caller would hear only a tone, not that the number takes
texts.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

from sms_core.domain import InboundCall, PhoneNumber, WebhookRequest, WebhookResponse
from sms_core.exceptions import InvalidPhoneNumberError, ProviderError, WebhookPayloadError
from sms_telnyx.errors import calling
from sms_telnyx.payloads import answer_data
from sms_telnyx.settings import PROVIDER

if TYPE_CHECKING:
    import telnyx

__all__ = [
    "APPLICATION_NAME_PREFIX",
    "DECLINE_MESSAGE",
    "TEXML_CONTENT_TYPE",
    "answer_call",
    "application_name",
    "is_call",
    "parse_call",
    "texml_application",
]

#: How the TeXML applications the adapter makes are named (then a digest of the voice URL).
APPLICATION_NAME_PREFIX = "smsadmin calls"
#: What a caller hears when the line forwards nowhere.
DECLINE_MESSAGE = (
    "Sorry, this number cannot take calls. Please send a text message instead. Goodbye."
)
#: The content type of a TeXML answer.
TEXML_CONTENT_TYPE = "application/xml"

# CallStatus values of a call that has ended (the TeXML call progress callbacks' statuses,
# Twilio's names, which TeXML keeps).
_CALL_OVER = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


def application_name(voice_url: str) -> str:
    """The name of the TeXML application serving ``voice_url``: stable, and unique to it."""
    digest = hashlib.sha256(voice_url.encode("utf-8")).hexdigest()[:16]
    return f"{APPLICATION_NAME_PREFIX} {digest}"


def texml_application(
    client: telnyx.Telnyx,
    reader: telnyx.Telnyx,
    voice_url: str,
    *,
    outbound_voice_profile_id: str | None = None,
) -> tuple[str, str]:
    """The id and voice URL (as Telnyx reads it back) of the application for ``voice_url``.

    Found among the account's TeXML applications by name and URL, else created. ``reader``
    may retry (a lookup); ``client`` does not (it creates).
    """
    name = application_name(voice_url)
    found = calling(
        lambda: reader.texml_applications.list(
            filter={"friendly_name": name}, page_size=250, sort="created_at"
        ),
        creates=False,
    )
    for item in answer_data(found) or []:
        if isinstance(item, dict) and item.get("voice_url") == voice_url and item.get("id"):
            return str(item["id"]), voice_url
    params: dict[str, Any] = {"friendly_name": name, "voice_url": voice_url, "voice_method": "post"}
    if outbound_voice_profile_id is not None:
        params["outbound"] = {"outbound_voice_profile_id": outbound_voice_profile_id}
    # Made once, by the client that never repeats a request. A lost answer is reported as an
    # ordinary failure ("try later", creates=False: no text is at stake): configuring again
    # finds an application that was made after all, by its name and URL, and makes no second.
    created = answer_data(
        calling(lambda: client.texml_applications.create(**params), creates=False)
    )
    if not isinstance(created, dict) or not created.get("id"):
        raise ProviderError(
            "Telnyx's answer to creating a TeXML application named no id; configure the number "
            "again (the application is found by its name and URL, not made twice)",
            provider=PROVIDER,
        )
    return str(created["id"]), str(created.get("voice_url") or voice_url)


def _fields(request: WebhookRequest) -> dict[str, str]:
    """The form body's fields, first value of each: the only fields the signature covers."""
    content_type = request.headers.get("content-type", "")
    if not (request.body and content_type.startswith("application/x-www-form-urlencoded")):
        return {}
    return {key: values[0] for key, values in request.form().items() if values}


def _query(request: WebhookRequest) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))


def is_call(request: WebhookRequest) -> bool:
    """Whether the request is a TeXML call request (it names a ``CallSid``)."""
    return any(fields.get("CallSid", "").strip() for fields in (_fields(request), _query(request)))


def parse_call(request: WebhookRequest) -> list[InboundCall]:
    """The call a TeXML request carries; none when it reports a call already over.

    Only the form body is read: Telnyx signs the body and the timestamp, not the URL, so call
    fields in a query string (an application set to ``voice_method`` ``get``) could have been
    changed by anyone and are refused.

    Raises:
        WebhookPayloadError: When ``CallSid`` or a ``To`` phone number is missing, or the
            fields came in the URL.
    """
    fields = _fields(request)
    call_sid = fields.get("CallSid", "").strip()
    if not call_sid and _query(request).get("CallSid", "").strip():
        raise WebhookPayloadError(
            "a Telnyx TeXML call request carried its fields in the URL, which Telnyx's "
            "signature does not cover; set the TeXML application's voice_method to post "
            "(Mission Control, the 'smsadmin calls' application)"
        )
    if not call_sid:
        raise WebhookPayloadError("a Telnyx TeXML call request has no CallSid")
    if fields.get("CallStatus", "").strip().lower() in _CALL_OVER:
        return []
    try:
        called = PhoneNumber.parse(fields.get("To", ""), region=None)
    except InvalidPhoneNumberError as err:
        raise WebhookPayloadError(
            f"a Telnyx TeXML call request's 'To' is not a phone number: {err}"
        ) from err
    try:
        caller: PhoneNumber | None = PhoneNumber.parse(fields.get("From", ""), region=None)
    except InvalidPhoneNumberError:
        caller = None  # withheld, or a SIP address: the call is still answered
    return [InboundCall(provider_call_id=call_sid, caller=caller, called=called, raw=dict(fields))]


def answer_call(forward_to: PhoneNumber | None) -> WebhookResponse:
    """TeXML that forwards the call with ``<Dial>``, or says goodbye and hangs up."""
    if forward_to is not None:
        verbs = f"<Dial><Number>{escape(forward_to.e164)}</Number></Dial>"
    else:
        verbs = f"<Say>{escape(DECLINE_MESSAGE)}</Say><Hangup/>"
    texml = f'<?xml version="1.0" encoding="UTF-8"?><Response>{verbs}</Response>'
    return WebhookResponse(status=200, content_type=TEXML_CONTENT_TYPE, body=texml.encode())
